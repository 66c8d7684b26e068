"""Inline markup for writing gold annotations by hand, as plain text.

A span is written ``[surface|LABEL|attr|attr...]`` with positional attributes:

* actors:  ``[посредник|INTERMEDIARY]``
* places:  ``[Оша|LOC|Ош|KG|city]``               (norm, country or -, kind)
* money:   ``[15 тысяч сом|MONEY|15000|15000|KGS|fee]``  (low, high, currency, role)

A line ``@codes id id ...`` after a respondent turn gives that turn's codes, ``@lang ru|ky|mixed``
its language where the file's header does not settle it (mixed interviews). Lines starting
with ``%%`` are directives for the file as a whole (``%% file: ru01.docx``).
`strip` turns marked-up text into the plain text plus entity dicts with exact offsets, so
gold is never typed with hand-counted offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..codebook import Codebook, load_codebook
from ..errors import ToolkitError
from ..segments import LANGS, entity_problems

SPAN_RE = re.compile(r"\[([^\[\]|]+)\|([A-Z_]+)((?:\|[^\[\]|]*)*)\]")


def _number(value: str, where: str) -> int | float:
    try:
        num = float(value.replace(" ", "").replace(",", "."))
    except ValueError:
        raise ToolkitError(f"{where}: {value!r} is not a number") from None
    return int(num) if num.is_integer() else num


def _attrs(label: str, fields: list[str], where: str) -> dict:
    if label == "LOC":
        if len(fields) != 3:
            raise ToolkitError(f"{where}: LOC needs |norm|country|kind, got {fields}")
        norm, country, kind = fields
        return {"norm": norm, "country": None if country in ("", "-") else country, "kind": kind}
    if label == "MONEY":
        if len(fields) != 4:
            raise ToolkitError(f"{where}: MONEY needs |low|high|currency|role, got {fields}")
        low, high, currency, role = fields
        return {"low": _number(low, where), "high": _number(high, where), "currency": currency, "role": role}
    if fields:
        raise ToolkitError(f"{where}: {label} takes no attributes, got {fields}")
    return {}


def strip(marked: str, where: str = "", cb: Codebook | None = None) -> tuple[str, list[dict]]:
    """Plain text and entity dicts (offsets into the plain text) from marked-up text."""
    cb = cb or load_codebook()
    out: list[str] = []
    ents: list[dict] = []
    pos = 0
    length = 0
    for m in SPAN_RE.finditer(marked):
        before = marked[pos:m.start()]
        out.append(before)
        length += len(before)
        surface, label = m.group(1), m.group(2)
        cb.check_label(label, where)
        fields = m.group(3).split("|")[1:] if m.group(3) else []
        ent = {"start": length, "end": length + len(surface), "text": surface, "label": label,
               **_attrs(label, fields, where)}
        out.append(surface)
        length += len(surface)
        ents.append(ent)
        pos = m.end()
    out.append(marked[pos:])
    text = "".join(out)
    if "[" in text and "|" in text and re.search(r"\[[^\]]*\|", text):
        raise ToolkitError(f"{where}: malformed span markup left in text: {text!r}")
    for ent in ents:
        problems = entity_problems(text, ent, cb)
        if problems:
            raise ToolkitError(f"{where}: {'; '.join(problems)}")
    return text, ents


@dataclass
class MarkedFile:
    """An authoring file: directives, the plain transcript lines, and per-line annotations."""

    directives: dict[str, str]
    lines: list[str]  # plain text lines of the transcript, markup removed
    entities: dict[int, list[dict]] = field(default_factory=dict)  # line index -> entities on that line
    codes: dict[int, list[str]] = field(default_factory=dict)  # index of the turn's last line -> codes
    langs: dict[int, str] = field(default_factory=dict)  # index of the turn's last line -> gold language


def parse_marked_file(path, cb: Codebook | None = None) -> MarkedFile:
    """Read an authoring file; every problem names the file and line."""
    cb = cb or load_codebook()
    directives: dict[str, str] = {}
    mf = MarkedFile(directives, [])
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            where = f"{path}:{n}"
            if line.startswith("%%"):
                key, _, value = line[2:].partition(":")
                directives[key.strip()] = value.strip()
                continue
            if line.startswith(("@codes", "@lang")):
                if not mf.lines:
                    raise ToolkitError(f"{where}: {line.split()[0]} before any transcript line")
                last = len(mf.lines) - 1
                while last > 0 and not mf.lines[last].strip():
                    last -= 1
                values = line.split()[1:]
                if line.startswith("@lang"):
                    if len(values) != 1 or values[0] not in LANGS:
                        raise ToolkitError(f"{where}: @lang takes one of {', '.join(LANGS)}")
                    mf.langs[last] = values[0]
                    continue
                for c in values:
                    cb.check_code(c, where)
                mf.codes[last] = values
                continue
            text, ents = strip(line, where, cb)
            _check_encodable(text, directives.get("encoding", "utf-8"), where)
            if ents:
                mf.entities[len(mf.lines)] = ents
            mf.lines.append(text)
    return mf


def _check_encodable(text: str, encoding: str, where: str) -> None:
    """The rendered transcript is written in the file's `%% encoding`: say so here, not as a crash there."""
    try:
        text.encode(encoding)
    except LookupError:
        raise ToolkitError(f"{where}: unknown %% encoding {encoding!r}") from None
    except UnicodeEncodeError as exc:
        raise ToolkitError(f"{where}: {text[exc.start:exc.end]!r} cannot be written in {encoding} (the file's "
                           "%% encoding); use other letters or another encoding") from None


def main(argv: list[str] | None = None) -> int:
    """`python -m nlp_toolkit.annotation.markup FILE...`: check authoring files, print a summary."""
    import sys
    from collections import Counter

    cb = load_codebook()
    status = 0
    for path in argv if argv is not None else sys.argv[1:]:
        try:
            mf = parse_marked_file(path, cb)
        except ToolkitError as exc:
            print(f"ERROR {exc}")
            status = 1
            continue
        labels = Counter(e["label"] for es in mf.entities.values() for e in es)
        codes = Counter(c for cs in mf.codes.values() for c in cs)
        print(f"{path}: {len(mf.lines)} lines, {len(mf.codes)} coded turns, entities {dict(labels)}, codes {dict(codes)}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
