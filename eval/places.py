"""Figures for the place extractor (LOC).

    .venv/bin/python eval/places.py [--errors]

1. Real report pages (../shared/eval/report_dev_*.jsonl), LOC only: exact P/R/F1, overlap F1, norm,
   country and kind accuracy on exact matches (norm and country as shared/tools/score.py counts
   them), for the rules alone, rules + natasha fallback, and natasha NER alone; speed in segments/s.
2. Demo gold (annotation/gold/source/*.md, the files that parse): the same figures.
3. Public corpora: of the gold place spans in NEREL (CITY, COUNTRY, STATE_OR_PROVINCE, DISTRICT) and
   factRuEval (Location, LocOrg) whose name the gazetteer covers, how many the extractor finds (exact
   and overlapping span), and how many of its spans fall outside every gold entity.

`--errors` lists the misses and false alarms of sections 1 and 2 (for reading, never for copying).
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from _common import EVAL, EXTERNAL, GOLD_SOURCES, shared_module
from nlp_toolkit.extract.actors import marked_records
from nlp_toolkit.extract.places import PlaceExtractor, natasha_locations
from nlp_toolkit.io import read_jsonl
from nlp_toolkit.morph import nominative
from nlp_toolkit.text import normalise

NEREL_LABELS = ("CITY", "COUNTRY", "STATE_OR_PROVINCE", "DISTRICT")
NEREL_ANY_PLACE = NEREL_LABELS + ("LOCATION", "FACILITY", "ORGANIZATION", "NATIONALITY")
FACTRU_TYPES = ("Location", "LocOrg")


SCORER = shared_module("score")


def loc_only(recs: list[dict], pred: dict[str, list[dict]] | None = None) -> dict[str, dict]:
    """Records keyed by id with LOC entities only (gold, or `pred` entities when given)."""
    return {r["id"]: {"id": r["id"], "entities": [e for e in (pred[r["id"]] if pred else r.get("entities", []))
                                                  if e["label"] == "LOC"]} for r in recs}


def figures(gold: dict[str, dict], pred: dict[str, dict]) -> dict[str, float]:
    res = SCORER.score(gold, pred)
    loc = res["entities"]["per_label"].get("LOC", {"p": 0.0, "r": 0.0, "f1": 0.0, "overlap_f1": 0.0, "support": 0})
    kinds = n = 0
    for sid, g in gold.items():
        pk = {(e["start"], e["end"]): e for e in pred.get(sid, {}).get("entities", [])}
        for e in g["entities"]:
            if (e["start"], e["end"]) in pk:
                n += 1
                kinds += e.get("kind") == pk[(e["start"], e["end"])].get("kind")
    return {**loc, "norm": res["loc"]["norm_acc"], "country": res["loc"]["country_acc"],
            "kind": kinds / n if n else 0.0, "matched": res["loc"]["matched"]}


def show(title: str, f: dict[str, float]) -> None:
    print(f"  {title:34s} P {f['p']:.3f}  R {f['r']:.3f}  F1 {f['f1']:.3f}  overlap F1 {f['overlap_f1']:.3f}  "
          f"norm {f['norm']:.3f}  country {f['country']:.3f}  kind {f['kind']:.3f}  "
          f"(gold {f['support']}, matched {f['matched']})")


def natasha_alone(recs: list[dict]) -> dict[str, list[dict]]:
    out = {}
    for r in recs:
        norm = normalise(r["text"])
        out[r["id"]] = [{"start": s, "end": e, "label": "LOC", "norm": nominative(norm[s:e]), "country": None,
                         "kind": "other"} for s, e in natasha_locations(norm)]
    return out


def predict(ext: PlaceExtractor, recs: list[dict]) -> tuple[dict[str, list[dict]], float]:
    t0 = time.perf_counter()
    pred = {r["id"]: ext(r["text"], r.get("lang")) for r in recs}
    return pred, time.perf_counter() - t0


def errors(recs: list[dict], pred: dict[str, list[dict]]) -> None:
    for r in recs:
        g = {(e["start"], e["end"]): e for e in r["entities"] if e["label"] == "LOC"}
        p = {(e["start"], e["end"]): e for e in pred[r["id"]]}
        for k in sorted(g.keys() | p.keys()):
            ge, pe = g.get(k), p.get(k)
            if ge and pe and (ge["norm"].casefold() != pe["norm"].casefold() or ge.get("country") != pe.get("country")):
                print(f"  ATTR {r['id']} {ge['text']!r}: gold {ge['norm']}/{ge.get('country')}/{ge['kind']} "
                      f"pred {pe['norm']}/{pe.get('country')}/{pe['kind']}")
            elif ge and not pe:
                print(f"  MISS {r['id']} {ge['text']!r} ({ge['norm']}/{ge['kind']}) "
                      f"context {r['text'][max(0, k[0] - 40):k[1] + 40]!r}")
            elif pe and not ge:
                print(f"  FA   {r['id']} {pe['text']!r} ({pe['norm']}/{pe['kind']}/{pe['source']}) "
                      f"context {r['text'][max(0, k[0] - 40):k[1] + 40]!r}")


def section_dev(rules: PlaceExtractor, full: PlaceExtractor, show_errors: bool) -> None:
    gold_recs = list(read_jsonl(EVAL / "report_dev_gold.jsonl"))
    inputs = list(read_jsonl(EVAL / "report_dev_input.jsonl"))
    gold = loc_only(gold_recs)
    print(f"\n1. report dev pages ({len(inputs)} segments, {sum(len(g['entities']) for g in gold.values())} LOC spans)")
    p_rules, cold = predict(rules, inputs)
    _, warm = predict(rules, inputs)
    show("rules only", figures(gold, loc_only(inputs, p_rules)))
    p_full, t_full = predict(full, inputs)
    show("rules + natasha fallback", figures(gold, loc_only(inputs, p_full)))
    show("natasha NER alone", figures(gold, loc_only(inputs, natasha_alone(inputs))))
    big = [r for r in inputs for _ in range(20)]
    _, t_big = predict(rules, big)
    _, t_big_full = predict(full, big)
    chars = sum(len(r["text"]) for r in inputs) / len(inputs)
    print(f"  speed rules only: {len(inputs) / cold:.0f} segments/s first pass (cold caches), {len(inputs) / warm:.0f} "
          f"second pass, {len(big) / t_big:.0f} over {len(big)} segments ({chars:.0f} chars/segment)")
    print(f"  speed rules + natasha: {len(inputs) / t_full:.0f} segments/s first pass, "
          f"{len(big) / t_big_full:.0f} over {len(big)} segments")
    sources = Counter(e["source"] for v in p_full.values() for e in v)
    print(f"  spans by source (rules + natasha): {dict(sources)}")
    if show_errors:
        print("  rules + natasha fallback, differences from gold:")
        errors(gold_recs, p_full)


def section_demo(rules: PlaceExtractor, full: PlaceExtractor, show_errors: bool) -> None:
    recs = []
    for path in sorted(GOLD_SOURCES.glob("*.md")):
        try:
            recs.extend(marked_records(path))
        except Exception as exc:  # sources are written while we measure: report and go on
            print(f"  skipped {path.name}: {exc}")
    gold = loc_only(recs)
    n = sum(len(g["entities"]) for g in gold.values())
    if not n:
        print("\n2. demo gold: no finished source files with LOC spans yet")
        return
    print(f"\n2. demo gold ({len(recs)} segments, {n} LOC spans)")
    show("rules only", figures(gold, loc_only(recs, predict(rules, recs)[0])))
    p_full = predict(full, recs)[0]
    show("rules + natasha fallback", figures(gold, loc_only(recs, p_full)))
    show("natasha NER alone", figures(gold, loc_only(recs, natasha_alone(recs))))
    if show_errors:
        print("  rules + natasha fallback, differences from gold:")
        errors(recs, p_full)


def covered(ext: PlaceExtractor, surface: str) -> bool:
    """Does the gazetteer know this name (the span alone, as a title, is one whole place)?"""
    found = ext(surface[:1].upper() + surface[1:], "ru")
    return len(found) == 1 and found[0]["start"] == 0 and found[0]["end"] == len(surface)


def recall_on(title: str, docs: list[tuple[str, list[tuple[int, int]], list[tuple[int, int]]]],
              ext: PlaceExtractor) -> None:
    """docs: (text, gold place spans, every gold entity span)."""
    cover = exact = overlap = n = pred_n = outside = 0
    t0 = time.perf_counter()
    for text, places, every in docs:
        found = ext(text, "ru")
        got = {(e["start"], e["end"]) for e in found}
        pred_n += len(found)
        outside += sum(not any(s < e["end"] and e["start"] < t for s, t in every) for e in found)
        for s, t in places:
            n += 1
            if not covered(ext, text[s:t]):
                continue
            cover += 1
            exact += (s, t) in got
            overlap += any(a < t and s < b for a, b in got)
    dt = time.perf_counter() - t0
    print(f"  {title}: {len(docs)} docs, {n} gold place spans, {cover} covered by the gazetteer; found "
          f"{exact} exactly ({exact / cover:.3f}), {overlap} overlapping ({overlap / cover:.3f}); "
          f"{outside} of {pred_n} predicted spans overlap no gold entity; {len(docs) / dt:.1f} docs/s")


def section_external(rules: PlaceExtractor) -> None:
    ext = shared_module("check_external")
    print("\n3. public news corpora (rules only)")
    nerel = []
    for split in ("dev", "test"):
        for ann in sorted((EXTERNAL / "nerel_v1.1" / split).glob("*.ann")):
            text, ents = ext.read_brat(ann)
            nerel.append((text, [(e["start"], e["end"]) for e in ents if e["label"] in NEREL_LABELS],
                          [(e["start"], e["end"]) for e in ents if e["label"] in NEREL_ANY_PLACE]))
    recall_on("NEREL dev+test", nerel, rules)
    factru = []
    for split in ("devset", "testset"):
        for tok in sorted((EXTERNAL / "factrueval2016" / split).glob("*.tokens")):
            doc = ext.read_factru(tok.with_suffix(""))
            spans = {sid: (st, st + ln) for sid, _, st, ln in doc["spans"]}
            objs = []
            for _, typ, ids in doc["objects"]:
                parts = [spans[i] for i in ids if i in spans]
                if parts:
                    objs.append((typ, min(p[0] for p in parts), max(p[1] for p in parts)))
            factru.append((doc["text"], [(s, t) for typ, s, t in objs if typ in FACTRU_TYPES],
                           [(s, t) for _, s, t in objs]))
    recall_on("factRuEval dev+test", factru, rules)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list misses and false alarms of sections 1 and 2")
    args = ap.parse_args(argv)
    rules, full = PlaceExtractor(ner_fallback=False), PlaceExtractor(ner_fallback=True)
    section_dev(rules, full, args.errors)
    section_demo(rules, full, args.errors)
    section_external(rules)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
