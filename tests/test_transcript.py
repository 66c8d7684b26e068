"""Turn splitting and header metadata across the marker styles researchers use."""

from __future__ import annotations

import pytest

from conftest import KY_TRANSCRIPT, RU_TRANSCRIPT
from nlp_toolkit.corpus.transcript import parse_date, parse_transcript
from nlp_toolkit.errors import ToolkitError


def test_russian_header_and_turns():
    tr = parse_transcript(RU_TRANSCRIPT)
    assert tr.meta["respondent"] == "Жылдыз Бакирова"
    assert tr.meta["gender"] == "female" and tr.meta["age"] == 29
    assert tr.meta["date"] == "2019-04-03" and tr.meta["place"] == "Алматы"
    speakers = [t.speaker for t in tr.turns]
    assert speakers == ["interviewer", "respondent"] * 3
    first_answer = tr.turns[1]
    # a continuation paragraph belongs to the turn; "Марат сказал:" inside a turn does not split it
    assert first_answer.text.count("\n") == 1 and (first_answer.first_line, first_answer.last_line) == (12, 13)
    assert tr.turns[3].text.startswith("Нет. Марат сказал:")


def test_names_as_markers_are_resolved_from_the_header():
    tr = parse_transcript(KY_TRANSCRIPT)
    assert [t.speaker for t in tr.turns] == ["interviewer", "respondent"] * 2
    assert tr.meta["date"] == "2021-10-09" and tr.meta["gender"] == "male"


@pytest.mark.parametrize("q,a", [("В", "О"), ("И", "Р"), ("Интервьюер", "Респондент"), ("Суроо", "Жооп")])
def test_marker_pairs(q, a):
    text = f"{q}: Кайдан келдиңиз?\n{a}: Баткенден.\n{q}: Качан?\n{a}:  Былтыр.\n"
    tr = parse_transcript(text)
    assert [(t.speaker, t.text) for t in tr.turns] == [
        ("interviewer", "Кайдан келдиңиз?"), ("respondent", "Баткенден."),
        ("interviewer", "Качан?"), ("respondent", "Былтыр.")]


def test_unknown_name_markers_fall_back_to_who_asks_questions():
    text = "Дина: Где вы работали?\nАсан: На стройке.\nДина: Долго?\nАсан: Два года.\n"
    tr = parse_transcript(text)
    assert tr.turns[0].speaker == "interviewer" and tr.turns[1].speaker == "respondent"


def test_respondent_marker_is_not_taken_for_a_header_line():
    text = "Интервьюер: Вы из Оша?\nРеспондент: Да, я из Оша.\nИнтервьюер: Давно здесь?\nРеспондент: Третий год.\n"
    tr = parse_transcript(text)
    assert tr.meta == {} and len(tr.turns) == 4


def test_no_turns_is_a_clear_error():
    with pytest.raises(ToolkitError, match="no recognisable speaker turns"):
        parse_transcript("Просто заметки без реплик.\nЕщё строка.", "notes.txt")


@pytest.mark.parametrize("raw,iso", [
    ("14.03.2019", "2019-03-14"), ("2019-03-14", "2019-03-14"), ("14 марта 2019 г.", "2019-03-14"),
    ("2019-жылдын 14-марты", "2019-03-14"), ("1 мая 2020", "2020-05-01"), ("когда-то", None), ("31.02.2019", None),
])
def test_dates(raw, iso):
    assert parse_date(raw) == iso
