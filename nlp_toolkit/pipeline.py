"""The tagger: segment records in, complete coded records out (lang, codes + scores, entities).

    tagger = Tagger()                 # default model in models/codes, all extractors
    coded = tagger.tag(records)       # plain dicts in, plain dicts out; other keys pass through
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .classify.ilo import interview_key
from .classify.model import CodeModel
from .corpus.langid import detect_language
from .errors import ToolkitError
from .extract.base import resolve_overlaps
from .registry import extractors
from .segments import year_of

DEFAULT_MODEL = Path(__file__).resolve().parent.parent / "models" / "codes"
EXTRACTOR_MODULES = {"money": "nlp_toolkit.extract.money", "actors": "nlp_toolkit.extract.actors",
                     "places": "nlp_toolkit.extract.places"}
DEFAULT_EXTRACTORS = ("money", "places", "actors")
# A statistical NER fallback for places (natasha's) costs ~20x the time and, on the real report pages,
# lowered LOC precision (eval/places.py): off by default, `--place-ner natasha|stanza` turns it on.
DEFAULT_CONFIG = {"places": {"ner_fallback": False}}
# When spans overlap, the longer wins; on a tie, money beats places beats actors.
LABEL_PRIORITY = {"MONEY": 3, "LOC": 2}


def default_model_dir() -> Path:
    return Path(os.environ.get("NLP_TOOLKIT_MODEL", DEFAULT_MODEL))


def make_extractor(name: str, **config):
    if name in EXTRACTOR_MODULES:
        importlib.import_module(EXTRACTOR_MODULES[name])
    return extractors.create(name, **config)


def place_ner_config(backend: str = "none", stanza_dir: str | os.PathLike | None = None) -> dict[str, dict]:
    """Tagger config for the places' NER fallback. stanza is checked here, once, before any worker
    starts: if it cannot load, one warning says why and natasha is used instead."""
    backend = "stanza" if stanza_dir and backend == "none" else backend
    if backend == "none":
        return {}
    if backend not in ("natasha", "stanza"):
        raise ToolkitError(f"--place-ner {backend!r}: use none, natasha or stanza")
    if backend == "stanza":
        from .extract import stanza_backend
        found = stanza_backend.problems(stanza_backend.stanza_dir(stanza_dir))
        if found:
            stanza_backend.warn(found)
            backend = "natasha"
    extra = {"stanza_dir": str(stanza_dir)} if backend == "stanza" and stanza_dir else {}
    return {"places": {"ner_fallback": True, "ner_backend": backend, **extra}}


def interview_batches(records: list[dict], size: int) -> Iterator[list[list[dict]]]:
    """Whole interviews (lists of their records, in input order) gathered into batches of about
    `size` records; an interview longer than `size` is a batch of its own."""
    interviews: dict[str, list[dict]] = {}
    for rec in records:
        interviews.setdefault(interview_key(rec), []).append(rec)
    batch: list[list[dict]] = []
    n = 0
    for recs in interviews.values():
        if batch and n + len(recs) > size:
            yield batch
            batch, n = [], 0
        batch.append(recs)
        n += len(recs)
    if batch:
        yield batch


class Tagger:
    """Language ID + code classifier + entity extractors, loaded once, applied to batches."""

    def __init__(self, model_dir: str | os.PathLike | None = None, extractor_names: Iterable[str] = DEFAULT_EXTRACTORS,
                 rates_path: str | os.PathLike | None = None, codes: bool = True,
                 config: dict[str, dict] | None = None) -> None:
        self.model = CodeModel.load(model_dir or default_model_dir()) if codes else None
        config = {**DEFAULT_CONFIG, **(config or {})}
        self.extractors = [make_extractor(n, **config.get(n, {})) for n in extractor_names]
        from .extract.rates import RateTable
        self.rates = RateTable.load(rates_path)

    def entities(self, texts: list[str], langs: list[str | None], years: list[int | None]) -> list[list[dict]]:
        """Entities of the segments of ONE interview, in order. Extractors with an `interview` method
        read the segments together (money: the interview's usual currency; actors: names met earlier)."""
        per_extractor = [ext.interview(texts, langs) if hasattr(ext, "interview") else
                         [ext(t, lang) for t, lang in zip(texts, langs)] for ext in self.extractors]
        out = []
        for found, year in zip(zip(*per_extractor), years):
            ents = resolve_overlaps([e for part in found for e in part], LABEL_PRIORITY)
            for e in ents:
                if e["label"] == "MONEY":
                    e.update(self.rates.normalise(e, year))
            out.append(ents)
        return out

    def tag(self, records: list[dict]) -> list[dict]:
        """Coded copies of `records` (each needs `id` and `text`); segments of one interview are read
        together, in the order given."""
        for rec in records:
            if not isinstance(rec.get("text"), str):
                raise ToolkitError(f"record {rec.get('id', '?')!r} has no 'text' string")
        out = [dict(rec) for rec in records]
        for batch in interview_batches(out, self.BATCH):
            for recs in batch:
                for rec in recs:
                    rec["lang"] = rec.get("lang") or detect_language(rec["text"])
                found = self.entities([r["text"] for r in recs], [r["lang"] for r in recs], [year_of(r) for r in recs])
                for rec, ents in zip(recs, found):
                    rec["entities"] = ents
            if self.model is not None:
                flat = [rec for recs in batch for rec in recs]
                codes, scores = self.model.predict([r["text"] for r in flat])
                for rec, c, s in zip(flat, codes, scores):
                    rec["codes"], rec["scores"] = c, s
                    rec["model_version"] = self.model.meta.get("trained_at", "")
        return out

    # Segments that pass through all stages before the next ones start: every stage normalises and
    # tokenises the same text, and text.py remembers the last 512 texts.
    BATCH = 256

    process = tag  # the engine's stage interface (nlp_toolkit.engine)

    def tag_stream(self, records: Iterable[dict], batch_size: int = 256) -> Iterator[dict]:
        batch: list[dict] = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= batch_size:
                yield from self.tag(batch)
                batch = []
        if batch:
            yield from self.tag(batch)
