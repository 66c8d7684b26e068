"""Codebook loading/validation, segment validation, the `validate` command, gold markup."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, SHARED
from nlp_toolkit.annotation.markup import parse_marked_file, strip
from nlp_toolkit.codebook import load_codebook, parse_codebook
from nlp_toolkit.errors import ToolkitError
from nlp_toolkit.io import read_jsonl, write_jsonl


def test_project_codebook_keeps_the_shared_ids():
    ours = load_codebook(ROOT / "annotation" / "codebook.yaml")
    shared = yaml.safe_load((SHARED / "spec" / "codebook.yaml").read_text(encoding="utf-8"))
    assert ours.code_ids == list(shared["codes"])
    assert ours.labels == list(shared["entities"])
    assert set(ours.money_roles) == set(shared["entities"]["MONEY"]["roles"])
    assert set(ours.ilo) == set(shared["ilo"])


def test_broken_codebook_names_the_problem(tmp_path):
    bad = tmp_path / "cb.yaml"
    bad.write_text("codes:\n  x:\n    ru: X\n    ky: X\n    definition: d\n    ilo: [nowhere]\nentities: {LOC: {}}\nilo: {a: b}\n",
                   encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"cb.yaml: code 'x': unknown ILO dimension 'nowhere'"):
        parse_codebook(bad)
    with pytest.raises(ToolkitError, match="unknown code id 'wage'"):
        load_codebook().check_code("wage", "f.jsonl:3")


def test_jsonl_errors_name_file_and_line(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text('{"id": "a", "text": "x"}\n\n{"id": "b", "text": \n', encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"s.jsonl:3: not valid JSON"):
        list(read_jsonl(p))


def test_broken_data_files_name_the_file(tmp_path):
    from nlp_toolkit.classify.rules import CueClassifier
    from nlp_toolkit.extract.actors import load_lexicon as actor_lexicon
    from nlp_toolkit.extract.money import load_lexicon as money_lexicon
    bad = tmp_path / "bad.yaml"
    bad.write_text("labels: [unclosed\n", encoding="utf-8")
    for load in (money_lexicon, actor_lexicon):
        with pytest.raises(ToolkitError, match=r"bad\.yaml: cannot read the (money|actor) lexicon"):
            load(str(bad))
    bad.write_text("- a list\n- not a mapping\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"bad\.yaml: the cue list must be a YAML mapping"):
        CueClassifier(cues_path=str(bad))


def test_write_jsonl_is_atomic(tmp_path):
    p = tmp_path / "out.jsonl"
    write_jsonl(p, [{"id": "old"}])

    def boom():
        yield {"id": "new"}
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        write_jsonl(p, boom())
    assert p.read_text(encoding="utf-8") == '{"id": "old"}\n'
    assert [f.name for f in tmp_path.iterdir()] == ["out.jsonl"]


def test_validate_command_reports_every_problem(tmp_path):
    p = tmp_path / "g.jsonl"
    good = {"id": "a", "text": "Дали 500 сом в Оше.", "codes": ["bribery_extortion"], "entities": [
        {"start": 5, "end": 12, "text": "500 сом", "label": "MONEY", "low": 500, "high": 500, "currency": "KGS", "role": "bribe"}]}
    bad = {"id": "b", "text": "Оштон келдик.", "codes": ["bribes"], "entities": [
        {"start": 0, "end": 3, "text": "Ошт", "label": "LOC", "norm": "Ош", "country": "KG", "kind": "town"},
        {"start": 5, "end": 90, "text": "x", "label": "PLACE"}]}
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (good, bad, good)) + "\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "nlp_toolkit.cli", "validate", str(p)], capture_output=True, text=True)
    assert res.returncode == 1
    for needle in ("g.jsonl:2 (id b): unknown code id 'bribes'", "kind 'town'", "unknown entity label 'PLACE'",
                   "outside the text", "g.jsonl:3 (id a): duplicate id"):
        assert needle in res.stderr
    ok = tmp_path / "ok.jsonl"
    ok.write_text(json.dumps(good, ensure_ascii=False) + "\n", encoding="utf-8")
    assert subprocess.run([sys.executable, "-m", "nlp_toolkit.cli", "validate", str(ok)]).returncode == 0


def test_markup_gives_exact_offsets_and_checks_attributes():
    text, ents = strip("Взял [15 тысяч сом|MONEY|15000|15000|KGS|fee] в [Оше|LOC|Ош|KG|city], [ортомчу|INTERMEDIARY].")
    assert text == "Взял 15 тысяч сом в Оше, ортомчу."
    assert [text[e["start"]:e["end"]] for e in ents] == ["15 тысяч сом", "Оше", "ортомчу"]
    assert ents[0]["low"] == 15000 and ents[1]["country"] == "KG"
    with pytest.raises(ToolkitError, match="role 'tip'"):
        strip("[5 сом|MONEY|5|5|KGS|tip]", "x.md:1")
    with pytest.raises(ToolkitError, match="LOC needs"):
        strip("[Ош|LOC|Ош]", "x.md:2")


def test_marked_file_codes_and_langs_attach_to_the_turn(tmp_path):
    src = tmp_path / "mx.md"
    src.write_text("%% file: mx.txt\nВ: Кайда?\nО: [Алматыда|LOC|Алматы|KZ|city] иштедик.\nПотом уехали.\n@codes wage_theft\n@lang mixed\n",
                   encoding="utf-8")
    mf = parse_marked_file(src)
    assert mf.directives["file"] == "mx.txt" and mf.codes == {2: ["wage_theft"]} and mf.langs == {2: "mixed"}
    assert mf.entities[1][0]["text"] == "Алматыда"
    src.write_text("В: ?\nО: да\n@codes no_such_code\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"mx.md:3: unknown code id 'no_such_code'"):
        parse_marked_file(src)
    # a transcript to be written in cp1251 cannot hold Kyrgyz letters: said at the line, not a crash later
    src.write_text("%% encoding: cp1251\nВ: Кайда?\nО: Ооба, жумуш бар.\nО: Бүгүн жок.\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match=r"mx.md:4: 'ү' cannot be written in cp1251"):
        parse_marked_file(src)


def test_gold_builder_carries_spans_through_pseudonymisation(tmp_path):
    from nlp_toolkit.annotation.gold import build
    src = tmp_path / "src"
    src.mkdir()
    (src / "t1.md").write_text(
        "%% file: t1.docx\nИнтервью № 1\nРеспондент: Нурбек Асанов\nДата интервью: 01.06.2020\nЯзык интервью: русский\n\n"
        "В: Кто вас привёз?\nО: [Посредник|INTERMEDIARY] Марат взял [20 тысяч тенге|MONEY|20000|20000|KZT|fee], "
        "потом [Марат|INTERMEDIARY] исчез в [Шымкенте|LOC|Шымкент|KZ|city].\n@codes recruitment_fees\n",
        encoding="utf-8")
    stats = build(src, tmp_path / "corpus", tmp_path / "gold")
    assert stats == {"interviews": 1, "segments": 1}
    assert (tmp_path / "corpus" / "t1.docx").exists()
    rec = next(read_jsonl(tmp_path / "gold" / "t1.jsonl"))
    assert "Марат" not in rec["text"] and rec["codes"] == ["recruitment_fees"] and rec["lang"] == "ru"
    texts = [(e["label"], e["text"]) for e in rec["entities"]]
    assert texts[0] == ("INTERMEDIARY", "Посредник") and texts[1] == ("MONEY", "20 тысяч тенге")
    assert texts[2][0] == "INTERMEDIARY" and texts[2][1] != "Марат" and texts[3] == ("LOC", "Шымкенте")
    assert all(rec["text"][e["start"]:e["end"]] == e["text"] for e in rec["entities"])


def test_gold_builder_places_spans_on_adjacent_replaced_names(tmp_path):
    """Two names side by side, both replaced: each span lands on its own pseudonym, whole."""
    from nlp_toolkit.annotation.gold import build
    src = tmp_path / "src"
    src.mkdir()
    (src / "t2.md").write_text(
        "%% file: t2.txt\nМаек № 2\nКатышуучу: Бекжан Осмонов\nМаектин датасы: 01.06.2020\nМаектин тили: кыргызча\n\n"
        "Суроо: Ким айтты?\nЖооп: Анан [Бахтияр|EMPLOYER] [Салтанатка|INTERMEDIARY] айтты, акча берген жок.\n",
        encoding="utf-8")
    build(src, tmp_path / "corpus", tmp_path / "gold")
    rec = next(read_jsonl(tmp_path / "gold" / "t2.jsonl"))
    assert "Бахтияр" not in rec["text"] and "Салтанат" not in rec["text"]
    first, second = rec["entities"]
    assert (first["label"], second["label"]) == ("EMPLOYER", "INTERMEDIARY")
    assert rec["text"][first["end"]:second["start"]] == " "
    assert rec["text"][:first["start"]] == "Анан " and rec["text"][second["end"]:].startswith(" айтты")
