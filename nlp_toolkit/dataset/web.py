"""The report writers' web page: Datasette over coded.db with facets, full-text search, quote cards.

Datasette is used rather than a home-made server because it is maintained, read-only by default,
autoescapes every value (Jinja), and already has faceting (incl. JSON-array facets for codes/actors/
places), FTS search, column filters (usd_max >= N), canned queries and CSV export. Our part is
metadata and one template for quote cards with citation and a copy button.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..codebook import load_codebook
from ..errors import ToolkitError
from .load import DB_NAME

TEMPLATES = Path(__file__).parent / "templates"
CARD_COLUMNS = ("id", "text", "citation", "codes", "actors", "places", "lang", "year", "usd_max", "source")


def metadata() -> dict:
    """Datasette metadata: facets, FTS, column descriptions from the codebook, a canned query per use."""
    cb = load_codebook()
    return {
        "title": "Coded interview quotes",
        "description": "Search quotes from interviews with labour migrants; every card carries its citation.",
        "databases": {"coded": {"tables": {
            "segments": {
                "facets": [{"array": "codes"}, {"array": "actors"}, {"array": "places"}, "lang", "year", "source"],
                "fts_table": "segments_fts", "fts_pk": "rowid", "sort": "id", "size": 50,
                "label_column": "id",
                "columns": {"codes": "Codes: " + ", ".join(cb.code_ids),
                            "usd_max": "Largest amount in the quote, US dollars (filter: usd_max__gte=50)",
                            "citation": "Footnote: interviewee, pseudonym, place, date of interview"},
            },
            "segment_codes": {"hidden": True},
        }, "queries": {
            "quotes_by_code": {
                "title": "Quotes for a code, with at least an amount in USD",
                "sql": "SELECT s.id, s.text, s.citation, s.codes, s.usd_max FROM segments s "
                       "WHERE s.rowid IN (SELECT seg_rowid FROM segment_codes WHERE code = :code) "
                       "AND coalesce(s.usd_max, 0) >= coalesce(nullif(:min_usd, ''), 0) ORDER BY s.id LIMIT 500",
            },
        }}},
    }


def command(directory: str | os.PathLike, port: int = 8001, metadata_path: Path | None = None) -> list[str]:
    """The datasette command line that serves `directory`/coded.db on 127.0.0.1 only."""
    db = Path(directory) / DB_NAME
    if not db.exists():
        raise ToolkitError(f"{db}: no dataset database (build it with `nlp-toolkit dataset ... -o {directory}`)")
    if metadata_path is None:
        metadata_path = Path(tempfile.mkdtemp(prefix="nlp-toolkit-web-")) / "metadata.json"
    metadata_path.write_text(json.dumps(metadata(), ensure_ascii=False), encoding="utf-8")
    return [sys.executable, "-m", "datasette", "serve", str(db), "--immutable", str(db), "--host", "127.0.0.1",
            "--port", str(port), "--metadata", str(metadata_path), "--template-dir", str(TEMPLATES),
            "--setting", "default_page_size", "50"]


def serve(directory: str | os.PathLike, port: int = 8001) -> subprocess.Popen:
    """Start Datasette in the background (the caller waits on or terminates it)."""
    return subprocess.Popen(command(directory, port))
