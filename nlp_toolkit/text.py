"""Text handling shared by every stage: length-preserving normalisation and word tokens.

Offsets are sacred (`text[start:end] == entity.text`), so normalisation never changes the
length of a string: it maps each character to exactly one character, and matchers run on the
normalised copy while reporting offsets into the original.
"""

from __future__ import annotations

import functools
import re

# Latin letters that look like Cyrillic ones, as they slip into typed transcripts ("Алмaты").
_LOOKALIKES = str.maketrans({
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к", "m": "м", "h": "н",
    "A": "А", "B": "В", "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т",
    "X": "Х", "Y": "У",
})
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\t": " "})
_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-"})
_LATIN_LOOKALIKE = re.compile("[" + "".join(chr(c) for c in _LOOKALIKES) + "]")
_CYR = re.compile(r"[а-яёңөүА-ЯЁҢӨҮ]")
WORD_RE = re.compile(r"[^\W\d_](?:[^\W_]|[\u00ad\-'’](?=[^\W\d_]))*", re.UNICODE)


def _fix_lookalikes(match: re.Match) -> str:
    word = match.group(0)
    return word.translate(_LOOKALIKES) if _CYR.search(word) else word


def normalise(text: str, remember: bool = True) -> str:
    """Same-length copy: exotic spaces -> ' ', dashes -> '-', ё -> е, Latin look-alikes in Cyrillic words -> Cyrillic.

    Every extractor and the classifier normalise the same segments of an interview in turn, so
    segments of ordinary length are remembered (a few hundred of them); pieces of them (sentences)
    are better not (`remember=False`): they would push the segments out."""
    return _normalise_cached(text) if remember and len(text) <= 4096 else _normalise(text)


def _normalise(text: str) -> str:
    out = text.translate(_SPACES).translate(_DASHES).replace("ё", "е").replace("Ё", "Е")
    if _LATIN_LOOKALIKE.search(out):  # most transcripts have none: then no word needs looking at
        out = WORD_RE.sub(_fix_lookalikes, out)
    assert len(out) == len(text)
    return out


_normalise_cached = functools.lru_cache(maxsize=512)(_normalise)


Token = tuple[int, int, str]


def words(text: str, remember: bool = True) -> tuple[Token, ...]:
    """(start, end, word) for each word; hyphenated words (Жалал-Абад) stay whole.

    Remembered for segments of ordinary length, like `normalise`: every stage tokenises the same
    normalised segment."""
    return _words_cached(text) if remember and len(text) <= 4096 else _words(text)


def _words(text: str) -> tuple[Token, ...]:
    return tuple((m.start(), m.end(), m.group(0)) for m in WORD_RE.finditer(text))


_words_cached = functools.lru_cache(maxsize=512)(_words)


@functools.lru_cache(maxsize=65_536)  # called for every word by every stage; words repeat
def fold(word: str) -> str:
    """Lower-case key for lexicon look-ups (soft hyphens dropped, ё -> е)."""
    return word.replace("\u00ad", "").casefold().replace("ё", "е")
