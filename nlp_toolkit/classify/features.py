"""Text -> lemma tokens for Russian and Kyrgyz in one pass, so one model serves both languages.

A word pymorphy3 knows becomes its Russian lemma; any other word (Kyrgyz, names, typos) its
Kyrgyz stem. Code-switched segments thus share features with both languages.
"""

from __future__ import annotations

import functools

from ..kyrgyz import stem
from ..morph import is_known, lemma
from ..text import fold, normalise, words

KY_LETTERS = set("ңөү")


@functools.lru_cache(maxsize=300_000)
def word_lemma(word: str) -> str:
    w = fold(word)
    if KY_LETTERS & set(w) or not is_known(w):
        return stem(w)
    return lemma(w)


def lemma_tokens(text: str) -> list[str]:
    """Lemmas/stems of the words in `text`, lower-case, in order."""
    return [word_lemma(w) for _, _, w in words(normalise(text))]


@functools.lru_cache(maxsize=32_768)  # cross-validation lemmatises each text once per fold
def lemma_text(text: str) -> str:
    return " ".join(lemma_tokens(text))
