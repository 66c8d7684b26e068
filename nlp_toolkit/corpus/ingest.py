"""Transcripts -> segment records: read, split into turns, detect language, pseudonymise.

One segment per respondent turn, with the interviewer's preceding question as context and the
interview metadata and provenance (file, line range) on every record.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..errors import ToolkitError
from ..segments import write_segments
from .langid import detect_language
from .pseudonymise import Pseudonymiser, PseudonymKey
from .readers import SUFFIXES, read_document
from .transcript import parse_transcript

log = logging.getLogger(__name__)
META_FIELDS = ("gender", "age", "home_region", "place", "date", "sector", "language")


def interview_id(path: Path) -> str:
    """Stable interview id from the file name (ru01.docx -> ru01)."""
    return re.sub(r"[^\w\-]+", "_", path.stem).strip("_") or "interview"


def find_transcripts(inputs: Iterable[str | os.PathLike]) -> list[Path]:
    """Transcript files named directly or found under directories (hidden files skipped)."""
    found: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUFFIXES
                                and not any(part.startswith(".") for part in f.relative_to(p).parts)))
        elif p.exists():
            found.append(p)
        else:
            raise ToolkitError(f"{p}: no such file or directory")
    return found


def ingest_file(path: Path, pseudonymiser: Pseudonymiser | None) -> list[dict]:
    """Segment records of one transcript; raises ToolkitError for unreadable or turn-less files."""
    doc = read_document(path)
    tr = parse_transcript(doc.text, str(path))
    iid = interview_id(path)
    meta = {k: tr.meta[k] for k in META_FIELDS if tr.meta.get(k) is not None}
    respondent = tr.meta.get("pseudonym") or tr.meta.get("respondent")
    interviewer = tr.meta.get("interviewer")
    if pseudonymiser is not None:
        pseudonymiser.reserve(iid, doc.text)
        if tr.meta.get("respondent"):
            respondent = pseudonymiser.register(iid, tr.meta["respondent"], tr.meta.get("pseudonym")).split()[0]
        if interviewer:
            interviewer = pseudonymiser.register(iid, interviewer)
    records: list[dict] = []
    question = ""
    for i, turn in enumerate(tr.turns):
        if turn.speaker == "interviewer":
            question = turn.text
            continue
        if not turn.text:
            continue
        text = turn.text
        lang = detect_language(text)
        q = question
        if pseudonymiser is not None:
            text = pseudonymiser(text, iid, lang)
            q = pseudonymiser(q, iid, detect_language(q)) if q else q
        records.append({
            "id": f"{iid}-s{len(records) + 1:03d}",
            "interview_id": iid,
            "turn": i + 1,
            "speaker": "respondent",
            "respondent": respondent,
            "interviewer": interviewer,
            **meta,
            "lang": lang,
            "text": text,
            "question": q,
            "source_file": path.name,
            "line_start": turn.first_line,
            "line_end": turn.last_line,
        })
    if pseudonymiser is not None:
        for rec in records:
            leaked = pseudonymiser.leaks(rec["text"] + "\n" + rec["question"], iid)
            if leaked:  # a bug, never acceptable output
                raise ToolkitError(f"{path}: pseudonymisation left names in {rec['id']}: refusing to write")
    return records


def ingest(inputs: Iterable[str | os.PathLike], out: str | os.PathLike, key_path: str | os.PathLike | None,
           skip_bad: bool = False, pseudonymise: bool = True, progress: bool = True) -> tuple[int, list[str]]:
    """Ingest transcripts into one JSONL file; returns (segments written, problems with skipped files).

    With problems and not `skip_bad`, nothing is written and a ToolkitError lists every bad file.
    """
    from tqdm import tqdm

    files = find_transcripts(inputs)
    if not files:
        raise ToolkitError(f"no transcripts ({', '.join(SUFFIXES)}) found in {', '.join(map(str, inputs))}")
    key = PseudonymKey.load(key_path) if pseudonymise else None
    pseudonymiser = Pseudonymiser(key) if key is not None else None
    records: list[dict] = []
    problems: list[str] = []
    for path in tqdm(files, desc="ingest", unit="file", disable=not progress):
        try:
            records.extend(ingest_file(path, pseudonymiser))
        except ToolkitError as exc:
            problems.append(str(exc))
    if problems and not skip_bad:
        raise ToolkitError(f"{len(problems)} bad file(s), nothing written (use --skip-bad to write the good ones):\n  "
                           + "\n  ".join(problems))
    n = write_segments(out, records)
    if key is not None:
        key.save()
    return n, problems
