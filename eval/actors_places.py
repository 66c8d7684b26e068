"""Actors and places through the whole tagger, per label and language, on a tuned and a held-out part.

    .venv/bin/python eval/actors_places.py [--errors] [--speed]

Issue 4 targets: actors exact F1 >= 0.85 per label, LOC exact F1 >= 0.97 and norm accuracy >= 0.97, on
the report pages and on the demo gold. The demo gold (annotation/gold/*.jsonl) is split by interview:
HELD_OUT interviews are measured only, never read for errors (`--errors` lists the misses of the tuned
part alone); the report pages (../shared/eval) are measured only too.
`--speed`: segments/s of each extractor alone on the demo gold (second pass, caches warm).
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from _common import EVAL, HELD_OUT, ROOT, shared_module
from nlp_toolkit.io import read_jsonl
from nlp_toolkit.pipeline import Tagger, make_extractor

LABELS = ("INTERMEDIARY", "EMPLOYER", "POLICE", "BORDER_GUARD", "OFFICIAL", "LOC")


def tag(tagger: Tagger, recs: list[dict]) -> dict[str, dict]:
    inputs = [{k: v for k, v in r.items() if k not in ("entities", "codes")} for r in recs]
    return {r["id"]: r for r in tagger.tag(inputs)}


def show(title: str, gold: list[dict], pred: dict[str, dict]) -> None:
    res = shared_module("score").score({r["id"]: r for r in gold}, pred)
    per = res["entities"]["per_label"]
    cells = [f"{lab[:5]} {per[lab]['f1']:.2f} (R {per[lab]['r']:.2f} n={per[lab]['support']})"
             for lab in LABELS if lab in per and per[lab]["support"]]
    print(f"  {title:22s} " + "  ".join(cells) + f"  LOC norm {res['loc']['norm_acc']:.3f}")


def errors(gold: list[dict], pred: dict[str, dict]) -> None:
    for r in gold:
        g = {(e["start"], e["end"], e["label"]): e for e in r["entities"] if e["label"] in LABELS}
        p = {(e["start"], e["end"], e["label"]): e for e in pred[r["id"]]["entities"] if e["label"] in LABELS}
        for k in sorted(g.keys() | p.keys()):
            text = r["text"]
            ctx = text[max(0, k[0] - 50):k[0]] + "[" + text[k[0]:k[1]] + "]" + text[k[1]:k[1] + 50]
            if k in g and k in p:
                if k[2] == "LOC" and g[k]["norm"].casefold() != p[k]["norm"].casefold():
                    print(f"  NORM {r['id']} {k[2]} {g[k]['text']!r} gold {g[k]['norm']!r} pred {p[k]['norm']!r}")
            else:
                print(f"  {'FN' if k in g else 'FP'}   {r['id']} {r['lang']} {k[2]:12s} {ctx!r}".replace("\n", " "))


def speed(recs: list[dict]) -> None:
    for name, config in (("actors", {}), ("places", {"ner_fallback": False})):
        ext = make_extractor(name, **config)
        for _ in range(2):
            t0 = time.perf_counter()
            for r in recs:
                ext(r["text"], r["lang"])
            dt = time.perf_counter() - t0
        print(f"  {name}: {len(recs) / dt:.0f} segments/s alone ({len(recs)} segments, second pass)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list misses of the tuned part (never the held-out one)")
    ap.add_argument("--speed", action="store_true")
    args = ap.parse_args()
    tagger = Tagger(codes=False)
    parts: dict[str, list[dict]] = defaultdict(list)
    for f in sorted((ROOT / "annotation" / "gold").glob("*.jsonl")):
        parts["held-out" if f.stem in HELD_OUT else "tuned"].extend(read_jsonl(f))
    print("demo gold, exact F1 per label (whole tagger)")
    preds = {}
    for part in ("tuned", "held-out"):
        preds[part] = tag(tagger, parts[part])
        for lang in ("ru", "ky", "mixed"):
            recs = [r for r in parts[part] if r["lang"] == lang]
            if recs:
                show(f"{part} {lang} ({len(recs)})", recs, preds[part])
        show(f"{part} all ({len(parts[part])})", parts[part], preds[part])
    gold = list(read_jsonl(EVAL / "report_dev_gold.jsonl"))
    inputs = {r["id"]: r for r in read_jsonl(EVAL / "report_dev_input.jsonl")}
    pred = {r["id"]: r for r in tagger.tag(list(inputs.values()))}
    print("report pages")
    show(f"report ({len(gold)})", gold, pred)
    if args.errors:
        print("\nmisses on the tuned part")
        errors(parts["tuned"], preds["tuned"])
    if args.speed:
        speed(parts["tuned"] + parts["held-out"])


if __name__ == "__main__":
    main()
