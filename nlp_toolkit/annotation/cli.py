"""`nlp-toolkit ls ...` (Label Studio) and `nlp-toolkit agreement`; mounted by nlp_toolkit/cli.py."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from ..cliutil import err, registrar
from ..errors import ToolkitError

ls_app = typer.Typer(add_completion=False, no_args_is_help=True,
                     help="Annotate in Label Studio: generate the config, run a server, push segments, pull annotations.")

ls_command = registrar(ls_app)


@ls_command
def config(output: Optional[Path] = typer.Option(None, "-o", "--output", help="Write the XML here (default: stdout)."),
           codebook: Optional[Path] = typer.Option(None, help="Codebook YAML (default: annotation/codebook.yaml).")) -> None:
    """Generate the labeling config from the codebook."""
    from ..codebook import load_codebook
    from ..io import atomic_write
    from .lsconfig import generate_config
    xml = generate_config(load_codebook(codebook))
    if output is None:
        typer.echo(xml, nl=False)
        return
    with atomic_write(output) as fh:
        fh.write(xml)
    err.print(f"wrote {output}")


@ls_command
def serve(data_dir: Path = typer.Option(Path("data/labelstudio"), help="Label Studio data directory (database, uploads)."),
          port: int = typer.Option(8080, help="Port on 127.0.0.1.")) -> None:
    """Start a local Label Studio with the user and token from LABEL_STUDIO_USERNAME/PASSWORD/API_KEY; Ctrl-C stops it."""
    from .server import ENV_PASSWORD, ENV_TOKEN, ENV_USER, start_server
    missing = [v for v in (ENV_USER, ENV_PASSWORD, ENV_TOKEN) if not os.environ.get(v)]
    if missing:
        raise ToolkitError(f"set {', '.join(missing)} before starting the server (see README)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # `kill` stops the server too, like Ctrl-C
    server = start_server(data_dir, os.environ[ENV_USER], os.environ[ENV_PASSWORD], os.environ[ENV_TOKEN], port)
    err.print(f"Label Studio ready at {server.url} (log: {server.log}); "
              f"export LABEL_STUDIO_URL={server.url}; Ctrl-C to stop")
    try:
        server.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


@ls_command
def push(segments: Path = typer.Argument(..., help="Segment JSONL to annotate."),
         project: str = typer.Option(..., "--project", help="Project title (created if missing)."),
         predictions: Optional[Path] = typer.Option(None, help="Tagged JSONL (from `tag`) to attach as predictions.")) -> None:
    """Import segments as tasks (idempotent: keyed by segment id) with model outputs as predictions."""
    from ..segments import read_segments
    from .labelstudio import connect, push as do_push
    recs = list(read_segments(segments))
    preds = list(read_segments(predictions, require_text=False)) if predictions else []
    stats = do_push(connect(), project, recs, preds)
    err.print(f"project {project!r}: {stats['tasks_new']} new tasks ({stats['tasks_total']} in all), "
              f"{stats['predictions_new']} new predictions")


@ls_command
def pull(project: str = typer.Option(..., "--project", help="Project title."),
         output: Path = typer.Option(..., "-o", "--output", help="Output file (.jsonl, or .spacy with --format spacy)."),
         format: str = typer.Option("jsonl", "--format", help="jsonl (segment records) or spacy (DocBin).")) -> None:
    """Turn annotations into segment records: one per annotator plus an adjudicated one when several."""
    from ..io import atomic_write, write_jsonl
    from .labelstudio import connect, pull as do_pull, to_docbin
    if format not in ("jsonl", "spacy"):
        raise ToolkitError(f"--format must be jsonl or spacy, not {format!r}")
    records = do_pull(connect(), project)
    if format == "jsonl":
        n = write_jsonl(output, records)
    else:
        db = to_docbin(records)
        with atomic_write(output, "wb") as fh:
            fh.write(db.to_bytes())
        n = len(db)
    err.print(f"wrote {n} records to {output}")


def agreement(annotations: Path = typer.Argument(..., help="Pulled annotations (JSONL from `ls pull`)."),
              output: Path = typer.Option(Path("agreement.csv"), "-o", "--output", help="CSV with every figure."),
              top: int = typer.Option(10, help="How many most-disputed segments to list.")) -> None:
    """Inter-annotator agreement: per-code kappa/alpha, per-label span F1, segments to adjudicate."""
    from ..io import read_jsonl
    from .agreement import compute, print_report, write_csv
    report = compute(list(read_jsonl(annotations)), top=top)
    write_csv(output, report)
    print_report(report, Console())
    err.print(f"wrote {output}")
