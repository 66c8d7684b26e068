"""Dataset benchmark: build 100k coded segments (demo gold recombined), time it, size the db, and
time 100 typical quote queries (p50/p95). Targets: build < 60 s, query p95 < 100 ms.

    python benchmarks/dataset.py [N] [--out DIR]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from nlp_toolkit.codebook import ACTOR_LABELS, load_codebook
from nlp_toolkit.dataset.build import build, merge
from nlp_toolkit.dataset.quotes import Filters, connect, search
from nlp_toolkit.io import read_jsonl

ROOT = Path(__file__).resolve().parent.parent
META = ("respondent", "gender", "age", "home_region", "place", "date")


def synthetic(n: int, seed: int = 0) -> list[dict]:
    """Segments of the demo gold under the metadata of a random other interview, in interviews of 25."""
    gold = [r for f in sorted((ROOT / "annotation" / "gold").glob("*.jsonl")) for r in read_jsonl(f)]
    if not gold:
        raise SystemExit("no demo gold in annotation/gold")
    rng = random.Random(seed)
    out = []
    for i in range(n):
        rec, meta = rng.choice(gold), rng.choice(gold)
        year = rng.randint(2015, 2023)
        out.append({**rec, **{k: meta.get(k) for k in META}, "date": f"{year}{str(meta.get('date', '2019-01-01'))[4:]}",
                    "id": f"b{i // 25:05d}-s{i % 25:03d}", "interview_id": f"b{i // 25:05d}", "turn": i % 25,
                    "_line": None})
    return out


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
    args = ap.parse_args()
    recs = synthetic(args.n)
    out = args.out or Path(tempfile.mkdtemp(prefix="dataset-bench-"))
    t0 = time.perf_counter()
    counts = build(merge(recs), out)
    build_s = time.perf_counter() - t0
    size = (out / "coded.db").stat().st_size / 2**20
    parquet = sum(p.stat().st_size for p in out.glob("*.parquet")) / 2**20
    con = connect(out)
    times, hits = [], []
    for f in queries(random.Random(1)):
        t = time.perf_counter()
        hits.append(len(search(out, f, limit=50, con=con)))
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"segments {counts['segments']}, entities {counts['entities']}, interviews {counts['interviews']}")
    print(f"build {build_s:.1f} s (target < 60 s); coded.db {size:.1f} MiB; parquet {parquet:.1f} MiB")
    print(f"quote queries: p50 {statistics.median(times):.1f} ms, p95 {times[94]:.1f} ms, max {times[-1]:.1f} ms "
          f"(target p95 < 100 ms); median hits {statistics.median(hits)} (limit 50)")


if __name__ == "__main__":
    main()
