"""Shards: the input (a file, a directory or a glob of JSONL/Parquet files) cut into pieces of work.

Results go to partitioned Parquet, one part per input chunk, so workers never share a file.
"""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import ToolkitError
from ..io import atomic_write

SUFFIXES = (".jsonl", ".parquet")
JSON_COLUMNS = ("entities", "scores")  # nested values kept as JSON text in Parquet


def find_shards(spec: str | os.PathLike) -> list[Path]:
    """Shard files named by a file, a directory (all .jsonl/.parquet inside) or a glob pattern."""
    p = Path(spec)
    if p.is_dir():
        found = sorted(f for f in p.rglob("*") if f.suffix in SUFFIXES and f.is_file())
    elif p.is_file():
        found = [p]
    else:
        found = sorted(Path(f) for f in glob.glob(str(spec), recursive=True) if Path(f).suffix in SUFFIXES)
    if not found:
        raise ToolkitError(f"{spec}: no .jsonl or .parquet shards found")
    return found


@dataclass(frozen=True)
class Chunk:
    """Up to `size` records of one shard, starting at record `start` (0-based)."""

    shard: Path
    start: int
    size: int
    number: int = 0  # position of the shard in the input, so equal file names in two folders never clash

    @property
    def name(self) -> str:
        return f"{self.number:05d}-{self.shard.stem}-{self.start:09d}"


def count_records(shard: Path) -> int:
    """Records in a shard (non-blank lines or Parquet rows), counted without parsing them."""
    if shard.suffix == ".parquet":
        import pyarrow.parquet as pq
        return pq.ParquetFile(shard).metadata.num_rows
    with shard.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


def chunk_size_for(total: int) -> int:
    """About eight chunks, so two to four workers stay busy, within 500..5000 records; it depends on
    the input only, so every engine and worker count cuts the input the same way (same output)."""
    return min(5000, max(500, -(-total // 8)))


def chunks(shards: list[Path], size: int | None = None) -> list[Chunk]:
    """Cut shards into chunks of `size` records (default: `chunk_size_for` the whole input)."""
    counts = [count_records(shard) for shard in shards]
    size = size or chunk_size_for(sum(counts))
    return [Chunk(shard, s, min(size, n - s), number)
            for number, (shard, n) in enumerate(zip(shards, counts)) for s in range(0, n, size)]


def read_chunk(chunk: Chunk) -> Iterator[dict]:
    """The chunk's records; a bad line raises ToolkitError naming shard and line."""
    if chunk.shard.suffix == ".parquet":
        import pyarrow.parquet as pq
        table = pq.read_table(chunk.shard).slice(chunk.start, chunk.size)
        for row in table.to_pylist():
            yield from_row(row)
        return
    seen = 0
    with chunk.shard.open(encoding="utf-8", errors="strict") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            if seen >= chunk.start + chunk.size:
                return
            if seen >= chunk.start:
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ToolkitError(f"{chunk.shard}:{n}: not valid JSON ({exc.msg})") from None
                if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or "id" not in rec:
                    raise ToolkitError(f"{chunk.shard}:{n}: record needs 'id' and a 'text' string")
                yield rec
            seen += 1


def to_row(rec: dict) -> dict:
    return {k: (json.dumps(v, ensure_ascii=False) if k in JSON_COLUMNS else v) for k, v in rec.items()
            if not k.startswith("_")}


def from_row(row: dict) -> dict:
    return {k: (json.loads(v) if k in JSON_COLUMNS and isinstance(v, str) else v) for k, v in row.items()
            if v is not None}


def write_part(records: list[dict], out_dir: Path, name: str) -> Path:
    """One Parquet part, written atomically."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    path = out_dir / f"part-{name}.parquet"
    table = pa.Table.from_pylist([to_row(r) for r in records])
    with atomic_write(path, "wb") as fh:
        pq.write_table(table, fh)
    return path


def read_parts(out_dir: str | os.PathLike) -> Iterator[dict]:
    """All records of a partitioned output, part by part in name order."""
    import pyarrow.parquet as pq
    for part in sorted(Path(out_dir).glob("part-*.parquet")):
        for row in pq.read_table(part).to_pylist():
            yield from_row(row)
