"""Figures for the actor extractor (INTERMEDIARY, EMPLOYER, POLICE, BORDER_GUARD, OFFICIAL).

    .venv/bin/python eval/actors.py [--folds 5] [--epochs 30] [--no-model] [--gold DIR]

1. Real report pages (../shared/eval/report_dev_*.jsonl): exact and overlap P/R/F1 per actor label,
   rules only and rules + an NER model trained on the demo gold (in a temporary folder; nothing is
   ever trained on the eval data), and speed in segments/s.
2. Demo gold (annotation/gold/source/*.md): rules only, and k-fold cross-validation by interview of
   rules vs rules + NER vs NER alone: does the statistical part help?
3. Public corpora: how actor cues behave on news text nobody here wrote: NEREL PROFESSION spans and
   factRuEval `job` spans that contain an actor found by the rules, and actors found outside them.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from _common import EVAL, EXTERNAL, GOLD_SOURCES, shared_module
from nlp_toolkit.extract.actors import ACTOR_LABELS, ActorExtractor, marked_records, train_actor_ner
from nlp_toolkit.io import read_jsonl
from nlp_toolkit.text import normalise



def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def score(gold: list[dict], pred: dict[str, list[dict]]) -> dict[str, dict[str, float]]:
    """Per actor label (and 'all'): exact-span and overlap precision/recall/F1, support."""
    c: dict[str, Counter] = defaultdict(Counter)
    for rec in gold:
        g = [e for e in rec.get("entities", []) if e["label"] in ACTOR_LABELS]
        p = [e for e in pred.get(rec["id"], []) if e["label"] in ACTOR_LABELS]
        gk, pk = {(e["start"], e["end"], e["label"]) for e in g}, {(e["start"], e["end"], e["label"]) for e in p}
        for lab in ("all", *ACTOR_LABELS):
            sel = (lambda k: True) if lab == "all" else (lambda k, lab=lab: k[2] == lab)
            c[lab]["tp"] += len({k for k in gk & pk if sel(k)})
            c[lab]["fp"] += len({k for k in pk - gk if sel(k)})
            c[lab]["fn"] += len({k for k in gk - pk if sel(k)})

        def hit(e: dict, others: list[dict]) -> bool:
            return any(o["label"] == e["label"] and o["start"] < e["end"] and e["start"] < o["end"] for o in others)

        for e in p:
            for lab in ("all", e["label"]):
                c[lab]["op_hit" if hit(e, g) else "op_miss"] += 1
        for e in g:
            for lab in ("all", e["label"]):
                c[lab]["or_hit" if hit(e, p) else "or_miss"] += 1
    out = {}
    for lab, k in c.items():
        p, r, f = _prf(k["tp"], k["fp"], k["fn"])
        op = k["op_hit"] / (k["op_hit"] + k["op_miss"]) if k["op_hit"] + k["op_miss"] else 0.0
        orr = k["or_hit"] / (k["or_hit"] + k["or_miss"]) if k["or_hit"] + k["or_miss"] else 0.0
        of = 2 * op * orr / (op + orr) if op + orr else 0.0
        out[lab] = {"p": p, "r": r, "f1": f, "op": op, "or": orr, "of1": of, "n": k["tp"] + k["fn"]}
    return out


def show(title: str, res: dict[str, dict[str, float]]) -> None:
    print(f"\n{title}")
    print(f"  {'label':13s} {'exact P':>8s} {'R':>6s} {'F1':>6s}   {'overlap P':>9s} {'R':>6s} {'F1':>6s}   n")
    for lab in ("all", *ACTOR_LABELS):
        if lab in res:
            m = res[lab]
            print(f"  {lab:13s} {m['p']:8.3f} {m['r']:6.3f} {m['f1']:6.3f}   {m['op']:9.3f} {m['or']:6.3f} "
                  f"{m['of1']:6.3f}   {m['n']}")


def predict(ext: ActorExtractor, recs: list[dict]) -> tuple[dict[str, list[dict]], float]:
    t0 = time.perf_counter()
    pred = {r["id"]: ext(r["text"], r.get("lang")) for r in recs}
    return pred, time.perf_counter() - t0


def only(pred: dict[str, list[dict]], source: str) -> dict[str, list[dict]]:
    return {k: [e for e in v if e.get("source") == source] for k, v in pred.items()}


def demo_gold(source_dir: Path) -> list[list[dict]]:
    """Records per finished gold source file (files that do not parse yet are skipped)."""
    out = []
    for path in sorted(source_dir.glob("*.md")):
        try:
            recs = marked_records(path)
        except Exception as exc:  # sources are written while we measure: report and go on
            print(f"  skipped {path.name}: {exc}")
            continue
        if any(e["label"] in ACTOR_LABELS for r in recs for e in r["entities"]):
            out.append(recs)
    return out


def section_dev(rules: ActorExtractor, model_dir: Path | None) -> None:
    gold = list(read_jsonl(EVAL / "report_dev_gold.jsonl"))
    inputs = list(read_jsonl(EVAL / "report_dev_input.jsonl"))
    pred, cold = predict(rules, inputs)
    _, warm = predict(rules, inputs)
    show(f"1. report dev pages, rules only ({len(inputs)} segments)", score(gold, pred))
    chars = sum(len(r["text"]) for r in inputs)
    print(f"  speed rules only: {len(inputs) / cold:.0f} segments/s cold, {len(inputs) / warm:.0f} warm "
          f"({chars / len(inputs):.0f} chars/segment)")
    big = [r for r in inputs for _ in range(20)]
    _, t = predict(rules, big)
    print(f"  speed rules only, {len(big)} segments (20 passes): {len(big) / t:.0f} segments/s")
    if model_dir:
        both = ActorExtractor(model_dir=model_dir)
        pred, t = predict(both, inputs)
        show("   rules + NER (trained on all demo gold)", score(gold, pred))
        print(f"  speed rules + NER: {len(inputs) / t:.0f} segments/s")
        show("   NER spans alone (where rules found nothing)", score(gold, only(pred, "model")))


def section_demo(files: list[list[dict]], folds: int, epochs: int, use_model: bool) -> None:
    recs = [r for f in files for r in f]
    n_ents = sum(e["label"] in ACTOR_LABELS for r in recs for e in r["entities"])
    rules = ActorExtractor()
    pred, _ = predict(rules, recs)
    show(f"2. demo gold, rules only, segment by segment ({len(files)} interviews, {len(recs)} segments, "
         f"{n_ents} actor spans)", score(recs, pred))
    by_interview = {r["id"]: ents for f in files for r, ents in zip(f, rules.interview([r["text"] for r in f]))}
    show("   rules only, names remembered across each interview (ActorExtractor.interview)", score(recs, by_interview))
    if not use_model or len(files) < 2:
        return
    k = min(folds, len(files))
    cv_both: dict[str, list[dict]] = {}
    cv_model: dict[str, list[dict]] = {}
    for fold in range(k):
        test = [r for i, f in enumerate(files) if i % k == fold for r in f]
        train = [r for i, f in enumerate(files) if i % k != fold for r in f]
        with tempfile.TemporaryDirectory() as tmp:
            train_actor_ner(train, tmp, epochs=epochs)
            both = ActorExtractor(model_dir=tmp)
            cv_both.update(predict(both, test)[0])
            cv_model.update({r["id"]: [{"start": s.start_char, "end": s.end_char, "label": s.label_}
                                       for s in both.nlp(normalise(r["text"])).ents] for r in test})
    print(f"\n   ({k}-fold CV by interview; rules need no training: compare with segment by segment above)")
    show("   CV: rules + NER", score(recs, cv_both))
    show("   CV: NER alone", score(recs, cv_model))


def _inside(e: dict, spans: list[tuple[int, int]]) -> bool:
    return any(s < e["end"] and e["start"] < t for s, t in spans)


def section_external(rules: ActorExtractor) -> None:
    ext = shared_module("check_external")
    print("\n3. actor cues on public news corpora (rules only)")
    prof_total, prof_hit, found_in, found_org, found_out = 0, Counter(), Counter(), Counter(), Counter()
    t0, n_docs = time.perf_counter(), 0
    for split in ("dev", "test"):
        for ann in sorted((EXTERNAL / "nerel_v1.1" / split).glob("*.ann")):
            text, ents = ext.read_brat(ann)
            n_docs += 1
            prof = [(e["start"], e["end"]) for e in ents if e["label"] == "PROFESSION"]
            org = [(e["start"], e["end"]) for e in ents if e["label"] == "ORGANIZATION"]
            found = rules(text, "ru")
            prof_total += len(prof)
            for s, t in prof:
                labs = {f["label"] for f in found if s < f["end"] and f["start"] < t}
                for lab in labs:
                    prof_hit[lab] += 1
                prof_hit["any"] += bool(labs)
            for f in found:
                (found_in if _inside(f, prof) else found_org if _inside(f, org) else found_out)[f["label"]] += 1
    dt = time.perf_counter() - t0
    print(f"  NEREL dev+test: {n_docs} docs, {prof_total} PROFESSION spans; {prof_hit['any']} contain an actor "
          f"found by the rules: " + ", ".join(f"{lab} {prof_hit[lab]}" for lab in ACTOR_LABELS))
    print("  actors found inside PROFESSION: " + ", ".join(f"{lab} {found_in[lab]}" for lab in ACTOR_LABELS))
    print("  actors found inside ORGANIZATION (police, ministries): "
          + ", ".join(f"{lab} {found_org[lab]}" for lab in ACTOR_LABELS))
    print("  actors found outside both: " + ", ".join(f"{lab} {found_out[lab]}" for lab in ACTOR_LABELS))
    print(f"  speed: {n_docs / dt:.0f} news documents/s")
    jobs_total, jobs_hit = 0, Counter()
    for split in ("devset", "testset"):
        for tok in sorted((EXTERNAL / "factrueval2016" / split).glob("*.tokens")):
            doc = ext.read_factru(tok.with_suffix(""))
            jobs = [(st, st + ln) for _, typ, st, ln in doc["spans"] if typ == "job"]
            found = rules(doc["text"], "ru")
            jobs_total += len(jobs)
            for s, t in jobs:
                labs = {f["label"] for f in found if s < f["end"] and f["start"] < t}
                for lab in labs:
                    jobs_hit[lab] += 1
                jobs_hit["any"] += bool(labs)
    print(f"  factRuEval dev+test: {jobs_total} job spans; {jobs_hit['any']} contain an actor found by the rules: "
          + ", ".join(f"{lab} {jobs_hit[lab]}" for lab in ACTOR_LABELS))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--no-model", action="store_true", help="rules only (skip NER training)")
    ap.add_argument("--gold", type=Path, default=GOLD_SOURCES, help="folder of marked-up gold sources")
    args = ap.parse_args(argv)
    rules = ActorExtractor()
    files = demo_gold(args.gold)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = None
        if files and not args.no_model:
            model_dir = train_actor_ner([r for f in files for r in f], tmp, epochs=args.epochs)
        section_dev(rules, model_dir)
    if files:
        section_demo(files, args.folds, args.epochs, not args.no_model)
    else:
        print("\n2. demo gold: no finished source files with actor spans yet")
    section_external(rules)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
