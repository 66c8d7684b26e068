"""Read a built dataset as pandas DataFrames, so notebooks and scripts never re-parse JSONL."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import ToolkitError

TABLES = ("segments", "entities", "interviews")
DB_NAME = "coded.db"


def _read(directory: str | os.PathLike, table: str) -> pd.DataFrame:
    path = Path(directory) / f"{table}.parquet"
    if not path.exists():
        raise ToolkitError(f"{path}: no such table (build the dataset with `nlp-toolkit dataset ... -o {directory}`)")
    return pd.read_parquet(path)


def load_segments(directory: str | os.PathLike) -> pd.DataFrame:
    return _read(directory, "segments")


def load_entities(directory: str | os.PathLike) -> pd.DataFrame:
    return _read(directory, "entities")


def load_interviews(directory: str | os.PathLike) -> pd.DataFrame:
    return _read(directory, "interviews")


def load(directory: str | os.PathLike) -> dict[str, pd.DataFrame]:
    """All three tables: {'segments': ..., 'entities': ..., 'interviews': ...}."""
    return {t: _read(directory, t) for t in TABLES}
