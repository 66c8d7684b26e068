"""The `nlp-toolkit` command: thin wrappers that parse options and call the stages.

Errors the user can fix are printed as one line on stderr with exit code 2; logs go to stderr,
data to files or stdout.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.logging import RichHandler

from . import __version__
from .annotation.cli import agreement, ls_app
from .cliutil import ENGINE, PLACE_NER, PROCESSES, SCHEDULER, STANZA_DIR, err, registrar
from .dataset.cli import dataset, quotes, serve
from .errors import ToolkitError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Turn interview transcripts of labour migrants into coded, citable evidence.")
DEFAULT_KEY = Path("keys/pseudonym_key.json")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format="%(message)s",
                        handlers=[RichHandler(console=err, show_path=False, show_time=False)])
    logging.getLogger("nlp_toolkit").setLevel(logging.DEBUG if verbose else logging.INFO)


command = registrar(app)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="More log output on stderr."),
         version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                      help="Print the version and exit.")) -> None:
    _setup_logging(verbose)


@command
def ingest(inputs: list[Path] = typer.Argument(..., help="Transcript files or directories (txt, docx, odt)."),
           output: Path = typer.Option(..., "--output", "-o", help="Segment JSONL to write."),
           key: Path = typer.Option(DEFAULT_KEY, help="Pseudonym key (real -> pseudonym); keep it outside data exports."),
           skip_bad: bool = typer.Option(False, "--skip-bad", help="Write the good files and list the bad ones."),
           no_pseudonymise: bool = typer.Option(False, "--no-pseudonymise", help="Keep real names (never for annotation).")) -> None:
    """Read transcripts, split them into respondent turns, detect language, pseudonymise names."""
    from .corpus.ingest import ingest as run
    n, problems = run(inputs, output, None if no_pseudonymise else key, skip_bad=skip_bad,
                      pseudonymise=not no_pseudonymise, progress=sys.stderr.isatty())
    for p in problems:
        err.print(f"[yellow]skipped:[/] {p}", highlight=False, soft_wrap=True)
    err.print(f"wrote {n} segments to {output}" + ("" if no_pseudonymise else f" (pseudonym key: {key})"))
    if problems and not n:
        raise typer.Exit(1)


@command
def validate(files: list[Path] = typer.Argument(..., help="Segment JSONL files to check."),
             codebook: Optional[Path] = typer.Option(None, help="Codebook YAML (default: annotation/codebook.yaml).")) -> None:
    """Check segment files: JSON parses, ids unique, codes and labels exist, offsets match the text."""
    from .codebook import load_codebook
    from .segments import validate_file
    cb = load_codebook(codebook)
    bad = 0
    for f in files:
        n, problems = validate_file(f, cb)
        for p in problems:
            err.print(p, highlight=False, soft_wrap=True)
        bad += len(problems)
        err.print(f"{f}: {n} records, {len(problems)} problems")
    if bad:
        raise typer.Exit(1)


def _run_stage(factory, input: Path, output: Path, engine: str, processes: int, scheduler: Optional[str],
               desc: str) -> None:
    """Run a stage through the engine; a .jsonl output is assembled from the parts in input order."""
    import tempfile

    from .engine.run import run
    from .engine.shards import read_parts
    from .io import write_jsonl
    to_jsonl = output.suffix == ".jsonl"
    parts_dir = Path(tempfile.mkdtemp(prefix=".parts-", dir=output.parent if to_jsonl else None)) if to_jsonl else output
    if to_jsonl:
        output.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = run(factory, input, parts_dir, engine=engine, processes=processes, scheduler=scheduler,
                     progress=sys.stderr.isatty())
        if report.failed:
            for f in report.failed:
                err.print(f"[red]failed:[/] {f}", highlight=False, soft_wrap=True)
            raise ToolkitError(f"{len(report.failed)} chunk(s) failed: input {report.input} = output {report.output}"
                               f" + failed {report.failed_records}" + ("; nothing written" if to_jsonl else
                               f"; the good parts are in {output}"))
        if to_jsonl:
            write_jsonl(output, read_parts(parts_dir))
        err.print(f"{desc} {report.output} segments -> {output}")
    finally:
        if to_jsonl:
            import shutil
            shutil.rmtree(parts_dir, ignore_errors=True)


@command
def tag(input: Path = typer.Argument(..., help="Segment JSONL/Parquet file, directory or glob of shards (only id and text required)."),
        output: Path = typer.Option(..., "--output", "-o", help="A .jsonl file, or a directory for partitioned Parquet."),
        model: Optional[Path] = typer.Option(None, help="Code model directory (default: models/codes)."),
        rates: Optional[Path] = typer.Option(None, help="Exchange-rate CSV (default: the shipped table)."),
        place_ner: str = PLACE_NER, stanza_dir: Optional[Path] = STANZA_DIR,
        engine: str = ENGINE, processes: int = PROCESSES, scheduler: Optional[str] = SCHEDULER) -> None:
    """Add language, codes (with scores) and entities to every segment."""
    import functools

    from .pipeline import Tagger, place_ner_config
    _run_stage(functools.partial(Tagger, model, rates_path=rates, config=place_ner_config(place_ner, stanza_dir)),
               input, output, engine, processes, scheduler, "tagged")


@command
def extract(input: Path = typer.Argument(..., help="Segment JSONL."),
            output: Path = typer.Option(..., "--output", "-o", help="Segment JSONL with entities."),
            rates: Optional[Path] = typer.Option(None, help="Exchange-rate CSV (default: the shipped table)."),
            place_ner: str = PLACE_NER, stanza_dir: Optional[Path] = STANZA_DIR,
            engine: str = ENGINE, processes: int = PROCESSES, scheduler: Optional[str] = SCHEDULER) -> None:
    """Add entities (actors, money, places) to every segment, without classifying codes."""
    import functools

    from .pipeline import Tagger, place_ner_config
    _run_stage(functools.partial(Tagger, codes=False, rates_path=rates, config=place_ner_config(place_ner, stanza_dir)),
               input, output, engine, processes, scheduler, "extracted entities for")


@command
def train(data: list[Path] = typer.Option(..., "--data", help="Annotated segment JSONL (repeatable)."),
          output: Path = typer.Option(Path("models/codes"), "--output", "-o", help="Model directory to write."),
          candidates: str = typer.Option("cues,tfidf_lr+cues",
                                         help="Comma-separated candidates to compare (also: tfidf_lr, spacy_textcat)."),
          folds: int = typer.Option(5, help="Cross-validation folds (grouped by interview).")) -> None:
    """Train the code classifier: compare candidates by CV, tune thresholds, write model + card."""
    from .classify.train import train as run
    from .segments import read_segments
    records = [r for f in data for r in read_segments(f)]
    report = run(records, output, tuple(c.strip() for c in candidates.split(",") if c.strip()), folds=folds,
                 source=", ".join(map(str, data)), data_files=[str(f) for f in data])
    best = report["deployed"]
    err.print(f"chose {report['chosen']}: CV micro-F1 {best['micro_f1']:.3f}, macro-F1 {best['macro_f1']:.3f}; "
              f"model and card in {output}")


@command
def ilo(input: Path = typer.Argument(..., help="Coded segment JSONL."),
        output: Path = typer.Option(..., "--output", "-o", help="Per-interview JSONL to write.")) -> None:
    """Per interview: ILO forced-labour dimensions with evidence segments (an indication for review)."""
    from .classify.ilo import roll_up
    from .io import write_jsonl
    from .segments import read_segments
    rows = roll_up(read_segments(input))
    write_jsonl(output, rows)
    flagged = sum(r["indicative_of_forced_labour"] for r in rows)
    err.print(f"{len(rows)} interviews, {flagged} with indications of forced labour to review -> {output}")


@command
def suggest(input: Path = typer.Argument(..., help="Segment JSONL (segments with codes are skipped)."),
            output: Path = typer.Option(..., "--output", "-o", help="Ranked JSONL to write."),
            model: Optional[Path] = typer.Option(None, help="Code model directory (default: models/codes)."),
            top: int = typer.Option(50, help="How many segments to suggest.")) -> None:
    """Rank unannotated segments by model uncertainty: annotate these first."""
    from .classify.active import rank
    from .classify.model import CodeModel
    from .io import write_jsonl
    from .pipeline import default_model_dir
    from .segments import read_segments
    ranked = rank(CodeModel.load(model or default_model_dir()), list(read_segments(input)), top)
    write_jsonl(output, ranked)
    err.print(f"{len(ranked)} segments to annotate next -> {output}")


app.add_typer(ls_app, name="ls")
for stage in (agreement, dataset, quotes, serve):
    command(stage)

if __name__ == "__main__":
    app()
