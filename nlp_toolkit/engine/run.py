"""Execute a stage over chunks of shards with the local engine (processes) or Dask.

Each chunk becomes one Parquet part. A chunk that fails (corrupt line) is reported with its shard
and line; the others still complete, and the totals satisfy: input = output + failed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ToolkitError
from .shards import Chunk, chunks, find_shards, read_chunk, write_part

log = logging.getLogger(__name__)
_STAGES: dict[str, object] = {}  # stage objects of this worker process, built once per factory


@dataclass
class RunReport:
    input: int = 0
    output: int = 0
    failed: list[str] = field(default_factory=list)  # "shard:line: reason" per failed chunk
    failed_records: int = 0
    parts: list[str] = field(default_factory=list)


def _stage(factory: Callable[[], object]):
    key = repr(factory)  # stable across pickling, unlike id()
    if key not in _STAGES:
        _STAGES[key] = factory()
    return _STAGES[key]


def process_chunk(factory: Callable[[], object], chunk: Chunk, out_dir: Path) -> tuple[int, str | None, str | None]:
    """(records written, part path, error) for one chunk; never raises for bad input."""
    try:
        stage = _stage(factory)
        result = stage.process(list(read_chunk(chunk)))
        if hasattr(stage, "write_part"):  # a stage with its own output layout (e.g. the dataset's tables)
            n, path = stage.write_part(result, out_dir, chunk.name)
            return n, str(path), None
        return len(result), str(write_part(result, out_dir, chunk.name)), None
    except ToolkitError as exc:
        msg = str(exc)
        return 0, None, msg if str(chunk.shard) in msg else f"{chunk.shard}: {msg}"
    except UnicodeDecodeError:
        return 0, None, f"{chunk.shard}: not UTF-8 text"


def run(factory: Callable[[], object], inputs: str | os.PathLike | list[str | os.PathLike], out_dir: str | os.PathLike,
        engine: str = "local", processes: int = 0, chunk_size: int | None = None, scheduler: str | None = None,
        progress: bool = False) -> RunReport:
    """Process every chunk of `inputs` into `out_dir`/part-*.parquet; returns counts and failures."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("part-*.parquet"):
        stale.unlink()
    specs = inputs if isinstance(inputs, list) else [inputs]
    work = chunks([shard for spec in specs for shard in find_shards(spec)], chunk_size)
    report = RunReport(input=sum(c.size for c in work))
    if engine == "local":
        results = _run_local(factory, work, out_dir, min(processes or os.cpu_count() or 1, len(work)), progress)
    elif engine == "dask":
        results = _run_dask(factory, work, out_dir, processes or 2, scheduler)
    else:
        raise ToolkitError(f"unknown engine {engine!r} (use local or dask)")
    for chunk, (n, part, error) in zip(work, results):
        if error:
            report.failed.append(error)
            report.failed_records += chunk.size
        else:
            report.output += n
            report.parts.append(part)
    return report


def _run_local(factory, work: list[Chunk], out_dir: Path, processes: int, progress: bool) -> list:
    from tqdm import tqdm
    if processes <= 1:
        return [process_chunk(factory, c, out_dir) for c in tqdm(work, desc="chunks", disable=not progress)]
    import multiprocessing as mp
    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ctx.Pool(processes) as pool:
        jobs = [pool.apply_async(process_chunk, (factory, c, out_dir)) for c in work]
        return [j.get() for j in tqdm(jobs, desc="chunks", disable=not progress)]


def _run_dask(factory, work: list[Chunk], out_dir: Path, workers: int, scheduler: str | None) -> list:
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ToolkitError("the dask engine needs dask[distributed]: pip install 'dask[distributed]'") from None
    logging.getLogger("distributed").setLevel(logging.WARNING)  # no INFO chatter when the cluster shuts down
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                               host="127.0.0.1", silence_logs=logging.WARNING)
        client = Client(cluster)
    try:
        futures = client.map(process_chunk, [factory] * len(work), work, [out_dir] * len(work), pure=False)
        return client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
