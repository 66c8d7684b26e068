"""What every command-line entry point shares: the stderr console and one-line user errors."""

from __future__ import annotations

import functools
from collections.abc import Callable

import typer
from rich.console import Console

from .errors import ToolkitError

err = Console(stderr=True)


def registrar(app: typer.Typer) -> Callable:
    """A decorator registering commands on `app` whose ToolkitErrors print one line and exit 2."""
    def register(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except ToolkitError as exc:
                err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
                raise typer.Exit(2) from None
        return app.command()(wrapper)
    return register


# Options shared by the commands that run through the engine (tag, extract, dataset).
ENGINE = typer.Option("local", help="local (processes on this machine) or dask (a LocalCluster, or --scheduler ADDRESS).")
PROCESSES = typer.Option(0, help="Worker processes (0: one per core, at most one per chunk).")
SCHEDULER = typer.Option(None, help="Address of an existing Dask scheduler.")
PLACE_NER = typer.Option("none", "--place-ner", help="Statistical NER adding places the gazetteer rules miss: none "
                         "(default: rules only), natasha (ships with the toolkit) or stanza (needs --stanza-dir).")
STANZA_DIR = typer.Option(None, "--stanza-dir", envvar="NLP_TOOLKIT_STANZA_DIR",
                          help="Directory of stanza's Russian models (made elsewhere with stanza.download('ru', "
                               "processors='tokenize,ner', model_dir=DIR)); implies --place-ner stanza. Needs "
                               "pip install 'nlp-toolkit[stanza]'; without it natasha is used, with a warning.")
