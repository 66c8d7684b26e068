"""Build the demo corpus and its gold from marked-up authoring sources.

    python -m nlp_toolkit.annotation.gold SOURCE_DIR CORPUS_DIR GOLD_DIR

For each `SOURCE_DIR/*.md` (see `markup.py`): the plain transcript is rendered into CORPUS_DIR in
the format its `%% file:` directive names (txt in a given encoding/newline style, docx or odt),
then ingested exactly as users ingest it (pseudonymised with a fresh key), and the inline spans
and codes are carried onto the ingested segments. The gold therefore shows what annotators see,
and its ids are the ids `nlp-toolkit ingest` gives.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

from ..codebook import load_codebook
from ..corpus.ingest import ingest_file
from ..corpus.pseudonymise import Pseudonymiser, PseudonymKey
from ..corpus.render import render_lines
from ..errors import ToolkitError
from ..io import write_jsonl
from ..segments import record_problems
from .markup import MarkedFile, parse_marked_file


def _line_offsets(mf: MarkedFile, rec: dict) -> dict[int, int]:
    """Line index -> offset of that line's first character inside the (raw) turn text."""
    first, last = rec["line_start"] - 1, rec["line_end"] - 1
    offsets: dict[int, int] = {}
    text = rec["text"]
    pos = 0
    for i in range(first, last + 1):
        line = mf.lines[i]
        content = line.split(":", 1)[1] if i == first else line
        content = content.strip()
        if not content:
            continue
        at = text.index(content, pos)
        offsets[i] = at - line.index(content)
        pos = at + len(content)
    return offsets


_TOKEN = re.compile(r"\w+|\W")


def _opcodes(raw: str, pseudo: str) -> list[tuple]:
    """Alignment of a raw turn and its pseudonymised text, word by word, as character ranges.

    Pseudonyms replace whole words; a character diff pairs letters across two adjacent replaced
    names ("Бахтияр Салтанатка") and misplaces the spans on them."""
    ta = [(m.start(), m.end()) for m in _TOKEN.finditer(raw)]
    tb = [(m.start(), m.end()) for m in _TOKEN.finditer(pseudo)]

    def at(tokens: list[tuple[int, int]], i: int, text: str) -> int:
        return tokens[i][0] if i < len(tokens) else len(text)

    sm = difflib.SequenceMatcher(None, [raw[s:e] for s, e in ta], [pseudo[s:e] for s, e in tb], autojunk=False)
    return [(tag, at(ta, i1, raw), at(ta, i2, raw), at(tb, j1, pseudo), at(tb, j2, pseudo))
            for tag, i1, i2, j1, j2 in sm.get_opcodes()]


def _map_offset(ops: list[tuple], pos: int, end: bool) -> int:
    """Position in the raw text -> position in the pseudonymised text."""
    for tag, a0, a1, b0, b1 in ops:
        if a0 <= pos < a1 or (end and a0 < pos <= a1):
            return b0 + (pos - a0) if tag == "equal" else (b1 if end else b0)
    return ops[-1][4] if ops else pos


DECLARED_LANG = {"русский": "ru", "орусча": "ru", "кыргызча": "ky", "кыргызский": "ky", "кыргыз тили": "ky"}


def _turn_value(table: dict[int, object], rec: dict, default):
    return next((v for i, v in table.items() if rec["line_start"] - 1 <= i <= rec["line_end"] - 1), default)


def carry_annotations(mf: MarkedFile, raw: list[dict], pseudo: list[dict]) -> list[dict]:
    """Gold records: pseudonymised segments with the source's spans, codes and language on them."""
    gold = []
    for r, p in zip(raw, pseudo):
        ops = _opcodes(r["text"], p["text"])
        ents = []
        for i, offset in _line_offsets(mf, r).items():
            for e in mf.entities.get(i, []):
                s = _map_offset(ops, e["start"] + offset, end=False)
                t = _map_offset(ops, e["end"] + offset, end=True)
                ents.append({**e, "start": s, "end": t, "text": p["text"][s:t]})
        declared = DECLARED_LANG.get((r.get("language") or "").strip().lower(), "mixed")
        gold.append({**p, "lang": _turn_value(mf.langs, r, declared), "codes": _turn_value(mf.codes, r, []),
                     "entities": sorted(ents, key=lambda e: e["start"])})
    return gold


def build(source_dir: Path, corpus_dir: Path, gold_dir: Path) -> dict[str, int]:
    cb = load_codebook()
    stats = {"interviews": 0, "segments": 0}
    for src in sorted(source_dir.glob("*.md")):
        mf = parse_marked_file(src, cb)
        name = mf.directives.get("file")
        if not name:
            raise ToolkitError(f"{src}: missing '%% file:' directive")
        target = corpus_dir / name
        render_lines(mf.lines, target, mf.directives.get("encoding", "utf-8"), mf.directives.get("newline", "lf"))
        raw = ingest_file(target, None)
        pseudo = ingest_file(target, Pseudonymiser(PseudonymKey()))
        if [r["id"] for r in raw] != [p["id"] for p in pseudo]:
            raise ToolkitError(f"{src}: segments differ between raw and pseudonymised ingest")
        gold = carry_annotations(mf, raw, pseudo)
        for rec in gold:
            problems = record_problems(rec, cb)
            if problems:
                raise ToolkitError(f"{src} ({rec['id']}): {'; '.join(problems)}")
        annotated = sum(1 for i in mf.codes) + sum(len(v) for v in mf.entities.values())
        carried = sum(len(g["codes"]) > 0 for g in gold) + sum(len(g["entities"]) for g in gold)
        if carried != annotated:
            raise ToolkitError(f"{src}: {annotated} annotations in the source but {carried} on segments "
                               "(is a span or @codes outside a respondent turn?)")
        write_jsonl(gold_dir / f"{target.stem}.jsonl", gold)
        stats["interviews"] += 1
        stats["segments"] += len(gold)
    return stats


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        stats = build(*(Path(a) for a in args))
    except ToolkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"built {stats['interviews']} interviews, {stats['segments']} gold segments", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
