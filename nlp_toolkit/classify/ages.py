"""People's ages stated in a text, in digits or number words, Russian or Kyrgyz.

Testimony about working children gives their age, and more often in words than in digits:
"девочка четырнадцати лет", "пятнадцатилетняя", "в 14 лет", "лет четырнадцати-пятнадцати",
"он үч жаштагы кыз". The number words are the MONEY extractor's (money.yaml, all Russian forms
from pymorphy3), so numerals are described once. Only constructions that state an age count:
"пять лет" alone is as often a duration ("работал пять лет") as an age.
"""

from __future__ import annotations

import functools
import re

from ..extract.money import NW, load_lexicon
from ..morph import best, lemmas, parse
from ..text import fold, normalise

PARTS = re.compile(r"\d+|[^\W\d_]+")  # hyphenated words split: четырнадцати-пятнадцати, 14-летний
YEARS = frozenset({"лет", "год", "года", "годика", "годиков"})
OBLIQUE = frozenset({"gent", "datv", "loct", "ablt"})  # "девочка пятнадцати лет": a description, not a duration
BEFORE = frozenset({"в", "с", "до", "от", "около"})  # "в 14 лет", "с двенадцати лет"
WAS = frozenset({"было", "исполнилось", "исполнится", "стукнуло"})
# "с дочерью 10 лет", "мальчик 14 лет": a child or young person, then the number of years, is an age
# whatever the case of the digits (which show none).
PERSONS = frozenset({"ребенок", "сын", "сынок", "дочь", "дочка", "мальчик", "девочка", "подросток", "парень",
                     "девушка", "племянник", "племянница", "внук", "внучка", "брат", "братишка", "сестра",
                     "сестренка", "школьник", "школьница", "ученик", "ученица", "малыш", "пацан"})
COMPOUND = re.compile(r"(.+?)(?:лет(?:н|к)\w*)$")  # пятнадцатилетняя, двенадцатилетку
KY_AGE = re.compile(r"жаш(?!а|о)\w*|жашар")  # жашта, жаштагы, жашында; not жашап, жашоо (to live, life)
MAX_AGE = 120
APPOSITION = 4  # words between a person and their age set off by commas
# Every construction above needs one of these in the text; most segments have none, and looking for
# them is cheaper than reading every word as a possible number.
NEEDED = ("лет", "год", "жаш", *WAS)


@functools.cache
def _numerals() -> dict[str, tuple[int, str | None, str | None]]:
    """The money lexicon's whole number words: folded form -> (value, class, language)."""
    return {form: (int(d[1]), d[2], d[3]) for form, d in load_lexicon().words.items()
            if d[0] == NW and d[1] is not None and d[1] == int(d[1])}


def _number(word: str) -> tuple[int, str | None, str | None] | None:
    """(value, class, language) of one number word or digit string."""
    if word.isdigit():
        return (int(word), None, None) if len(word) <= 3 else None
    return _numerals().get(word)


@functools.lru_cache(maxsize=4096)
def _oblique(word: str) -> bool:
    return any(p.tag.POS == "NUMR" and p.tag.case in OBLIQUE for p in parse(word))


@functools.lru_cache(maxsize=65_536)
def _noun(word: str) -> bool:
    """Is the word most likely a noun (what a number before it counts: "было семь человек")?"""
    p = best(word)
    return p is not None and p.tag.POS == "NOUN"


@functools.lru_cache(maxsize=65_536)
def _dative(word: str) -> bool:
    """A noun or pronoun in the dative: whose age "было шестнадцать" is (ему, сыну, девочке)."""
    return any(p.tag.POS in {"NOUN", "NPRO"} and p.tag.case == "datv" for p in parse(word))


def _ky_age(word: str | None) -> bool:
    return word is not None and KY_AGE.fullmatch(word) is not None


def _value_at(parts: list[str], i: int) -> tuple[int, str | None, int] | None:
    """(value, language, index after it) of the number starting at parts[i]: one word or digits, or
    a ten and a unit (он беш, двадцать пять)."""
    n = _number(parts[i])
    if n is None:
        return None
    value, cls, lang = n
    if cls == "ten" and i + 1 < len(parts) and (m := _number(parts[i + 1])) and m[1] == "unit" and m[2] == lang:
        return value + m[0], lang, i + 2
    return value, lang, i + 1


def _states_age(parts: list[str], spaced: list[bool], i: int, j: int, lang: str | None) -> bool:
    """Does the number in parts[i:j] (a range's last number ends at j) state an age? `spaced[k]`:
    only spaces come between parts[k - 1] and parts[k] (no punctuation: one phrase)."""
    nxt = parts[j] if j < len(parts) else None
    before = parts[max(0, i - 3):i]
    if lang == "ky" or _ky_age(nxt):
        return _ky_age(nxt)
    if nxt is not None and nxt.startswith(("летн", "летк")):  # 14-летний
        return True
    oblique = lang == "ru" and _oblique(parts[j - 1])
    if nxt in YEARS and ((before and (before[-1] in BEFORE or lemmas(before[-1]) & PERSONS)) or oblique):
        return True
    if nxt in YEARS and not spaced[i] and (j + 1 == len(parts) or not spaced[j + 1]) \
            and any(lemmas(w) & PERSONS for w in parts[max(0, i - APPOSITION):i]):
        return True  # set off by punctuation after a child or young person: "привезли мальчика из села, 14 лет,"
    if before and before[-1] in YEARS and oblique:  # лет четырнадцати
        return True
    if nxt is not None and spaced[j] and nxt not in YEARS and _noun(nxt):  # "нас было семь человек" counts people
        return False
    # ему (сыну) тогда было шестнадцать; мне семнадцать было
    return bool(WAS & {*before, *parts[j:j + 2]}) and any(map(_dative, before))


def stated_ages(text: str) -> tuple[int, ...]:
    """The ages `text` states, in order of appearance (both ends of a range)."""
    folded = fold(normalise(text))
    if not any(key in folded for key in NEEDED):
        return ()
    found = list(PARTS.finditer(folded))
    parts = [m.group() for m in found]
    spaced = [k > 0 and not folded[found[k - 1].end():m.start()].strip() for k, m in enumerate(found)]
    ages: list[int] = []
    i = 0
    while i < len(parts):
        compound = COMPOUND.fullmatch(parts[i]) if "лет" in parts[i] else None
        if compound and (n := _number(compound.group(1))):  # пятнадцатилетняя
            ages.append(n[0])
            i += 1
            continue
        first = _value_at(parts, i)
        if first is None:
            i += 1
            continue
        values, lang, j = [first[0]], first[1], first[2]
        if j < len(parts) and (second := _value_at(parts, j)) and second[1] == lang:  # четырнадцати-пятнадцати
            values.append(second[0])
            j = second[2]
        if _states_age(parts, spaced, i, j, lang):
            ages.extend(v for v in values if v <= MAX_AGE)
        i = j
    return tuple(ages)
