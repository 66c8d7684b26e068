"""Code classifier figures: grouped CV on the project gold, a style-shift test, and the default model on the
real report pages.

    .venv/bin/python eval/codes.py [--kind KIND] [--model DIR] [--no-eval] [--shift] [--per-language]

1. Grouped 5-fold CV (by interview) on annotation/gold/*.jsonl for one candidate, with the thresholds
   `train.py` would choose: micro/macro-F1 overall, per language and per code.
2. With --shift: trained (`train`, thresholds and calibration included) on the first-person interviews
   only, tested on the key-informant ones (_common.KEY_INFORMANTS): how the model holds up on retold
   cases unlike its training turns. Model choices are made on 1 and 2.
   With --per-language: one model for Russian and Kyrgyz together, or one per language? Grouped CV of
   a model trained on the ru (ky) segments only, against the joint model's out-of-fold scores on them.
3. The model in DIR (default models/codes, trained on project data only) on ../shared/eval report
   pages: codes P/R/F1 per code. The report text is only read to measure, never stored.
"""

from __future__ import annotations

import argparse
import tempfile

import numpy as np

from _common import EVAL, KEY_INFORMANTS, ROOT
from nlp_toolkit.classify.model import CodeModel
from nlp_toolkit.classify.train import evaluate, out_of_fold, train, training_matrix, tune_thresholds
from nlp_toolkit.codebook import load_codebook
from nlp_toolkit.io import read_jsonl


def per_code_table(Y: np.ndarray, pred: np.ndarray, labels: list[str]) -> None:
    res = evaluate(Y, pred, labels)
    print(f"micro-F1 {res['micro_f1']:.3f} macro-F1 {res['macro_f1']:.3f}")
    for code, m in res["per_code"].items():
        if m["support"] or pred[:, labels.index(code)].any():
            print(f"  {code:24s} P {m['p']:.2f} R {m['r']:.2f} F1 {m['f1']:.2f} n={m['support']}")


def score_model(model: CodeModel, recs: list[dict], cb) -> None:
    """A trained model's codes for `recs` against their gold codes, per code."""
    codes, _ = model.predict([r["text"] for r in recs])
    _, Y, _ = training_matrix(recs, cb)
    pred = np.array([[c in row for c in cb.code_ids] for row in codes], dtype=int)
    per_code_table(Y, pred, cb.code_ids)


def gold() -> list[dict]:
    return [r for f in sorted((ROOT / "annotation" / "gold").glob("*.jsonl")) for r in read_jsonl(f)]


def cv(kind: str) -> None:
    cb = load_codebook()
    recs = gold()
    texts, Y, groups = training_matrix(recs, cb)
    proba = out_of_fold(kind, texts, Y, groups, cb.code_ids, 5)
    thr = tune_thresholds(Y, proba, cb.code_ids) if kind != "cues" else {c: 0.5 for c in cb.code_ids}
    pred = proba >= np.array([thr[c] for c in cb.code_ids])
    print(f"== grouped CV on the project gold ({len(recs)} segments), {kind}")
    per_code_table(Y, pred, cb.code_ids)
    for lang in ("ru", "ky", "mixed"):
        idx = [i for i, r in enumerate(recs) if r.get("lang") == lang]
        res = evaluate(Y[idx], pred[idx], cb.code_ids)
        print(f"  lang {lang:5s} n={len(idx):4d} micro-F1 {res['micro_f1']:.3f} macro-F1 {res['macro_f1']:.3f}")


def per_language(kind: str) -> None:
    cb = load_codebook()
    recs = gold()
    texts, Y, groups = training_matrix(recs, cb)
    joint = out_of_fold(kind, texts, Y, groups, cb.code_ids, 5)
    print(f"== one model for all languages vs one per language, {kind} (grouped 5-fold CV)")
    for lang in ("ru", "ky"):
        idx = [i for i, r in enumerate(recs) if r["lang"] == lang]
        alone = out_of_fold(kind, [texts[i] for i in idx], Y[idx], [groups[i] for i in idx], cb.code_ids, 5)
        for name, proba in (("joint", joint[idx]), (f"{lang} only", alone)):
            thr = tune_thresholds(Y[idx], proba, cb.code_ids)
            res = evaluate(Y[idx], proba >= np.array([thr[c] for c in cb.code_ids]), cb.code_ids)
            print(f"  {lang:3s} n={len(idx):4d} {name:8s} micro-F1 {res['micro_f1']:.3f} macro-F1 {res['macro_f1']:.3f}")


def shift(kind: str) -> None:
    cb = load_codebook()
    recs = gold()
    test = [r for r in recs if r["interview_id"] in KEY_INFORMANTS]
    first_person = [r for r in recs if r["interview_id"] not in KEY_INFORMANTS]
    print(f"== style shift: {kind} trained on {len(first_person)} first-person segments, "
          f"tested on {len(test)} key-informant segments ({len({r['interview_id'] for r in test})} interviews)")
    with tempfile.TemporaryDirectory() as tmp:
        train(first_person, tmp, candidates=(kind,))
        score_model(CodeModel.load(tmp), test, cb)


def report_pages(model_dir: str | None) -> None:
    recs = list(read_jsonl(EVAL / "report_dev_gold.jsonl"))
    model = CodeModel.load(model_dir or ROOT / "models" / "codes")
    print(f"== real report pages ({len(recs)} segments), model {model.kind} ({model_dir or 'models/codes'})")
    score_model(model, recs, load_codebook())


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default=None, help="candidate to cross-validate (default: the model's kind)")
    ap.add_argument("--model", default=None)
    ap.add_argument("--no-eval", action="store_true", help="not the report pages")
    ap.add_argument("--shift", action="store_true", help="also the style-shift test")
    ap.add_argument("--per-language", action="store_true", help="also one model vs one per language")
    args = ap.parse_args()
    kind = args.kind or CodeModel.load(args.model or ROOT / "models" / "codes").kind
    cv(kind)
    if args.shift:
        shift(kind)
    if args.per_language:
        per_language(kind)
    if not args.no_eval:
        report_pages(args.model)


if __name__ == "__main__":
    main()
