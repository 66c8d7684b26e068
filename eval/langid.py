"""Figures for language identification (nlp_toolkit/corpus/langid.py).

    .venv/bin/python eval/langid.py [--errors N] [--no-langid]

1. Public sentences (../shared/eval/external/langid/ud_sentences.tsv: UD Kyrgyz, Kazakh, Russian test
   sentences): accuracy per language (Kazakh counts as right when labelled `other`), confusion matrix,
   accuracy by length bucket, speed in segments/s, and paragraphs of five consecutive sentences (how
   often a long monolingual answer is called `mixed`); and the same for the `langid` package (langid.py,
   Lui & Baldwin) when it is installed, with its labels mapped ru -> ru, ky -> ky, anything else -> other.
2. Real report pages (../shared/eval/report_dev_input.jsonl, all Russian): label counts, accuracy.
3. Demo gold (annotation/gold/source/*.md, the files that parse): per-turn gold language from the
   header (русский -> ru, кыргызча -> ky, аралаш -> per-turn @lang or mixed), accuracy per language,
   confusion matrix and, per file, how its turns are labelled.
4. More Russian: every sentence (razdel) of the NEREL and factRuEval news texts: share labelled ru.

`--errors N` prints up to N misclassified items per section (for reading, never for copying).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from _common import EVAL, GOLD_SOURCES, ROOT  # noqa: E402

sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "eval"]  # `import langid` is the package

from nlp_toolkit.corpus.langid import LANGS, LanguageIdentifier  # noqa: E402
from nlp_toolkit.errors import ToolkitError  # noqa: E402
from nlp_toolkit.io import read_jsonl  # noqa: E402

UD = EVAL / "external" / "langid" / "ud_sentences.tsv"
BUCKETS = ((0, 20), (20, 50), (50, 100), (100, 200), (200, 10**9))
EXPECTED = {"ru": "ru", "ky": "ky", "kk": "other", "mixed": "mixed"}


def read_ud(path: Path) -> list[tuple[str, str]]:
    """(gold lang, text) per row of the langid TSV (header skipped)."""
    with open(path, encoding="utf-8") as fh:
        next(fh)
        return [(parts[0], parts[3]) for parts in (line.rstrip("\n").split("\t") for line in fh)]


def timed(fn, texts: list[str]) -> tuple[list[str], float]:
    t0 = time.perf_counter()
    out = [fn(t) for t in texts]
    return out, len(texts) / max(time.perf_counter() - t0, 1e-9)


def confusion(gold: list[str], pred: list[str], title: str) -> None:
    """Accuracy per gold language (against EXPECTED) and the confusion matrix gold x predicted."""
    m: dict[str, Counter] = defaultdict(Counter)
    for g, p in zip(gold, pred):
        m[g][p] += 1
    print(f"\n{title}")
    print(f"  {'gold':6s} {'n':>5s} {'acc':>6s}   " + " ".join(f"{lab:>6s}" for lab in LANGS))
    for g in sorted(m):
        n = sum(m[g].values())
        acc = m[g][EXPECTED[g]] / n
        print(f"  {g:6s} {n:5d} {acc:6.3f}   " + " ".join(f"{m[g][lab]:6d}" for lab in LANGS))


def by_length(rows: list[tuple[str, str]], pred: list[str]) -> None:
    print("  accuracy by length (characters):")
    for lo, hi in BUCKETS:
        cells = []
        for lang in ("ky", "kk", "ru"):
            sel = [p == EXPECTED[g] for (g, t), p in zip(rows, pred) if g == lang and lo <= len(t) < hi]
            cells.append(f"{lang} {sum(sel) / len(sel):.3f} (n={len(sel)})" if sel else f"{lang}   -   (n=0)")
        label = f"{lo}-{hi - 1}" if hi < 10**9 else f"{lo}+"
        print(f"    {label:8s} " + "   ".join(cells))


def show_errors(rows: list[tuple[str, str]], pred: list[str], n: int, ident: LanguageIdentifier) -> None:
    shown = 0
    for (g, t), p in zip(rows, pred):
        if p != EXPECTED[g] and shown < n:
            print(f"    [{g} -> {p}] {ident.scores(t)} {t[:160]}")
            shown += 1


def paragraphs(rows: list[tuple[str, str]], ident: LanguageIdentifier, size: int = 5) -> None:
    """Runs of `size` consecutive same-language sentences, like a long answer turn: how often is one
    monolingual paragraph called `mixed` (or anything but its language)?"""
    print(f"  paragraphs of {size} consecutive sentences (a long monolingual turn):")
    for lang in ("ky", "kk", "ru"):
        sents = [t for g, t in rows if g == lang]
        pred = Counter(ident.detect(" ".join(sents[i:i + size])) for i in range(0, len(sents), size))
        n = sum(pred.values())
        print(f"    {lang}: {n} paragraphs, accuracy {pred[EXPECTED[lang]] / n:.3f}, labelled {dict(pred)}")


def langid_package(languages: list[str] | None = None):
    """The `langid` package's classify (optionally restricted to `languages`), or None with the reason printed."""
    try:
        from langid.langid import LanguageIdentifier as LangidPy, model
    except ImportError:
        print("\n  langid.py package not installed (`.venv/bin/pip install langid` for the comparison)")
        return None
    ident = LangidPy.from_modelstring(model, norm_probs=False)
    if languages:
        ident.set_languages(languages)
    return lambda text: {"ru": "ru", "ky": "ky"}.get(ident.classify(text)[0], "other")


def section_ud(ident: LanguageIdentifier, errors: int, compare: bool) -> None:
    rows = read_ud(UD)
    texts = [t for _, t in rows]
    gold = [g for g, _ in rows]
    ident.detect(texts[0])  # load pymorphy3 before timing
    pred, speed = timed(ident.detect, texts)
    confusion(gold, pred, f"1. UD sentences ({len(rows)}), nlp_toolkit: {speed:.0f} segments/s")
    by_length(rows, pred)
    kk = Counter(p for g, p in zip(gold, pred) if g == "kk")
    print(f"  Kazakh sentences labelled: {dict(kk)}")
    if errors:
        show_errors(rows, pred, errors, ident)
    paragraphs(rows, ident)
    if not compare:
        return
    for languages, title in ((None, "all 97 languages"), (["ru", "ky", "kk"], "restricted to ru, ky, kk")):
        classify = langid_package(languages)
        if classify is None:
            return
        classify(texts[0])
        lp, speed = timed(classify, texts)
        confusion(gold, lp, f"1b. UD sentences, langid.py package, {title} (ru/ky kept, anything else -> other): "
                            f"{speed:.0f} segments/s")
        by_length(rows, lp)


def section_report(ident: LanguageIdentifier, errors: int) -> None:
    recs = list(read_jsonl(EVAL / "report_dev_input.jsonl"))
    pred, speed = timed(ident.detect, [r["text"] for r in recs])
    c = Counter(pred)
    print(f"\n2. Report pages ({len(recs)} segments, all Russian): labels {dict(c)}, "
          f"accuracy {c['ru'] / len(recs):.3f}, {speed:.0f} segments/s")
    for r, p in list(zip(recs, pred))[:errors]:
        if p != "ru":
            print(f"    [{r['id']} -> {p}] {ident.scores(r['text'])}")


def section_gold(ident: LanguageIdentifier, errors: int) -> None:
    from nlp_toolkit.extract.actors import marked_records

    gold, pred, wrong = [], [], []
    print("\n3. Demo gold, respondent turns per file (gold language: predicted counts)")
    for path in sorted(GOLD_SOURCES.glob("*.md")):
        try:
            recs = marked_records(path)
        except (ToolkitError, ValueError) as exc:
            print(f"  {path.name}: skipped ({exc})")
            continue
        per: dict[str, Counter] = defaultdict(Counter)
        for r in recs:
            p = ident.detect(r["text"])
            gold.append(r["lang"])
            pred.append(p)
            per[r["lang"]][p] += 1
            if p != r["lang"]:
                wrong.append((path.name, r["lang"], p, r["text"]))
        print(f"  {path.name:14s} " + "; ".join(f"{g}: {dict(c)}" for g, c in sorted(per.items())))
    if gold:
        confusion(gold, pred, f"3b. Demo gold, all respondent turns ({len(gold)})")
    for name, g, p, text in wrong[:errors]:
        print(f"    {name} [{g} -> {p}] {ident.scores(text)} {text[:200]}")


def section_news(ident: LanguageIdentifier, errors: int) -> None:
    from razdel import sentenize

    print("\n4. Russian news sentences (razdel), share labelled ru")
    corpora = (("NEREL dev+test", "nerel_v1.1/*/*.txt"), ("factRuEval dev+test", "factrueval2016/*/book_*.txt"))
    for name, pattern in corpora:
        sents = [s.text for f in sorted((EVAL / "external").glob(pattern))
                 for s in sentenize(f.read_text(encoding="utf-8")) if any(ch.isalpha() for ch in s.text)]
        pred, speed = timed(ident.detect, sents)
        c = Counter(pred)
        print(f"  {name:20s} {len(sents):5d} sentences: ru {c['ru'] / len(sents):.4f}  {dict(c)}  "
              f"{speed:.0f} segments/s")
        for text, p in [(t, p) for t, p in zip(sents, pred) if p != "ru"][:errors]:
            print(f"    [-> {p}] {text[:160]}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--errors", type=int, default=0, help="print up to N errors per section")
    ap.add_argument("--no-langid", action="store_true", help="skip the langid.py package comparison")
    args = ap.parse_args()
    ident = LanguageIdentifier()
    section_ud(ident, args.errors, not args.no_langid)
    section_report(ident, args.errors)
    section_gold(ident, args.errors)
    section_news(ident, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
