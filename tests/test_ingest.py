"""`nlp-toolkit ingest` end to end: segments, metadata, provenance, bad files, privacy."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from conftest import KY_TRANSCRIPT, RU_TRANSCRIPT, write_transcript
from nlp_toolkit.text import fold

CLI = [sys.executable, "-m", "nlp_toolkit.cli"]


def run(*args, cwd=None):
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def read(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def corpus(tmp_path):
    d = tmp_path / "corpus"
    d.mkdir()
    write_transcript(d / "ru12.odt", RU_TRANSCRIPT)
    write_transcript(d / "ky04.txt", KY_TRANSCRIPT, "utf-8", "crlf")
    write_transcript(d / "ru13.txt", RU_TRANSCRIPT.replace("Интервью № 12", "Интервью № 13"), "cp1251")
    return d


def test_ingest_writes_one_segment_per_respondent_turn(corpus, tmp_path):
    out, key = tmp_path / "data" / "segments.jsonl", tmp_path / "keys" / "key.json"
    res = run("ingest", corpus, "-o", out, "--key", key)
    assert res.returncode == 0, res.stderr
    segs = read(out)
    assert [s["id"] for s in segs if s["interview_id"] == "ky04"] == ["ky04-s001", "ky04-s002"]
    ru = [s for s in segs if s["interview_id"] == "ru12"]
    assert len(ru) == 3 and all(s["lang"] == "ru" for s in ru)
    assert ru[0]["date"] == "2019-04-03" and ru[0]["place"] == "Алматы" and ru[0]["gender"] == "female"
    assert ru[0]["question"] == "Как вы оказались в Алматы?"
    assert (ru[0]["source_file"], ru[0]["line_start"], ru[0]["line_end"]) == ("ru12.odt", 12, 13)
    assert all(s["lang"] == "ky" for s in segs if s["interview_id"] == "ky04")
    # the cp1251 copy yields the same text as the odt one (compared before pseudonymisation,
    # which gives each interview its own pseudonyms)
    raw = tmp_path / "raw.jsonl"
    assert run("ingest", corpus, "-o", raw, "--no-pseudonymise").returncode == 0
    by_iv = {}
    for s in read(raw):
        by_iv.setdefault(s["interview_id"], []).append(s["text"])
    assert by_iv["ru13"] == by_iv["ru12"] and "Гульнара" in by_iv["ru12"][0]


def test_no_replaced_name_survives_in_the_export(corpus, tmp_path):
    out, key = tmp_path / "segments.jsonl", tmp_path / "keys" / "key.json"
    assert run("ingest", corpus, "-o", out, "--key", key).returncode == 0
    exported = fold(out.read_text(encoding="utf-8"))
    mapping = json.loads(key.read_text(encoding="utf-8"))
    real_names = {real for table in mapping.values() for real in table}
    assert {"жылдыз", "бакирова", "гульнара", "марат", "эрлан", "токтогулов", "айпери"} <= real_names
    for real in real_names:
        assert not re.search(rf"(?<!\w){re.escape(real[:-1])}", exported), real
    # the key lives apart from the export and is reused: a second run gives identical pseudonyms
    first = out.read_text(encoding="utf-8")
    assert run("ingest", corpus, "-o", out, "--key", key).returncode == 0
    assert out.read_text(encoding="utf-8") == first


def test_bad_files_are_all_reported_and_nothing_is_written(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "photo.docx").write_bytes(b"\x89PNG\r\n")
    (corpus / "notes.txt").write_text("Просто заметки без реплик.", encoding="utf-8")
    out = tmp_path / "segments.jsonl"
    res = run("ingest", corpus, "-o", out, "--key", tmp_path / "k.json")
    assert res.returncode != 0
    for name, reason in [("empty.txt", "empty file"), ("photo.docx", "not a valid .docx"),
                         ("notes.txt", "no recognisable speaker turns")]:
        assert name in res.stderr and reason in res.stderr
    assert not out.exists()
    res = run("ingest", corpus, "-o", out, "--key", tmp_path / "k.json", "--skip-bad")
    assert res.returncode == 0 and "skipped" in res.stderr
    assert {s["interview_id"] for s in read(out)} == {"ru12", "ky04", "ru13"}


def test_existing_output_is_kept_when_ingest_fails(corpus, tmp_path):
    out = tmp_path / "segments.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    (corpus / "bad.txt").write_bytes(b"\x00\x01\x02" * 100)
    assert run("ingest", corpus, "-o", out, "--key", tmp_path / "k.json").returncode != 0
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert list(tmp_path.glob(".segments.jsonl.*")) == []
