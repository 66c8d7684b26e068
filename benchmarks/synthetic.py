"""Synthetic segment shards for benchmarks: real demo turns recombined (two random turns joined).

    python benchmarks/synthetic.py N OUT_DIR [--shard-size 100000]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def source_texts() -> list[dict]:
    rows = []
    for f in sorted((ROOT / "annotation" / "gold").glob("*.jsonl")):
        rows += [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not rows:
        raise SystemExit("no demo gold in annotation/gold: run `make gold` first")
    return rows


def generate(n: int, out_dir: Path, shard_size: int = 100_000, seed: int = 0) -> list[Path]:
    rng = random.Random(seed)
    rows = source_texts()
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for start in range(0, n, shard_size):
        path = out_dir / f"shard-{start // shard_size:04d}.jsonl"
        with path.open("w", encoding="utf-8") as fh:
            for i in range(start, min(n, start + shard_size)):
                a, b = rng.choice(rows), rng.choice(rows)
                rec = {"id": f"syn{i:08d}", "interview_id": f"syn{i // 40:06d}", "date": a.get("date"),
                       "text": f"{a['text']} {b['text']}"}
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        paths.append(path)
    return paths


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--shard-size", type=int, default=100_000)
    a = ap.parse_args()
    generate(a.n, a.out, a.shard_size)
