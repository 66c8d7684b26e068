"""Command functions `dataset` and `quotes`, mounted on the main app in nlp_toolkit/cli.py."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from ..cliutil import ENGINE, PROCESSES, SCHEDULER
from ..errors import ToolkitError


def dataset(inputs: list[str] = typer.Argument(..., help="Coded segments (from `nlp-toolkit tag`): JSONL/Parquet files, directories or globs."),
            output: Path = typer.Option(..., "--output", "-o", help="Directory for the Parquet tables and coded.db."),
            human: list[Path] = typer.Option([], "--human", help="Human annotations, a JSONL file or a directory of them (gold, Label Studio pull); they override model codes."),
            engine: str = ENGINE, processes: int = PROCESSES, scheduler: Optional[str] = SCHEDULER) -> None:
    """Build the coded dataset: segments/entities/interviews (Parquet) + SQLite with full-text search."""
    from .build import build_from
    counts = build_from(inputs, output, human, engine=engine, processes=processes, scheduler=scheduler,
                        progress=sys.stderr.isatty())
    typer.echo(", ".join(f"{n} {t}" for t, n in counts.items()) + f" written to {output}", err=True)


def quotes(data: Path = typer.Option(Path("data/coded"), "--data", "-d", help="Dataset directory (from `nlp-toolkit dataset`)."),
           code: list[str] = typer.Option([], "--code", help="Code id (repeat for AND)."),
           actor: list[str] = typer.Option([], "--actor", help="Actor label, e.g. POLICE (repeat for AND)."),
           place: Optional[str] = typer.Option(None, "--place", help="Interview place or mentioned place (normalised name)."),
           lang: Optional[str] = typer.Option(None, "--lang", help="Segment language (ru, ky, ...)."),
           min_usd: Optional[float] = typer.Option(None, "--min-usd", help="At least one amount of this many US dollars."),
           text: Optional[str] = typer.Option(None, "--text", help="Words in the quote (prefix match, all words)."),
           year: Optional[int] = typer.Option(None, "--year", help="Year of the interview."),
           fmt: str = typer.Option("md", "--format", "-f", help="md, csv, json or docx."),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (required for docx)."),
           limit: int = typer.Option(200, "--limit", help="At most this many quotes.")) -> None:
    """Find quotes for a report, each with a citation footnote and highlighted entities."""
    from ..io import atomic_write
    from .quotes import Filters, no_match, render, search
    filters = Filters(code=code or None, actor=actor or None, place=place, lang=lang, min_usd=min_usd, text=text, year=year)
    if fmt == "docx" and output is None:
        raise ToolkitError("--format docx needs --output FILE.docx")
    found = search(data, filters, limit=limit)
    if not found:
        typer.echo(no_match(filters), err=True)
        raise typer.Exit(1)
    result = render(found, fmt, filters)
    if output is None:
        sys.stdout.write(result)
        return
    with atomic_write(output, "wb" if isinstance(result, bytes) else "w") as fh:
        fh.write(result)
    typer.echo(f"{len(found)} quotes written to {output}", err=True)


def serve(data: Path = typer.Option(Path("data/coded"), "--data", "-d", help="Dataset directory."),
          port: int = typer.Option(8001, "--port", help="Port on 127.0.0.1.")) -> None:
    """Open the quotes in a browser: full-text search, facets, quote cards with citations, CSV export."""
    from .web import serve as start
    typer.echo(f"serving http://127.0.0.1:{port}/coded/segments (Ctrl-C to stop)", err=True)
    proc = start(data, port)
    try:
        proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        proc.wait()
