"""Quote search for report writers: filter coded segments, cite them, write md/csv/json/docx.

Queries run on the SQLite database of a built dataset (indexed code table + FTS5), so a search
over 100k segments stays interactive.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
from dataclasses import asdict, dataclass
from pathlib import Path

from ..codebook import ACTOR_LABELS, Codebook, load_codebook
from ..errors import ToolkitError
from .load import DB_NAME

FORMATS = ("md", "csv", "json", "docx")
SHOWN = ("id", "interview_id", "respondent", "place", "date", "lang", "text", "citation", "source",
         "source_file", "line_start", "line_end")


@dataclass
class Filters:
    code: list[str] | None = None
    actor: list[str] | None = None
    place: str | None = None
    lang: str | None = None
    min_usd: float | None = None
    text: str | None = None
    year: int | None = None

    def check(self, cb: Codebook) -> None:
        """Unknown codes/labels are errors that list the valid ones (from the codebook)."""
        for c in self.code or ():
            cb.check_code(c, "--code")
        for a in self.actor or ():
            if a not in ACTOR_LABELS:
                raise ToolkitError(f"--actor: unknown actor label {a!r} (valid labels: {', '.join(ACTOR_LABELS)})")

    def describe(self) -> str:
        return ", ".join(f"{k.replace('_', '-')}={v if not isinstance(v, list) else ','.join(v)}"
                         for k, v in asdict(self).items() if v not in (None, [], "")) or "none"


def fts_query(text: str) -> str:
    """User words as quoted prefix terms (AND): 'паспорт' also finds 'паспорта', FTS syntax can't break."""
    words = re.findall(r"\w+", text)
    if not words:
        raise ToolkitError(f"--text {text!r}: no words to search for")
    return " ".join(f'"{w}"*' for w in words)


def _sql(f: Filters) -> tuple[str, list]:
    where, args = [], []
    for c in f.code or ():
        where.append("s.rowid IN (SELECT seg_rowid FROM segment_codes WHERE code = ?)")
        args.append(c)
    for a in f.actor or ():
        where.append("s.rowid IN (SELECT seg_rowid FROM entities WHERE label = ?)")
        args.append(a)
    if f.place:
        where.append("(s.place_key = ? OR s.rowid IN (SELECT seg_rowid FROM entities "
                     "WHERE norm_key = ? AND label = 'LOC'))")
        args += [f.place.casefold()] * 2
    if f.lang:
        where.append("s.lang = ?")
        args.append(f.lang)
    if f.year is not None:
        where.append("s.year = ?")
        args.append(f.year)
    if f.min_usd is not None:
        where.append("s.usd_max >= ?")
        args.append(f.min_usd)
    if f.text:
        where.append("s.rowid IN (SELECT rowid FROM segments_fts WHERE segments_fts MATCH ?)")
        args.append(fts_query(f.text))
    cols = ", ".join(f"s.{c}" for c in SHOWN) + ", s.codes, s.usd_max"
    return (f"SELECT {cols} FROM segments s" + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY s.rowid LIMIT ?"), args  # input order: interviews and turns as transcribed


def connect(directory: str | os.PathLike) -> sqlite3.Connection:
    path = Path(directory) / DB_NAME
    if not path.exists():
        raise ToolkitError(f"{path}: no dataset database (build it with `nlp-toolkit dataset ... -o {directory}`)")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    return con


def search(directory: str | os.PathLike, filters: Filters, limit: int = 200,
           con: sqlite3.Connection | None = None, cb: Codebook | None = None) -> list[dict]:
    """Matching quotes with their codes, citation and entity spans (for highlighting)."""
    filters.check(cb or load_codebook())
    own = con is None
    con = con or connect(directory)
    try:
        sql, args = _sql(filters)
        rows = [dict(r) for r in con.execute(sql, [*args, limit])]
        for r in rows:
            r["codes"] = json.loads(r["codes"])
            r["entities"] = [dict(e) for e in con.execute(
                "SELECT label, start, \"end\", text, norm, currency, role, low, high, usd_low, usd_high "
                "FROM entities WHERE segment_id = ? ORDER BY start", (r["id"],))]
    finally:
        if own:
            con.close()
    return rows


def highlight(text: str, entities: list[dict], mark: tuple[str, str] = ("**", "**")) -> str:
    """Text with entity spans wrapped (non-overlapping, left to right) and labelled."""
    out, pos = [], 0
    for e in sorted(entities, key=lambda e: e["start"]):
        if e["start"] < pos:
            continue
        out += [text[pos:e["start"]], f"{mark[0]}{text[e['start']:e['end']]}{mark[1]}[{e['label']}]"]
        pos = e["end"]
    return "".join(out + [text[pos:]])


def amounts(q: dict) -> str:
    """'20000 KZT (bribe, ≈ $54.6)' for each MONEY span."""
    parts = []
    for e in q["entities"]:
        if e["label"] != "MONEY":
            continue
        value = f"{e['low']:g}" if e["low"] == e["high"] or e["high"] is None else f"{e['low']:g}–{e['high']:g}"
        usd = f", ≈ ${e['usd_high'] or e['usd_low']:g}" if (e["usd_high"] or e["usd_low"]) else ""
        parts.append(f"{value} {e['currency'] or ''} ({e['role'] or 'amount'}{usd})".replace("  ", " "))
    return "; ".join(parts)


def no_match(filters: Filters) -> str:
    return f"no quotes match (filters: {filters.describe()})"


def render(quotes: list[dict], fmt: str, filters: Filters) -> str | bytes:
    """The quotes in `fmt`; docx comes back as bytes."""
    if fmt not in FORMATS:
        raise ToolkitError(f"--format: unknown format {fmt!r} (valid: {', '.join(FORMATS)})")
    if fmt == "json":
        return json.dumps(quotes, ensure_ascii=False, indent=1)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow([*SHOWN, "codes", "amounts"])
        for q in quotes:
            w.writerow([*(q[c] for c in SHOWN), ";".join(q["codes"]), amounts(q)])
        return buf.getvalue()
    if fmt == "md":
        lines = [f"# Quotes ({len(quotes)}; filters: {filters.describe()})", ""]
        for n, q in enumerate(quotes, 1):
            lines += [f"> «{highlight(q['text'], q['entities'])}»[^{n}]", "",
                      f"Codes: {', '.join(q['codes']) or '—'}" + (f" · Amounts: {amounts(q)}" if amounts(q) else ""), ""]
        lines += [f"[^{n}]: {q['citation']}" for n, q in enumerate(quotes, 1)]
        return "\n".join(lines) + "\n"
    return _docx(quotes, filters)


def _docx(quotes: list[dict], filters: Filters, cb: Codebook | None = None) -> bytes:
    """Evidence table per code: quote | citation | amounts (a quote with two codes appears under both)."""
    from docx import Document
    cb = cb or load_codebook()
    doc = Document()
    doc.add_heading("Evidence from interviews", level=1)
    doc.add_paragraph(f"Filters: {filters.describe()}. {len(quotes)} quotes.")
    wanted = filters.code or list(cb.codes)
    for code in wanted:
        group = [q for q in quotes if code in q["codes"]]
        if not group:
            continue
        doc.add_heading(f"{cb.codes[code].en} ({code})", level=2)
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, title in zip(table.rows[0].cells, ("Quote", "Citation", "Amounts")):
            cell.text = title
        for q in group:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = f"«{q['text']}»", q["citation"], amounts(q)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
