"""The coded dataset: tidy Parquet tables + an SQLite/FTS5 database, and quote search over it."""

from .load import load, load_entities, load_interviews, load_segments

__all__ = ["load", "load_segments", "load_entities", "load_interviews"]
