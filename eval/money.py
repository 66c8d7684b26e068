"""Figures for the MONEY extractor.

    .venv/bin/python eval/money.py [--errors] [--default-currency KZT]

1. Real report pages (../shared/eval/report_dev_*.jsonl): MONEY exact-span P/R/F1, overlap F1,
   value accuracy (low, high, currency) and role accuracy on exactly matched spans, computed by the
   shared scorer (shared/tools/score.py) on MONEY entities only; speed in segments/s.
   1b: the same with `default_currency` set to the currency most amounts in the report name.
2. Demo gold (annotation/gold/source/*.md, whatever files parse): the same figures; 2b with each
   interview's usual currency (MoneyExtractor.context_currency) as the default, as a tagger that
   sees whole interviews can do ("80 тысяч" in a turn that names no currency).
   2c: roles as the tagger gives them (MoneyExtractor.interview): gold role x predicted role per
   language on exactly matched spans, with role accuracy apart for the interviews the role cues were
   tuned on and for the held-out ones (HELD_OUT: nobody read their misses while writing the cues).
3. NEREL v1.1 dev+test (Russian news, nobody here wrote it): recall of gold MONEY spans that hold
   a digit or a number word, exact and overlapping, overall and for the currencies the codebook
   records (KZT, KGS, USD, RUB, UZS); the rest (euros, yuan, pounds) the extractor leaves out.
`--errors` prints the missed and spurious spans (to the terminal only: eval text is never copied).
"""

from __future__ import annotations

import argparse
import re
import time
from collections import Counter

from _common import EVAL, EXTERNAL, GOLD_SOURCES, HELD_OUT, shared_module
from nlp_toolkit.codebook import load_codebook
from nlp_toolkit.extract.actors import marked_records
from nlp_toolkit.extract.money import MULT, NW, MoneyExtractor, load_lexicon
from nlp_toolkit.io import read_jsonl
from nlp_toolkit.text import fold

KNOWN_CURRENCY = re.compile(r"тенге|теңге|тг|₸|сом|доллар|\$|бакс|рубл|руб|₽|сум", re.I)


def _money_only(recs: list[dict]) -> dict[str, dict]:
    return {r["id"]: {"id": r["id"], "entities": [e for e in r.get("entities", []) if e["label"] == "MONEY"]}
            for r in recs}


def predict(ext: MoneyExtractor, recs: list[dict], default: str | None = None) -> tuple[dict[str, dict], float]:
    t0 = time.perf_counter()
    pred = {r["id"]: {"id": r["id"], "entities": ext(r["text"], r.get("lang"), default_currency=default)}
            for r in recs}
    return pred, time.perf_counter() - t0


def report(title: str, gold_recs: list[dict], pred: dict[str, dict], errors: bool) -> None:
    scorer = shared_module("score")
    gold = _money_only(gold_recs)
    res = scorer.score(gold, pred)
    m = res["entities"]["per_label"].get("MONEY", {"p": 0, "r": 0, "f1": 0, "overlap_f1": 0, "support": 0})
    money = res["money"]
    print(f"\n{title}")
    print(f"  MONEY exact P {m['p']:.3f} R {m['r']:.3f} F1 {m['f1']:.3f}   overlap F1 {m['overlap_f1']:.3f}   "
          f"gold spans {m['support']}, predicted {sum(len(p['entities']) for p in pred.values())}")
    print(f"  value accuracy {money['value_acc']:.3f}, role accuracy {money['role_acc']:.3f} "
          f"(on {money['matched']} exactly matched spans)")
    if errors:
        texts = {r["id"]: r["text"] for r in gold_recs}
        for sid, g in gold.items():
            gk = {(e["start"], e["end"]): e for e in g["entities"]}
            pk = {(e["start"], e["end"]): e for e in pred.get(sid, {}).get("entities", [])}
            for k in sorted(gk.keys() | pk.keys()):
                ge, pe = gk.get(k), pk.get(k)
                attrs = ("low", "high", "currency", "role")
                if ge and pe and all(ge[a] == pe[a] for a in attrs):
                    continue
                ctx = texts[sid][max(0, k[0] - 60):k[1] + 40].replace("\n", " ")
                show = lambda e: "-" if e is None else " ".join(str(e[a]) for a in attrs)  # noqa: E731
                print(f"    {sid} {texts[sid][k[0]:k[1]]!r}: gold {show(ge)} | pred {show(pe)}\n        …{ctx}…")


def section_dev(ext: MoneyExtractor, errors: bool) -> None:
    gold = list(read_jsonl(EVAL / "report_dev_gold.jsonl"))
    inputs = list(read_jsonl(EVAL / "report_dev_input.jsonl"))
    pred, cold = predict(ext, inputs)
    report(f"1. report dev pages ({len(inputs)} segments)", gold, pred, errors)
    ctx = ext.context_currency(r["text"] for r in inputs)
    pred, _ = predict(ext, inputs, ctx)
    report(f"1b. the same, amounts naming no currency given the report's usual one ({ctx})", gold, pred, errors)
    big = inputs * 20
    _, t = predict(ext, big)
    chars = sum(len(r["text"]) for r in inputs) / len(inputs)
    print(f"  speed: {len(inputs) / cold:.0f} segments/s first pass, {len(big) / t:.0f} segments/s over "
          f"{len(big)} segments (20 passes; {chars:.0f} chars/segment)")


def section_demo(ext: MoneyExtractor, errors: bool) -> None:
    interviews: list[list[dict]] = []
    for path in sorted(GOLD_SOURCES.glob("*.md")):
        try:
            interviews.append(marked_records(path))
        except Exception as exc:  # sources are written while we measure: report and go on
            print(f"  skipped {path.name}: {exc}")
    recs = [r for rs in interviews for r in rs]
    if not any(e["label"] == "MONEY" for r in recs for e in r["entities"]):
        print(f"\n2. demo gold: no MONEY spans in the {len(interviews)} source files that parse")
        return
    pred, _ = predict(ext, recs)
    report(f"2. demo gold ({len(interviews)} interviews, {len(recs)} segments)", recs, pred, errors)
    pred = {}
    for rs in interviews:
        pred.update(predict(ext, rs, ext.context_currency(r["text"] for r in rs))[0])
    report("2b. the same, amounts naming no currency given their interview's usual currency", recs, pred, errors)
    section_roles(ext, interviews)


def section_roles(ext: MoneyExtractor, interviews: list[list[dict]]) -> None:
    roles = list(load_codebook().money_roles)
    confusion: dict[str, Counter] = {}
    right: Counter = Counter()
    seen: Counter = Counter()
    for rs in interviews:
        part = "held-out" if rs[0]["id"].split("-")[0] in HELD_OUT else "tuned"
        for rec, found in zip(rs, ext.interview([r["text"] for r in rs], [r.get("lang") for r in rs])):
            by_span = {(e["start"], e["end"]): e["role"] for e in found}
            for g in rec["entities"]:
                pred = by_span.get((g["start"], g["end"])) if g["label"] == "MONEY" else None
                if pred is None:
                    continue
                confusion.setdefault(rec["lang"], Counter())[g["role"], pred] += 1
                for key in ((part, rec["lang"]), (part, "all")):
                    seen[key] += 1
                    right[key] += pred == g["role"]
    print("\n2c. roles as the tagger gives them (interview's usual currency), exactly matched spans")
    for part in ("tuned", "held-out"):
        print(f"  {part:9s} role accuracy " + ", ".join(
            f"{lang} {right[part, lang] / seen[part, lang]:.3f} ({seen[part, lang]})"
            for lang in ("all", "ru", "ky", "mixed") if seen[part, lang]))
    for lang, counts in sorted(confusion.items()):
        print(f"  {lang}: gold (rows) x predicted (columns), all interviews")
        print("    " + " " * 6 + "".join(f"{r:>7s}" for r in roles))
        for g in roles:
            print(f"    {g:6s}" + "".join(f"{counts[g, p]:7d}" for p in roles))


def _has_number(span: str, number_words: set[str]) -> bool:
    return any(c.isdigit() for c in span) or any(fold(w) in number_words for w in re.findall(r"\w+", span))


def section_nerel(ext: MoneyExtractor, errors: bool) -> None:
    brat = shared_module("check_external")
    lex = load_lexicon()
    number_words = {w for w, d in lex.words.items() if d[0] in (NW, MULT)}
    counts = {"all": [0, 0, 0], "known": [0, 0, 0]}  # spans, exact hits, overlap hits
    extra, docs, t0 = 0, 0, time.perf_counter()
    for split in ("dev", "test"):
        for ann in sorted((EXTERNAL / "nerel_v1.1" / split).glob("*.ann")):
            text, ents = brat.read_brat(ann)
            docs += 1
            gold = [e for e in ents if e["label"] == "MONEY" and _has_number(e["text"], number_words)]
            found = ext(text, "ru")
            spans = {(f["start"], f["end"]) for f in found}
            for g in gold:
                exact = (g["start"], g["end"]) in spans
                over = any(s < g["end"] and g["start"] < t for s, t in spans)
                for key in ("all", "known") if KNOWN_CURRENCY.search(g["text"]) else ("all",):
                    c = counts[key]
                    c[0], c[1], c[2] = c[0] + 1, c[1] + exact, c[2] + over
                if errors and not exact:
                    near = [f["text"] for f in found if f["start"] < g["end"] and g["start"] < f["end"]]
                    print(f"    missed {g['text']!r} (found {near})")
            money = [(e["start"], e["end"]) for e in ents if e["label"] == "MONEY"]
            extra += sum(not any(s < f["end"] and f["start"] < t for s, t in money) for f in found)
    dt = time.perf_counter() - t0
    print(f"\n3. NEREL v1.1 dev+test ({docs} news documents), MONEY spans holding a number")
    for key, label in (("all", "all currencies"), ("known", "KZT/KGS/USD/RUB/UZS only")):
        n, ex, ov = counts[key]
        print(f"  {label:26s}: {n:3d} spans, exact recall {ex / n if n else 0:.3f} ({ex}), "
              f"overlap recall {ov / n if n else 0:.3f} ({ov})")
    print(f"  amounts found outside any NEREL MONEY span: {extra} (NEREL has no precision here: it tags "
          f"some amounts as NUMBER or leaves them out)")
    print(f"  speed: {docs / dt:.0f} documents/s")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="print missed and spurious spans")
    ap.add_argument("--default-currency", default=None, help="currency of amounts that name none (e.g. KZT)")
    args = ap.parse_args(argv)
    ext = MoneyExtractor(default_currency=args.default_currency)
    section_dev(ext, args.errors)
    section_demo(ext, args.errors)
    section_nerel(ext, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
