"""stanza's Russian NER as the places extractor's statistical backend, instead of natasha (optional).

stanza pulls in torch, so it is an optional extra (`pip install 'nlp-toolkit[stanza]'`), and its
models are never downloaded at run time: the user points the toolkit at a directory holding the
Russian models, fetched on another machine with

    stanza.download("ru", processors="tokenize,ner", model_dir=DIR)

(`--stanza-dir DIR` or the environment variable NLP_TOOLKIT_STANZA_DIR). When the package or the
models are missing, one warning line says which and how to fix it, and the caller uses natasha.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

from .base import chunks

log = logging.getLogger(__name__)

STANZA_DIR_ENV = "NLP_TOOLKIT_STANZA_DIR"
INSTALL_HINT = "pip install 'nlp-toolkit[stanza]'"
MODELS_HINT = (f"point --stanza-dir (or {STANZA_DIR_ENV}) at a directory holding the Russian models, downloaded "
               "elsewhere with stanza.download('ru', processors='tokenize,ner', model_dir=DIR)")

Locator = Callable[[str], list[tuple[int, int]]]


def stanza_dir(given: str | os.PathLike | None = None) -> Path | None:
    """The stanza models directory: the one given, else $NLP_TOOLKIT_STANZA_DIR, else none."""
    value = given if given not in (None, "") else os.environ.get(STANZA_DIR_ENV)
    return Path(value).expanduser() if value else None


def missing_model(directory: Path) -> str | None:
    """Why `directory` cannot serve stanza's Russian NER (None if it looks complete). stanza itself
    reads resources.json and ru/ner/<package>.pt there (stanza.download's layout)."""
    if not directory.is_dir():
        return f"{directory} is not a directory"
    resources = directory / "resources.json"
    try:
        known = json.loads(resources.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return f"{directory} has no readable resources.json"
    if not isinstance(known, dict) or "ru" not in known or not any((directory / "ru" / "ner").glob("*.pt")):
        return f"{directory} has no Russian NER model (ru/ner/*.pt)"
    return None


class StanzaLocations:
    """(start, end) of stanza's LOC spans in a text, tagged piece by piece."""

    def __init__(self, directory: Path) -> None:
        import stanza

        self.nlp = stanza.Pipeline(lang="ru", dir=str(directory), processors="tokenize,ner",
                                   download_method=None, use_gpu=False, logging_level="WARN")

    def __call__(self, text: str) -> list[tuple[int, int]]:
        out = []
        for offset, piece in chunks(text):
            if piece.strip():
                doc = self.nlp(piece)
                out.extend((offset + e.start_char, offset + e.end_char) for e in doc.ents if e.type == "LOC")
        return out


Problem = tuple[str, str]  # (what is wrong, how to fix it)


def problems(directory: Path | None) -> list[Problem]:
    """What keeps stanza's Russian NER from loading, found without importing it (torch takes seconds):
    a caller spawning workers can check once and warn once, before each worker would."""
    found = []
    if importlib.util.find_spec("stanza") is None:
        found.append(("the stanza package is not installed", INSTALL_HINT))
    if directory is None:
        found.append(("no stanza models directory given", MODELS_HINT))
    elif (reason := missing_model(directory)) is not None:
        found.append((reason, MODELS_HINT))
    return found


def warn(found: list[Problem]) -> None:
    """The one warning line: what is missing, that natasha is used instead, and what to do."""
    what = "; ".join(" ".join(p.split()) for p, _ in found)
    log.warning("stanza NER not used, natasha instead: %s. To use it: %s.", what,
                "; ".join(dict.fromkeys(h for _, h in found)))


@functools.lru_cache(maxsize=8)
def load_stanza(directory: Path | None) -> Locator | None:
    """stanza's LOC locator for `directory`, or None after ONE warning line (per directory and process);
    the caller then uses natasha."""
    found = problems(directory)
    if not found:
        try:
            return StanzaLocations(directory)
        except ImportError as exc:  # a dependency under stanza (torch)
            found = [(f"stanza cannot be imported ({exc})", INSTALL_HINT)]
        except Exception as exc:  # noqa: BLE001 - stanza raises many kinds; any of them means "use natasha"
            found = [(f"stanza could not load the Russian NER model from {directory} ({type(exc).__name__}: {exc})",
                      MODELS_HINT)]
    warn(found)
    return None
