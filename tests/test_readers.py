"""Readers: every format and encoding gives the same text; bad files give one clear error."""

from __future__ import annotations

import zipfile

import pytest

from conftest import RU_TRANSCRIPT, write_transcript
from nlp_toolkit.corpus.readers import read_document
from nlp_toolkit.errors import ToolkitError


@pytest.mark.parametrize("name,encoding,newline", [
    ("a.txt", "utf-8", "lf"), ("b.txt", "cp1251", "lf"), ("c.txt", "utf-8", "crlf"), ("d.txt", "cp1251", "crlf"),
    ("e.txt", "utf-16", "lf"), ("f.docx", "utf-8", "lf"), ("g.odt", "utf-8", "lf"),
])
def test_every_format_and_encoding_reads_the_same_text(tmp_path, name, encoding, newline):
    path = write_transcript(tmp_path / name, RU_TRANSCRIPT, encoding, newline)
    doc = read_document(path)
    assert doc.text.rstrip("\n") == RU_TRANSCRIPT.rstrip("\n")
    assert "\r" not in doc.text


def test_cp1251_is_detected_as_such(tmp_path):
    path = write_transcript(tmp_path / "x.txt", RU_TRANSCRIPT, "cp1251")
    assert read_document(path).encoding.replace("_", "").lower() in {"cp1251", "windows1251"}


def test_utf8_bom_is_dropped(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + RU_TRANSCRIPT.encode())
    assert read_document(path).text.startswith("Интервью")


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "empty file"),
    ("binary.txt", bytes(range(256)) * 8, "binary"),
    ("fake.docx", b"this is not a zip", "not a valid .docx"),
    ("fake.odt", b"PK\x03\x04garbage", "not a valid .odt"),
    ("notes.pdf", b"%PDF-1.4", "unsupported file type"),
])
def test_bad_files_raise_one_clear_error(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ToolkitError) as exc:
        read_document(path)
    assert str(path) in str(exc.value) and reason in str(exc.value)


def test_docx_that_is_a_zip_of_something_else(tmp_path):
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("img/1.jpg", b"\xff\xd8\xff")
    with pytest.raises(ToolkitError, match="not a Word document"):
        read_document(path)


def test_odt_that_is_a_zip_of_something_else(tmp_path):
    path = tmp_path / "archive.odt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ToolkitError, match="not an OpenDocument text"):
        read_document(path)


def test_undecodable_bytes_are_rejected(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([0x81, 0x8d, 0x8f, 0x90, 0x9d]) * 400)
    with pytest.raises(ToolkitError, match=str(path)):
        read_document(path)
