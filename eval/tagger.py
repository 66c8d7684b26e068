"""The whole tagger on text nobody here wrote, and on the project's own gold.

    .venv/bin/python eval/tagger.py [--model DIR]

1. The real report pages in ../shared/eval (58 quoted testimonies, Russian): `nlp-toolkit tag` with
   the default model (trained on project data only), scored with ../shared/tools/score.py.
2. Learning from real annotations: train on one half of those gold segments, test on the other, and
   swap (nothing of this goes into models/): what a team gets after annotating one report; and the
   same with the demo gold in training too (a team adding its annotations to the shipped ones).
3. The demo gold (annotation/gold/*.jsonl): grouped cross-validation per language is in the model card;
   here, the extractors on it per label.
"""

from __future__ import annotations

import argparse
import json
import tempfile

from _common import EVAL, ROOT, shared_module
from nlp_toolkit.classify.train import train
from nlp_toolkit.io import read_jsonl
from nlp_toolkit.pipeline import Tagger


def half_and_half(gold: dict, inputs: list[dict], score, extra: list[dict], **train_args) -> dict:
    """Scores of models trained on `extra` plus one half of the real gold, each tested on the other
    half (a team that annotates one report's worth, starting from nothing or from the demo gold)."""
    ids = sorted(gold)
    halves = [ids[: len(ids) // 2], ids[len(ids) // 2:]]
    merged: dict = {}
    for k in (0, 1):
        train_recs = extra + [{**gold[i], "interview_id": f"page{gold[i].get('page')}"} for i in halves[k]]
        with tempfile.TemporaryDirectory() as tmp:
            train(train_recs, tmp, **train_args)
            test_ids = set(halves[1 - k])
            merged.update({r["id"]: r for r in Tagger(tmp).tag([r for r in inputs if r["id"] in test_ids])})
    return score.score(gold, merged)


def show(title: str, res: dict) -> None:
    c, e = res["codes"], res["entities"]
    print(f"\n== {title}: {res['segments']} segments")
    print(f"codes    micro P {c['micro']['p']:.3f} R {c['micro']['r']:.3f} F1 {c['micro']['f1']:.3f}  macro F1 {c['macro_f1']:.3f}")
    print(f"entities micro P {e['micro']['p']:.3f} R {e['micro']['r']:.3f} F1 {e['micro']['f1']:.3f}")
    for lab, m in e["per_label"].items():
        print(f"  {lab:13s} P {m['p']:.2f} R {m['r']:.2f} F1 {m['f1']:.2f} overlap {m['overlap_f1']:.2f} n={m['support']}")
    print(f"money value acc {res['money']['value_acc']:.3f} role acc {res['money']['role_acc']:.3f} (matched {res['money']['matched']})")
    print(f"loc   norm acc {res['loc']['norm_acc']:.3f} country acc {res['loc']['country_acc']:.3f} (matched {res['loc']['matched']})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    score = shared_module("score")
    gold_path = EVAL / "report_dev_gold.jsonl"
    gold = {r["id"]: r for r in read_jsonl(gold_path)}
    inputs = list(read_jsonl(EVAL / "report_dev_input.jsonl"))
    tagger = Tagger(args.model)
    pred = {r["id"]: r for r in tagger.tag(inputs)}
    show("real report pages, default model", score.score(gold, pred))

    own = [r for f in sorted((ROOT / "annotation" / "gold").glob("*.jsonl")) for r in read_jsonl(f)]
    res = half_and_half(gold, inputs, score, [], candidates=("tfidf_lr",), folds=3)
    print(f"\n== trained on half of the real gold, tested on the other half (both ways): codes micro F1 "
          f"{res['codes']['micro']['f1']:.3f}, macro F1 {res['codes']['macro_f1']:.3f}")
    res = half_and_half(gold, inputs, score, own, candidates=("tfidf_lr+cues",), folds=5)
    print(f"== the demo gold and half of the real gold, tested on the other half (both ways): codes micro F1 "
          f"{res['codes']['micro']['f1']:.3f}, macro F1 {res['codes']['macro_f1']:.3f}")

    if own:
        for lang in ("ru", "ky", "mixed"):
            part = {r["id"]: r for r in own if r.get("lang") == lang}
            if part:
                ents = {r["id"]: r for r in Tagger(args.model, codes=False).tag(
                    [{k: v for k, v in r.items() if k not in ("entities", "codes")} for r in part.values()])}
                res = score.score(part, ents)
                print(f"\n== demo gold, {lang} ({len(part)} segments), entities (codes: see the model card's CV figures)")
                for lab, m in res["entities"]["per_label"].items():
                    print(f"  {lab:13s} P {m['p']:.2f} R {m['r']:.2f} F1 {m['f1']:.2f} n={m['support']}")
                print(f"  money value acc {res['money']['value_acc']:.3f} role acc {res['money']['role_acc']:.3f}; "
                      f"loc norm acc {res['loc']['norm_acc']:.3f}")
    print(json.dumps({"note": "figures above; nothing trained here is saved"}))


if __name__ == "__main__":
    main()
