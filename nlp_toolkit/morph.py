"""Russian morphology, loaded once and shared: lemmas and inflection through pymorphy3."""

from __future__ import annotations

import functools
from pathlib import Path

import pymorphy3

from .io import read_yaml
from .text import fold

ASPECT_PAIRS = Path(__file__).parent / "data" / "aspect_pairs.yaml"


@functools.lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


@functools.lru_cache(maxsize=50_000)  # about 1.5 kB a word; a batch of testimony reuses a few thousand words
def parse(word: str) -> tuple:
    """pymorphy3's parses of `word`; none for characters its Latin-word analysis cannot name
    (some rare CJK/Tangut code points raise ValueError inside the library). Remembered: every stage
    asks about the same words (language ID, lemmas, ages, money, places), about twice per word."""
    try:
        return tuple(analyzer().parse(word))
    except ValueError:
        return ()


def best(word: str):
    """pymorphy3's most probable parse of `word`, or None (see `parse`)."""
    return next(iter(parse(word)), None)


@functools.lru_cache(maxsize=200_000)
def lemmas(word: str) -> frozenset[str]:
    """All normal forms pymorphy3 proposes for `word` (lower-case), so ambiguous forms still match."""
    w = fold(word)
    return frozenset(p.normal_form.replace("ё", "е") for p in parse(w)) | {w}


@functools.lru_cache(maxsize=200_000)
def lemma(word: str) -> str:
    """The most probable normal form of `word`."""
    w = fold(word)
    return next((p.normal_form.replace("ё", "е") for p in parse(w)), w)


@functools.lru_cache(maxsize=1)
def _aspect_keys() -> dict[str, str]:
    return {fold(verb): fold(perfective) for perfective, partners in read_yaml(ASPECT_PAIRS, "aspect pairs").items()
            for verb in [perfective, *(partners if isinstance(partners, list) else [partners])]}


def aspect_key(word_lemma: str) -> str:
    """The perfective verb of the aspect pair a lemma belongs to (data/aspect_pairs.yaml: отбирать ->
    отобрать), or the lemma itself: for matching where the aspect of the telling does not matter."""
    return _aspect_keys().get(word_lemma, word_lemma)


def nominative(phrase: str) -> str:
    """Put a short Russian noun phrase ('Чиликского района') into the nominative ('Чиликский район').

    The head is the first noun; it and the adjectives before it are inflected (adjectives agree in
    gender and number), what follows the head (a genitive complement, a proper name as in
    'рынке Дордой') is kept as written. Capitalisation of each word is preserved.
    """
    tokens = phrase.split()
    if not all(parse(t) for t in tokens):
        return phrase
    parses = [parse(t)[0] for t in tokens]
    head_i = next((i for i, p in enumerate(parses) if "NOUN" in p.tag), len(tokens) - 1)
    head = parses[head_i]
    number = "plur" if "plur" in head.tag else "sing"
    agree = {"nomn", number} | ({head.tag.gender} if number == "sing" and head.tag.gender else set())
    out = []
    for i, (tok, p) in enumerate(zip(tokens, parses)):
        word = tok
        if i <= head_i and p.tag.POS in {"NOUN", "ADJF", "PRTF"} and p.tag.case and p.tag.case != "nomn":
            infl = p.inflect({"nomn", number} if i == head_i else agree) or p.inflect({"nomn"})
            word = infl.word if infl else tok
        out.append(_case_like(word, tok))
    return " ".join(out)


def _case_like(word: str, model: str) -> str:
    """`word` lower-cased, with each hyphen part capitalised where `model`'s is (Жалал-Абадская)."""
    if word == model or model.isupper():
        return word if word == model else word.upper()
    parts, caps = word.lower().split("-"), model.split("-")
    if len(parts) != len(caps):
        caps = [model] + [""] * (len(parts) - 1)
    return "-".join(p.capitalize() if c[:1].isupper() else p for p, c in zip(parts, caps))


@functools.lru_cache(maxsize=200_000)
def is_known(word: str) -> bool:
    """Does pymorphy3's Russian dictionary know `word`? (Kyrgyz words mostly are not.)"""
    return analyzer().word_is_known(fold(word))
