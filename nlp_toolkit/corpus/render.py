"""Write transcript lines as txt (any encoding, LF or CRLF), docx or odt: the formats teams receive."""

from __future__ import annotations

from pathlib import Path

from ..errors import ToolkitError
from ..io import atomic_write


def render_lines(lines: list[str], path: Path, encoding: str = "utf-8", newline: str = "lf") -> None:
    """Write the plain transcript lines to `path` as txt, docx or odt (atomically)."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        eol = "\r\n" if newline.lower() == "crlf" else "\n"
        data = eol.join(lines).rstrip() + eol
        with atomic_write(path, "wb") as fh:
            fh.write(data.encode(encoding))
    elif suffix == ".docx":
        import docx
        document = docx.Document()
        for line in lines:
            document.add_paragraph(line)
        with atomic_write(path, "wb") as fh:
            document.save(fh)
    elif suffix == ".odt":
        from odf.opendocument import OpenDocumentText
        from odf.text import P
        document = OpenDocumentText()
        for line in lines:
            document.text.addElement(P(text=line))
        with atomic_write(path, "wb") as fh:
            document.write(fh)
    else:
        raise ToolkitError(f"{path}: cannot render {suffix} (use .txt, .docx or .odt)")
