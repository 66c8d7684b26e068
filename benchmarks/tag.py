"""Tagging throughput and peak memory: local 1 process, local 2 processes, Dask LocalCluster (2 workers).

    .venv/bin/python benchmarks/tag.py [--sizes 1000 10000 100000 1000000] [--configs local1 local2 dask]

Each run is a separate `nlp-toolkit tag` process writing partitioned Parquet; peak RSS is the largest
resident set of any process of the run (the CLI or one of its workers). Prints a table: time per
segment (us/seg) shows how cost grows with size, `x local1` the speed-up over one process.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import generate  # noqa: E402

CLI = str(Path(sys.executable).parent / "nlp-toolkit")
CONFIGS = {"local1": ["--engine", "local", "--processes", "1"], "local2": ["--engine", "local", "--processes", "2"],
           "dask": ["--engine", "dask", "--processes", "2"]}


def run_one(shards: Path, out: Path, args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS MiB of the largest process) for one tagging run in a fresh process tree."""
    pid = os.fork()
    if pid == 0:  # a child that runs the CLI, so RUSAGE_CHILDREN covers only this run
        t0 = time.perf_counter()
        rc = subprocess.run([CLI, "tag", str(shards), "-o", str(out), *args], stdout=subprocess.DEVNULL).returncode
        dt = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        Path(out.parent / "result").write_text(f"{dt} {rss} {rc}")
        os._exit(0)
    os.waitpid(pid, 0)
    dt, rss, rc = (out.parent / "result").read_text().split()
    if rc != "0":
        raise SystemExit(f"tag failed (exit {rc})")
    return float(dt), float(rss)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--configs", nargs="+", default=list(CONFIGS))
    a = ap.parse_args()
    print(f"{'segments':>9} {'config':>7} {'seconds':>8} {'seg/s':>8} {'us/seg':>7} {'x local1':>8} {'peak RSS MiB':>13}")
    for n in a.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            shards = Path(tmp) / "in"
            generate(n, shards, shard_size=50_000)
            base = None
            for cfg in a.configs:
                out = Path(tmp) / cfg / "out"
                out.parent.mkdir()
                dt, rss = run_one(shards, out, CONFIGS[cfg])
                base = base or (dt if cfg == "local1" else None)
                speedup = f"{base / dt:8.2f}" if base else f"{'-':>8}"
                print(f"{n:>9} {cfg:>7} {dt:>8.1f} {n / dt:>8.0f} {dt / n * 1e6:>7.0f} {speedup} {rss:>13.0f}", flush=True)
                shutil.rmtree(out.parent)


if __name__ == "__main__":
    main()
