"""Read a transcript file (txt in any encoding, docx, odt) into plain text with LF line breaks.

Every failure is a ToolkitError naming the file and the reason, so `ingest` can list all bad
files at once.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import ToolkitError

SUFFIXES = (".txt", ".docx", ".odt")
_ODT_TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_ODT_PARAS = {(_ODT_TEXT_NS, "p"), (_ODT_TEXT_NS, "h")}


@dataclass(frozen=True)
class Document:
    path: Path
    text: str  # LF line breaks
    encoding: str  # detected encoding for txt, the container format otherwise


def _bad(path: Path, reason: str) -> ToolkitError:
    return ToolkitError(f"{path}: {reason}")


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _bad(path, "binary file (contains NUL bytes), not a text transcript")
    for enc in ("utf-8-sig",):
        try:
            return raw.decode(enc), "utf-8"
        except UnicodeDecodeError:
            pass
    best = from_bytes(raw).best()
    if best is None or best.encoding is None:
        raise _bad(path, "cannot detect the text encoding (save it as UTF-8 and retry)")
    text = str(best)
    letters = [ch for ch in text if ch.isalpha()]
    expected = sum(1 for ch in letters if ch < "\u0530")  # Latin and Cyrillic: the scripts of our transcripts
    if len(letters) < 0.4 * max(1, len(text.strip())) or expected < 0.8 * len(letters):
        raise _bad(path, f"undecodable text (the best guess, {best.encoding}, gives no Cyrillic or Latin text; "
                         "save the file as UTF-8)")
    return text, best.encoding


def _read_docx(path: Path) -> str:
    import docx
    try:
        with zipfile.ZipFile(path) as zf:
            if "word/document.xml" not in zf.namelist():
                raise _bad(path, "a zip archive but not a Word document (no word/document.xml)")
    except zipfile.BadZipFile:
        raise _bad(path, "not a valid .docx (not a zip archive)") from None
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises several unrelated types for broken packages
        raise _bad(path, f"cannot read Word document ({exc.__class__.__name__}: {exc})") from None
    return "\n".join(p.text for p in document.paragraphs)


def _read_odt(path: Path) -> str:
    from odf import teletype
    from odf.opendocument import load
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            mime = zf.read("mimetype").decode("ascii", "replace").strip() if "mimetype" in names else ""
            if "content.xml" not in names or "opendocument.text" not in mime:
                raise _bad(path, "a zip archive but not an OpenDocument text (.odt)")
    except zipfile.BadZipFile:
        raise _bad(path, "not a valid .odt (not a zip archive)") from None
    try:
        doc = load(str(path))
    except Exception as exc:
        raise _bad(path, f"cannot read OpenDocument text ({exc.__class__.__name__}: {exc})") from None
    return "\n".join(teletype.extractText(n) for n in _walk(doc.text) if getattr(n, "qname", None) in _ODT_PARAS)


def _walk(node):
    """Elements in document order (getElementsByType would group paragraphs and headings apart)."""
    for child in node.childNodes:
        yield child
        if getattr(child, "qname", None) not in _ODT_PARAS:
            yield from _walk(child)


def read_document(path: str | Path) -> Document:
    """Plain text of a transcript; raises ToolkitError for empty, binary, undecodable or broken files."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise _bad(path, f"unsupported file type {suffix or '(none)'} (supported: {', '.join(SUFFIXES)})")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad(path, f"cannot read ({exc.strerror})") from None
    if not raw.strip():
        raise _bad(path, "empty file")
    if suffix == ".txt":
        text, encoding = _decode(path, raw)
    elif suffix == ".docx":
        text, encoding = _read_docx(path), "docx"
    else:
        text, encoding = _read_odt(path), "odt"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _bad(path, "no text in the document")
    return Document(path=path, text=text, encoding=encoding)
