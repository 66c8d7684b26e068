"""Extraction speed: each extractor alone, all of them together, and natasha's NER alone, one process.

    .venv/bin/python benchmarks/extract.py [--n 2000]

Input: N synthetic segments (two real demo turns joined, 40 per interview, synthetic.py); their
language is detected beforehand and not timed. Each row runs once over all N segments the way the
tagger does (an extractor's `interview` method where it has one), in this order: money, places
(rules only, the tagger's default), actors, all (pipeline.Tagger.entities: every extractor, overlap
resolution, money conversion), natasha (segmenter + NewsNERTagger, the places extractor's NER
fallback). "load s" is building the component; "warm seg/s" is a second pass over the same segments
(caches of words seen filled). The rows share pymorphy3's word caches, so a later row starts warmer
than an earlier one: "all" comes after the single extractors, closest to a long run's steady state.
The last line is the figure: how many times faster all extractors together are than natasha's NER
alone. Target: every extractor >= 500 segments/s alone (issue 4).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import records  # noqa: E402

from nlp_toolkit.classify.ilo import interview_key  # noqa: E402
from nlp_toolkit.corpus.langid import detect_language  # noqa: E402
from nlp_toolkit.extract.places import natasha_locations  # noqa: E402
from nlp_toolkit.pipeline import DEFAULT_CONFIG, Tagger, make_extractor  # noqa: E402
from nlp_toolkit.segments import year_of  # noqa: E402

TARGET = 500  # segments/s each extractor must reach alone on one core

Interview = tuple[list[str], list[str | None], list[int | None]]


def interviews(n: int) -> list[Interview]:
    """N synthetic segments grouped by interview: (texts, langs, years)."""
    groups: dict[str, list[dict]] = {}
    for rec in records(n):
        groups.setdefault(interview_key(rec), []).append(rec)
    return [([r["text"] for r in recs], [detect_language(r["text"]) for r in recs], [year_of(r) for r in recs])
            for recs in groups.values()]


def extractor_run(name: str) -> Callable[[Interview], object]:
    ext = make_extractor(name, **DEFAULT_CONFIG.get(name, {}))
    if hasattr(ext, "interview"):
        return lambda iv: ext.interview(iv[0], iv[1])
    return lambda iv: [ext(t, lang) for t, lang in zip(iv[0], iv[1])]


def all_run() -> Callable[[Interview], object]:
    tagger = Tagger(codes=False)
    return lambda iv: tagger.entities(*iv)


def natasha_run() -> Callable[[Interview], object]:
    natasha_locations("Загрузка модели.")  # loads the segmenter, embeddings and tagger
    return lambda iv: [natasha_locations(t) for t in iv[0]]


def timed(run: Callable[[Interview], object], data: list[Interview]) -> float:
    t0 = time.perf_counter()
    for iv in data:
        run(iv)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="segments (default 2000)")
    a = ap.parse_args(argv)
    data = interviews(a.n)
    n = sum(len(iv[0]) for iv in data)
    chars = sum(len(t) for iv in data for t in iv[0]) / max(n, 1)
    print(f"{n} segments in {len(data)} interviews, {chars:.0f} characters/segment, one process\n")
    print(f"{'extractor':<10} {'segments':>8} {'load s':>7} {'seconds':>8} {'seg/s':>7} {'warm seg/s':>10}")
    rates: dict[str, float] = {}
    rows = [("money", lambda: extractor_run("money")), ("places", lambda: extractor_run("places")),
            ("actors", lambda: extractor_run("actors")), ("all", all_run), ("natasha", natasha_run)]
    with threadpool_limits(limits=1):  # one core: no BLAS threads
        for name, build in rows:
            t0 = time.perf_counter()
            run = build()
            load = time.perf_counter() - t0
            seconds = timed(run, data)
            warm = timed(run, data)
            rates[name] = n / seconds
            print(f"{name:<10} {n:>8} {load:>7.1f} {seconds:>8.2f} {n / seconds:>7.0f} {n / warm:>10.0f}", flush=True)
    slow = [k for k in ("money", "places", "actors") if rates[k] < TARGET]
    print(f"\nall / natasha: {rates['all'] / rates['natasha']:.1f}x "
          f"(all extractors {rates['all']:.0f} seg/s, natasha NER {rates['natasha']:.0f} seg/s)")
    print(f"target {TARGET} seg/s per extractor: " + (f"MISSED by {', '.join(slow)}" if slow else "met"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
