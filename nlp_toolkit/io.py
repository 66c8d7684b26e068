"""Atomic file output and JSON Lines reading/writing with line-numbered errors."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import ToolkitError


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Write to a temporary file beside `path` and rename it into place on success.

    Readers never see a half-written file: on any exception the temporary file is
    removed and `path` keeps its previous content (or stays absent).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        kwargs = {"encoding": encoding} if "b" not in mode else {}
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_jsonl(path: str | os.PathLike) -> Iterator[dict]:
    """Yield one dict per non-blank line; a bad line raises ToolkitError naming file:line."""
    path = Path(path)
    if not path.exists():
        raise ToolkitError(f"{path}: no such file")
    with path.open(encoding="utf-8") as fh:
        try:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ToolkitError(f"{path}:{n}: not valid JSON ({exc.msg} at column {exc.colno})") from None
                if not isinstance(obj, dict):
                    raise ToolkitError(f"{path}:{n}: expected a JSON object, got {type(obj).__name__}")
                obj.setdefault("_line", n)
                yield obj
        except UnicodeDecodeError:
            raise ToolkitError(f"{path}: not UTF-8 text (JSON Lines files must be UTF-8)") from None


def dumps(record: dict) -> str:
    """One JSON line; internal keys (leading underscore) are dropped."""
    return json.dumps({k: v for k, v in record.items() if not k.startswith("_")}, ensure_ascii=False)


def write_jsonl(path: str | os.PathLike, records: Iterable[dict]) -> int:
    """Write records atomically; returns how many were written."""
    n = 0
    with atomic_write(path) as fh:
        for rec in records:
            fh.write(dumps(rec) + "\n")
            n += 1
    return n


def read_yaml(path: str | os.PathLike, what: str) -> dict:
    """A YAML data file (lexicon, cues, ...) as a mapping; one clear error naming the file otherwise."""
    import yaml
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ToolkitError(f"{path}: cannot read the {what} ({exc})") from None
    if not isinstance(raw, dict):
        raise ToolkitError(f"{path}: the {what} must be a YAML mapping, not {type(raw).__name__}")
    return raw
