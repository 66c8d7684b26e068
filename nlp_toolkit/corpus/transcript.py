"""Split a transcript's text into its metadata header and speaker turns.

Researchers mark turns in many ways ("В:"/"О:", "И:"/"Р:", "Интервьюер:"/"Респондент:",
"Суроо:"/"Жооп:", or the speakers' first names). A line starts a turn only if its label is one of
the file's speaker labels, so "Хозяин сказал: ..." inside an answer does not split it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from ..errors import ToolkitError

INTERVIEWER_LABELS = {"в", "вопрос", "и", "интервьюер", "суроо", "с", "q", "int", "interviewer"}
RESPONDENT_LABELS = {"о", "ответ", "р", "респондент", "жооп", "ж", "a", "resp", "respondent"}

# header key (lower-case, without '№'/':') -> canonical metadata field
HEADER_KEYS = {
    "интервью": "interview_no", "маек": "interview_no", "интервью №": "interview_no", "маек №": "interview_no",
    "респондент": "respondent", "катышуучу": "respondent", "имя респондента": "respondent",
    "псевдоним": "pseudonym", "пол": "gender", "жынысы": "gender", "возраст": "age", "жашы": "age",
    "откуда": "home_region", "регион происхождения": "home_region", "кайдан": "home_region",
    "туулган жери": "home_region", "место интервью": "place", "маектин орду": "place",
    "дата интервью": "date", "маектин датасы": "date", "дата": "date", "интервьюер": "interviewer",
    "маек алган": "interviewer", "язык интервью": "language", "маектин тили": "language",
    "сектор": "sector", "тармак": "sector",
}
_LABEL_RE = re.compile(r"^\s*([^\W\d_][\w.\-]*(?: [^\W\d_][\w.\-]*){0,2})\s*:\s?(.*)$")
_TITLE_RE = re.compile(r"^\s*(интервью|маек)\s*№\s*(\S+)\s*$", re.IGNORECASE)

# Month stems as Russian and Kyrgyz speakers write them ("марта", "марты", "мартта"); longest first.
MONTHS = sorted({"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
                 "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12}.items(), key=lambda kv: -len(kv[0]))


def _month(word: str) -> int:
    return next((n for stem, n in MONTHS if word.startswith(stem)), 0)


@dataclass
class Turn:
    speaker: str  # "interviewer" | "respondent"
    label: str  # the marker as written
    text: str
    first_line: int  # 1-based line numbers in the file's text
    last_line: int


@dataclass
class Transcript:
    meta: dict = field(default_factory=dict)
    turns: list[Turn] = field(default_factory=list)
    header_lines: int = 0


def parse_date(value: str) -> str | None:
    """ISO date from '14.03.2019', '2019-03-14', '14 марта 2019 г.', '2019-жылдын 14-марты'."""
    v = value.strip().lower()
    if m := re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", v):
        y, mo, d = map(int, m.groups())
    elif m := re.search(r"(\d{1,2})[./](\d{1,2})[./](\d{4})", v):
        d, mo, y = map(int, m.groups())
    elif m := re.search(r"(\d{4})\D+?(\d{1,2})-?\s*([а-яөүң]+)", v):  # 2019-жылдын 14-марты
        y, d, mo = int(m.group(1)), int(m.group(2)), _month(m.group(3))
    elif m := re.search(r"(\d{1,2})\s+([а-яөүң]+)\s+(\d{4})", v):  # 14 марта 2019
        d, mo, y = int(m.group(1)), _month(m.group(2)), int(m.group(3))
    else:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def _gender(value: str) -> str | None:
    v = value.strip().lower()
    if v.startswith(("ж", "аял", "f", "кыз")):
        return "female"
    if v.startswith(("м", "эркек", "m")):
        return "male"
    return None


def _clean_meta(raw: dict[str, str]) -> dict:
    meta: dict = {}
    for key, value in raw.items():
        value = value.strip()
        if not value:
            continue
        if key == "date":
            meta["date"] = parse_date(value)
            meta["date_raw"] = value
        elif key == "age":
            m = re.search(r"\d+", value)
            meta["age"] = int(m.group()) if m else None
        elif key == "gender":
            meta["gender"] = _gender(value)
        else:
            meta[key] = value
    return meta


def _header_key(label: str) -> str | None:
    key = label.lower().replace("№", "").strip()
    return HEADER_KEYS.get(key)


def _split_header(lines: list[str]) -> tuple[dict, int]:
    """Metadata from the leading block of 'Key: value' lines; returns (raw meta, lines consumed)."""
    raw: dict[str, str] = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            if raw:
                i += 1
                break
            i += 1
            continue
        if m := _TITLE_RE.match(line):
            raw["interview_no"] = m.group(2)
            i += 1
            continue
        m = _LABEL_RE.match(line)
        if not m or not (field_ := _header_key(m.group(1))):
            break
        if field_ in ("respondent", "interviewer") and not _looks_like_name(m.group(2)):
            break  # "Респондент: Да, я приехал..." is a turn, not the header
        raw[field_] = m.group(2)
        i += 1
    return raw, i


def _looks_like_name(value: str) -> bool:
    parts = value.strip().split()
    return 1 <= len(parts) <= 4 and all(p[:1].isupper() and p.replace("-", "").replace(".", "").isalpha()
                                        for p in parts)


def _speaker_labels(lines: list[str], meta: dict) -> dict[str, str]:
    """label (lower-case) -> 'interviewer' | 'respondent' for this file's turn markers."""
    counts: Counter[str] = Counter()
    questions: Counter[str] = Counter()
    for line in lines:
        if m := _LABEL_RE.match(line):
            label = m.group(1).lower()
            counts[label] += 1
            questions[label] += m.group(2).rstrip().endswith("?")
    roles: dict[str, str] = {}
    names = {"interviewer": meta.get("interviewer", ""), "respondent": meta.get("respondent", "")}
    pseudonym = meta.get("pseudonym", "")
    for label, n in counts.items():
        if label in INTERVIEWER_LABELS:
            roles[label] = "interviewer"
        elif label in RESPONDENT_LABELS:
            roles[label] = "respondent"
        elif n >= 2 and names["interviewer"] and label == names["interviewer"].split()[0].lower():
            roles[label] = "interviewer"
        elif n >= 2 and label in {w.lower() for w in (names["respondent"].split()[:1] + pseudonym.split()[:1])}:
            roles[label] = "respondent"
    if len(set(roles.values())) < 2:
        # Unknown names as markers: the two most frequent labels; who asks more questions interviews.
        top = [lab for lab, n in counts.most_common(2) if n >= 2]
        if len(top) == 2:
            a, b = sorted(top, key=lambda lab: questions[lab] / counts[lab], reverse=True)
            roles = {a: "interviewer", b: "respondent"}
    return roles


def parse_transcript(text: str, source: str = "") -> Transcript:
    """Header metadata and turns; raises ToolkitError if no speaker turns can be recognised."""
    lines = text.split("\n")
    raw_meta, body_start = _split_header(lines)
    meta = _clean_meta(raw_meta)
    roles = _speaker_labels(lines[body_start:], raw_meta)
    if set(roles.values()) != {"interviewer", "respondent"}:
        raise ToolkitError(f"{source}: no recognisable speaker turns (expected markers such as 'В:'/'О:', "
                           f"'И:'/'Р:', 'Интервьюер:'/'Респондент:', 'Суроо:'/'Жооп:' or the speakers' names "
                           f"given in the header)")
    turns: list[Turn] = []
    for n, line in enumerate(lines[body_start:], start=body_start + 1):
        m = _LABEL_RE.match(line)
        if m and m.group(1).lower() in roles:
            turns.append(Turn(roles[m.group(1).lower()], m.group(1), m.group(2).strip(), n, n))
        elif turns and line.strip():
            t = turns[-1]
            t.text = f"{t.text}\n{line.strip()}" if t.text else line.strip()
            t.last_line = n
    if not any(t.speaker == "respondent" and t.text for t in turns):
        raise ToolkitError(f"{source}: no respondent turns with text")
    return Transcript(meta=meta, turns=turns, header_lines=body_start)
