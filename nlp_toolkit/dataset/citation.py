"""Citation footnotes in the style human-rights reports use: who, pseudonym, where, when."""

from __future__ import annotations

import datetime as dt

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
GENDER = {"female": "woman", "male": "man"}


def _date(value: str | None) -> str:
    try:
        d = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value) if value else "date unknown"
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def interviewee(rec: dict) -> str:
    """Type of interviewee, e.g. 'migrant worker (woman, 41, from Ошская область)'."""
    details = [x for x in (GENDER.get(str(rec.get("gender"))), str(rec["age"]) if rec.get("age") else None,
                           f"from {rec['home_region']}" if rec.get("home_region") else None) if x]
    kind = "migrant worker" if rec.get("speaker", "respondent") == "respondent" else str(rec.get("speaker"))
    return f"{kind} ({', '.join(details)})" if details else kind


def citation(rec: dict) -> str:
    """'Interview with Айчүрөк (pseudonym), migrant worker (woman, 41), Алматы, 20 February 2019.'"""
    who = rec.get("respondent") or "an interviewee"
    place = rec.get("place") or "place unknown"
    lines = rec.get("line_start")
    where = f" [{rec.get('source_file')}, line {lines}]" if rec.get("source_file") else ""
    return f"Interview with {who} (pseudonym), {interviewee(rec)}, {place}, {_date(rec.get('date'))}.{where}"
