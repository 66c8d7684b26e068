"""The optional stanza NER backend of the places extractor: one warning and natasha when stanza or its
Russian models are missing, never a download, and stanza's LOC spans used when it loads (a stand-in
module plays stanza here: the real one pulls in torch and is not installed in CI)."""

from __future__ import annotations

import importlib.machinery
import json
import logging
import re
import sys
import types
from pathlib import Path

import pytest

from nlp_toolkit.errors import ToolkitError
from nlp_toolkit.extract import stanza_backend
from nlp_toolkit.extract.places import PlaceExtractor
from nlp_toolkit.extract.stanza_backend import STANZA_DIR_ENV, load_stanza

TEXT = "Мы жили в Бишкеке, потом я уехал работать в Воркуту, там было холодно."
INSTALL = "pip install 'nlp-toolkit[stanza]'"


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    """Each test loads stanza anew (the loader remembers its answer per directory and process)."""
    monkeypatch.delenv(STANZA_DIR_ENV, raising=False)
    load_stanza.cache_clear()
    yield
    load_stanza.cache_clear()


@pytest.fixture(scope="module")
def natasha_result() -> list[dict]:
    return PlaceExtractor(ner_fallback=True, ner_backend="natasha")(TEXT, "ru")


def model_dir(root: Path, ner: bool = True) -> Path:
    """A directory laid out as stanza.download(model_dir=...) leaves it (empty model files)."""
    (root / "ru" / "tokenize").mkdir(parents=True)
    (root / "ru" / "tokenize" / "syntagrus.pt").write_bytes(b"")
    if ner:
        (root / "ru" / "ner").mkdir()
        (root / "ru" / "ner" / "wikiner.pt").write_bytes(b"")
    (root / "resources.json").write_text(json.dumps({"ru": {"lang_name": "Russian"}}), encoding="utf-8")
    return root


def warnings_of(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == stanza_backend.__name__ and r.levelno == logging.WARNING]


class FakePipeline:
    """Tags capitalised words ending in -уту/-уте as LOC and the word Иван as PER, like a NER would."""

    calls: list[dict] = []
    texts: list[str] = []

    def __init__(self, **kwargs) -> None:
        FakePipeline.calls.append(kwargs)

    def __call__(self, text: str) -> types.SimpleNamespace:
        FakePipeline.texts.append(text)
        ents = [types.SimpleNamespace(type="LOC", start_char=m.start(), end_char=m.end())
                for m in re.finditer(r"[А-Я]\w+ут[уе]\b", text)]
        ents += [types.SimpleNamespace(type="PER", start_char=m.start(), end_char=m.end())
                 for m in re.finditer(r"Иван", text)]
        return types.SimpleNamespace(ents=ents)


@pytest.fixture
def fake_stanza(monkeypatch):
    module = types.ModuleType("stanza")
    module.__spec__ = importlib.machinery.ModuleSpec("stanza", None)
    module.Pipeline = FakePipeline
    FakePipeline.calls, FakePipeline.texts = [], []
    monkeypatch.setitem(sys.modules, "stanza", module)
    return module


def test_missing_package_warns_once_and_uses_natasha(tmp_path, monkeypatch, caplog, natasha_result):
    monkeypatch.setitem(sys.modules, "stanza", None)  # import stanza fails, as when it is not installed
    ext = PlaceExtractor(ner_fallback=True, ner_backend="stanza", stanza_dir=model_dir(tmp_path))
    [message] = warnings_of(caplog)
    assert "stanza package is not installed" in message and INSTALL in message and "natasha" in message
    assert "\n" not in message
    assert ext.stanza is None
    assert ext(TEXT, "ru") == natasha_result
    assert [(e["text"], e["source"]) for e in natasha_result] == [("Бишкеке", "gazetteer"), ("Воркуту", "ner")]


@pytest.mark.parametrize("make, reason", [
    (lambda root: root, "no readable resources.json"),
    (lambda root: model_dir(root, ner=False), "no Russian NER model"),
    (lambda root: root / "nowhere", "is not a directory"),
])
def test_directory_without_russian_ner_warns_once_and_uses_natasha(tmp_path, caplog, fake_stanza, natasha_result,
                                                                   make, reason):
    ext = PlaceExtractor(ner_fallback=True, stanza_dir=make(tmp_path))  # a directory given: stanza is asked for
    [message] = warnings_of(caplog)
    assert reason in message and "--stanza-dir" in message and "stanza.download('ru'" in message
    assert INSTALL not in message  # the package is there (the stand-in)
    assert FakePipeline.calls == []  # stanza never started on an incomplete directory (it would try to download)
    assert ext(TEXT, "ru") == natasha_result


def test_stanza_asked_for_without_a_directory(caplog, fake_stanza, natasha_result):
    ext = PlaceExtractor(ner_fallback=True, ner_backend="stanza")
    [message] = warnings_of(caplog)
    assert "no stanza models directory given" in message and "NLP_TOOLKIT_STANZA_DIR" in message
    assert ext(TEXT, "ru") == natasha_result


def test_pipeline_error_warns_once_and_uses_natasha(tmp_path, caplog, fake_stanza, natasha_result):
    def broken(**kwargs):
        raise FileNotFoundError(2, "No such file", str(tmp_path / "ru" / "pretrain" / "conll17.pt"))
    fake_stanza.Pipeline = broken
    ext = PlaceExtractor(ner_fallback=True, stanza_dir=model_dir(tmp_path))
    [message] = warnings_of(caplog)
    assert "could not load" in message and "FileNotFoundError" in message and "--stanza-dir" in message
    assert ext(TEXT, "ru") == natasha_result


def test_one_warning_per_directory_however_many_extractors(tmp_path, caplog):
    for _ in range(3):
        PlaceExtractor(ner_fallback=True, ner_backend="stanza", stanza_dir=tmp_path)
    assert len(warnings_of(caplog)) == 1


def test_no_warning_when_not_asked_for(tmp_path, caplog):
    PlaceExtractor(ner_fallback=True)  # natasha by default
    PlaceExtractor(ner_fallback=False, stanza_dir=tmp_path)  # no NER at all: stanza never loaded
    PlaceExtractor(ner_fallback=True, ner_backend="natasha", stanza_dir=tmp_path)
    assert warnings_of(caplog) == []


def test_stanza_spans_are_used_and_never_downloaded(tmp_path, caplog, fake_stanza, monkeypatch):
    monkeypatch.setattr("nlp_toolkit.extract.places.natasha_locations", lambda text: pytest.fail("natasha ran"))
    directory = model_dir(tmp_path)
    ext = PlaceExtractor(ner_fallback=True, stanza_dir=directory)
    assert warnings_of(caplog) == []
    [call] = FakePipeline.calls
    assert call["lang"] == "ru" and call["dir"] == str(directory) and call["processors"] == "tokenize,ner"
    assert "download_method" in call and call["download_method"] is None
    ents = ext("Иван жил в Бишкеке, потом уехал в Воркуту.", "ru")
    assert [(e["text"], e["norm"], e["source"]) for e in ents] == [("Бишкеке", "Бишкек", "gazetteer"),
                                                                   ("Воркуту", "Воркута", "ner")]


def test_environment_variable_names_the_directory(tmp_path, monkeypatch, fake_stanza):
    monkeypatch.setenv(STANZA_DIR_ENV, str(model_dir(tmp_path)))
    assert PlaceExtractor(ner_fallback=True).stanza is not None
    assert FakePipeline.calls[0]["dir"] == str(tmp_path)


def test_long_text_is_tagged_in_pieces_with_exact_offsets(tmp_path, fake_stanza):
    locate = load_stanza(model_dir(tmp_path))
    filler = "Работали без выходных, жили в бараке. " * 300
    text = f"Сначала в Воркуте. {filler}Потом\u00a0в Якутуте.\n{filler}И снова в Воркуте."
    spans = locate(text)
    assert len(FakePipeline.texts) > 2 and "".join(FakePipeline.texts) == text
    assert [text[s:e] for s, e in spans] == ["Воркуте", "Якутуте", "Воркуте"]


def test_blank_pieces_are_not_sent(tmp_path, fake_stanza):
    assert load_stanza(model_dir(tmp_path))("") == []
    assert FakePipeline.texts == []


def test_unknown_backend_is_an_error():
    with pytest.raises(ToolkitError, match="unknown NER backend 'spacy'.*natasha, stanza"):
        PlaceExtractor(ner_backend="spacy")


def test_problems_are_found_without_loading_stanza(tmp_path, fake_stanza, caplog):
    """What a command checks once before starting workers (each would otherwise warn)."""
    assert stanza_backend.problems(model_dir(tmp_path / "ok")) == []
    [(reason, hint)] = stanza_backend.problems(tmp_path / "missing")
    assert "is not a directory" in reason and "stanza.download" in hint
    assert FakePipeline.calls == [] and warnings_of(caplog) == []


def test_cli_stanza_dir_without_models_warns_once_and_uses_natasha(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from nlp_toolkit.io import read_jsonl, write_jsonl
    cli = Path(sys.executable).parent / "nlp-toolkit"
    write_jsonl(tmp_path / "in.jsonl", [{"id": f"s{i}", "interview_id": "i", "text": "Мы жили в Чолпон-Ате, потом в Москве."}
                                        for i in range(3)])
    (tmp_path / "models").mkdir()
    res = subprocess.run([str(cli), "extract", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"),
                          "--stanza-dir", str(tmp_path / "models"), "--processes", "2"],
                         capture_output=True, text=True, env={"COLUMNS": "400", "PATH": ""})
    assert res.returncode == 0, res.stderr
    assert res.stderr.count("stanza NER not used, natasha instead") == 1
    assert "pip install 'nlp-toolkit[stanza]'" in res.stderr
    assert all({e["norm"] for e in r["entities"]} >= {"Москва"} for r in read_jsonl(tmp_path / "out.jsonl"))
