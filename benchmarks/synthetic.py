"""Synthetic segments for benchmarks: real demo turns recombined (two random turns joined).

    python benchmarks/synthetic.py N OUT_DIR [--shard-size 100000]

`records(n, coded=True)` also carries the union of the two turns' gold codes and entities (offsets
shifted), under the interview metadata of a random third turn, for training and dataset benchmarks.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
META = ("respondent", "gender", "age", "home_region", "place", "date", "source_file", "line_start", "line_end")
PER_INTERVIEW = 40


def source_texts() -> list[dict]:
    rows = []
    for f in sorted((ROOT / "annotation" / "gold").glob("*.jsonl")):
        rows += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not rows:
        raise SystemExit("no demo gold in annotation/gold: run `make gold` first")
    return rows


def records(n: int, seed: int = 0, coded: bool = False) -> Iterator[dict]:
    rng = random.Random(seed)
    rows = source_texts()
    for i in range(n):
        a, b = rng.choice(rows), rng.choice(rows)
        rec = {"id": f"syn{i // PER_INTERVIEW:06d}-s{i % PER_INTERVIEW:03d}", "interview_id": f"syn{i // PER_INTERVIEW:06d}",
               "date": a.get("date"), "text": f"{a['text']} {b['text']}"}
        if coded:
            meta, shift = rng.choice(rows), len(a["text"]) + 1
            rec.update({k: meta.get(k) for k in META}, turn=i % PER_INTERVIEW, lang=a.get("lang"),
                       date=f"{rng.randint(2015, 2023)}{str(meta.get('date') or '2019-01-01')[4:]}",
                       codes=sorted(set(a.get("codes", [])) | set(b.get("codes", []))),
                       entities=a.get("entities", []) + [{**e, "start": e["start"] + shift, "end": e["end"] + shift}
                                                         for e in b.get("entities", [])])
        yield rec


def generate(n: int, out_dir: Path, shard_size: int = 100_000, seed: int = 0) -> list[Path]:
    """JSONL shards of `n` uncoded records (what `tag` reads)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths, it = [], records(n, seed)
    for start in range(0, n, shard_size):
        path = out_dir / f"shard-{start // shard_size:04d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for _ in range(min(n, start + shard_size) - start):
                fh.write(json.dumps(next(it), ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--shard-size", type=int, default=100_000)
    a = ap.parse_args()
    generate(a.n, a.out, a.shard_size)
