"""The segment record: one passage of testimony, shared by gold, model input and model output.

Records are plain dicts (as in ../shared/spec/segments.md) so every stage reads and writes
the same JSON Lines. This module validates them against the codebook.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .codebook import CURRENCIES, LOCATION_KINDS, Codebook, load_codebook
from .errors import ToolkitError
from .io import read_jsonl, write_jsonl

LANGS = ("ru", "ky", "mixed", "other")


def year_of(rec: dict) -> int | None:
    """The interview year from `date` (ISO) or `year`: money is converted at that year's rates."""
    if isinstance(rec.get("year"), int):
        return rec["year"]
    date = str(rec.get("date") or "")
    return int(date[:4]) if date[:4].isdigit() else None


def where(rec: dict, path: str | os.PathLike | None = None) -> str:
    """'file:line (id X)' for messages about a record."""
    loc = f"{path}:{rec['_line']}" if path and "_line" in rec else str(path or "")
    return f"{loc} (id {rec.get('id', '?')})".strip()


def entity_problems(text: str, ent: dict, cb: Codebook) -> list[str]:
    """Everything wrong with one entity dict, as readable strings (empty when valid)."""
    out: list[str] = []
    label = ent.get("label")
    if label not in cb.entities:
        out.append(f"unknown entity label {label!r} (valid: {', '.join(cb.entities)})")
    start, end = ent.get("start"), ent.get("end")
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
        out.append(f"{label} span [{start}, {end}) outside the text (length {len(text)})")
    elif ent.get("text") != text[start:end]:
        out.append(f"{label} span [{start}, {end}) is {text[start:end]!r} but entity text is {ent.get('text')!r}")
    if label == "MONEY":
        lo, hi = ent.get("low"), ent.get("high")
        if not isinstance(lo, (int, float)) or not isinstance(hi, (int, float)) or lo > hi:
            out.append(f"MONEY {ent.get('text')!r}: low/high must be numbers with low <= high, got {lo}/{hi}")
        if ent.get("currency") not in CURRENCIES:
            out.append(f"MONEY {ent.get('text')!r}: currency {ent.get('currency')!r} not in {CURRENCIES}")
        if ent.get("role") not in cb.money_roles:
            out.append(f"MONEY {ent.get('text')!r}: role {ent.get('role')!r} not in {cb.money_roles}")
    if label == "LOC":
        if not ent.get("norm"):
            out.append(f"LOC {ent.get('text')!r}: missing 'norm'")
        if ent.get("kind") not in LOCATION_KINDS:
            out.append(f"LOC {ent.get('text')!r}: kind {ent.get('kind')!r} not in {LOCATION_KINDS}")
    return out


def record_problems(rec: dict, cb: Codebook) -> list[str]:
    """Everything wrong with one segment record (empty when valid)."""
    out: list[str] = []
    if not isinstance(rec.get("id"), str) or not rec["id"]:
        out.append("missing or empty 'id'")
    text = rec.get("text")
    if not isinstance(text, str):
        return out + ["missing 'text' (every segment needs its passage as a string)"]
    if rec.get("lang") is not None and rec["lang"] not in LANGS:
        out.append(f"lang {rec['lang']!r} not in {LANGS}")
    for code in rec.get("codes") or ():
        if code not in cb.codes:
            out.append(f"unknown code id {code!r} (not in {cb.path})")
    for ent in rec.get("entities") or ():
        out.extend(entity_problems(text, ent, cb))
    return out


def validate_file(path: str | os.PathLike, cb: Codebook | None = None) -> tuple[int, list[str]]:
    """Check a JSONL segment file; returns (records, problems as 'file:line (id): msg')."""
    cb = cb or load_codebook()
    problems: list[str] = []
    seen: set[str] = set()
    n = 0
    for rec in read_jsonl(path):
        n += 1
        loc = where(rec, path)
        if rec.get("id") in seen:
            problems.append(f"{loc}: duplicate id")
        seen.add(rec.get("id"))
        problems.extend(f"{loc}: {p}" for p in record_problems(rec, cb))
    if n == 0:
        problems.append(f"{path}: no records (empty file)")
    return n, problems


def read_segments(path: str | os.PathLike, require_text: bool = True) -> Iterator[dict]:
    """Read segment records; a record without `id`/`text` raises an error naming file and line."""
    for rec in read_jsonl(path):
        if not isinstance(rec.get("id"), (str, int)) or rec.get("id") == "":
            raise ToolkitError(f"{path}:{rec['_line']}: record has no 'id'")
        if require_text and not isinstance(rec.get("text"), str):
            raise ToolkitError(f"{path}:{rec['_line']}: record {rec['id']!r} has no 'text' string")
        yield rec


def write_segments(path: str | os.PathLike, records: Iterable[dict]) -> int:
    return write_jsonl(Path(path), records)
