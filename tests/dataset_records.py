"""Small coded records (RU/KY) written for the dataset, quote and web tests."""

from __future__ import annotations

BASE = {"speaker": "respondent", "interviewer": "Интервьюер", "language": "русский", "source_file": "t01.txt"}


def _rec(id_: str, iid: str, turn: int, text: str, codes: list[str], entities: list[dict], **meta) -> dict:
    return {**BASE, "id": id_, "interview_id": iid, "turn": turn, "text": text, "question": "И дальше?",
            "line_start": turn * 2, "line_end": turn * 2, "codes": codes, "entities": entities,
            "scores": {c: 0.9 for c in codes}, "model_version": "test-1", **meta}


def _span(text: str, part: str, label: str, **attrs) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part, "label": label, **attrs}


RU1 = "Полицейский забрал паспорт и сказал: давай 20 тысяч тенге, и отпустим."
RU2 = "Хозяин в Алматы не платил три месяца, обещал потом."
KY1 = "Посредник Ошто паспорт алып койду, 150 доллар төлөдүк."
XSS = "Он написал <script>alert(1)</script> на стене, смешно."


def records() -> list[dict]:
    ru = dict(respondent="Айгуль", gender="female", age=34, home_region="Ошская область", place="Алматы",
              date="2019-04-03", lang="ru")
    ky = dict(respondent="Бакыт", gender="male", age=27, home_region="Баткенская область", place="Ош",
              date="2021-06-10", lang="ky", language="кыргызча", source_file="t02.txt")
    return [
        _rec("t01-s001", "t01", 1, RU1, ["bribery_extortion", "document_retention"],
             [_span(RU1, "Полицейский", "POLICE"),
              _span(RU1, "20 тысяч тенге", "MONEY", low=20000, high=20000, currency="KZT", role="bribe")], **ru),
        _rec("t01-s002", "t01", 2, RU2, ["wage_theft"],
             [_span(RU2, "Хозяин", "EMPLOYER"),
              _span(RU2, "Алматы", "LOC", norm="Алматы", country="KZ", kind="city", lat=43.24, lon=76.89)], **ru),
        _rec("t01-s003", "t01", 3, XSS, [], [], **ru),
        _rec("t02-s001", "t02", 1, KY1, ["recruitment_fees", "document_retention"],
             [_span(KY1, "Посредник", "INTERMEDIARY"), _span(KY1, "Ошто", "LOC", norm="Ош", country="KG", kind="city"),
              _span(KY1, "150 доллар", "MONEY", low=150, high=150, currency="USD", role="fee")], **ky),
    ]
