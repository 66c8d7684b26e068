"""Dataset benchmark: build 100k coded segments (demo gold turns recombined), time it, size the db, and
time 100 typical quote queries (p50/p95). Targets: build < 60 s, query p95 < 100 ms.

    python benchmarks/dataset.py [N] [--out DIR] [--engine local|dask] [--processes P]

The build goes through the engine, as `nlp-toolkit dataset` does (coded JSONL in, chunked rows).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from nlp_toolkit.codebook import ACTOR_LABELS, load_codebook
from nlp_toolkit.dataset.build import build_from
from nlp_toolkit.dataset.quotes import Filters, connect, search
from nlp_toolkit.io import write_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import records  # noqa: E402


def queries(rng: random.Random, k: int = 100) -> list[Filters]:
    """Typical report-writer searches: one or two codes, an actor, a place, a word, an amount, a year."""
    codes = load_codebook().code_ids
    words = ["паспорт", "деньги", "полиция", "хозяин", "долг", "тенге", "регистрация", "акча", "паспортум", "иш"]
    places = ["Алматы", "Астана", "Ош", "Шымкент"]
    out = []
    for _ in range(k):
        f = Filters(code=[rng.choice(codes)])
        pick = rng.random()
        if pick < 0.25:
            f.text = rng.choice(words)
        elif pick < 0.45:
            f.actor = [rng.choice(ACTOR_LABELS)]
        elif pick < 0.6:
            f.place = rng.choice(places)
        elif pick < 0.75:
            f.min_usd = rng.choice([10, 50, 100])
        elif pick < 0.85:
            f.lang, f.year = rng.choice(["ru", "ky"]), rng.randint(2015, 2023)
        else:
            f.code, f.text = None, rng.choice(words)
        out.append(f)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--engine", default="local")
    ap.add_argument("--processes", type=int, default=0)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="dataset-bench-"))
    write_jsonl(work / "coded.jsonl", records(args.n, coded=True))
    out = args.out or work / "coded"
    t0 = time.perf_counter()
    counts = build_from([work / "coded.jsonl"], out, engine=args.engine, processes=args.processes)
    build_s = time.perf_counter() - t0
    size = (out / "coded.db").stat().st_size / 2**20
    parquet = sum(p.stat().st_size for p in out.rglob("*.parquet") if p.is_file()) / 2**20
    con = connect(out)
    print(f"segments {counts['segments']}, entities {counts['entities']}, interviews {counts['interviews']}")
    print(f"build {build_s:.1f} s (target < 60 s); coded.db {size:.1f} MiB; parquet {parquet:.1f} MiB")
    for run in ("first pass, right after the build", "second pass, database in the OS cache"):
        times, hits = [], []
        for f in queries(random.Random(1)):
            t = time.perf_counter()
            hits.append(len(search(out, f, limit=50, con=con)))
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"quote queries ({run}): p50 {statistics.median(times):.1f} ms, p95 {times[94]:.1f} ms, "
              f"max {times[-1]:.1f} ms (target p95 < 100 ms); median hits {statistics.median(hits)} (limit 50)")

if __name__ == "__main__":
    main()
