"""Cue-phrase rules per code: a transparent baseline and the fallback for codes with few examples."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from ..codebook import Codebook, load_codebook
from ..kyrgyz import matches_stem
from ..text import fold, normalise, words
from .features import lemma_tokens, word_lemma

CUES = Path(__file__).parent / "data" / "cues.yaml"
MAX_GAP = 2  # extra words allowed inside the window of a multi-word cue (in any order)


@functools.lru_cache(maxsize=4)
def _load_cues(path: str, codebook_path: str) -> dict[str, list[tuple[str, ...]]]:
    """code -> cues; Russian cue words become lemmas, Kyrgyz ones stay stems or `prefix*` patterns."""
    cb = load_codebook(codebook_path)
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    for code in raw:
        cb.check_code(code, path)
    cues: dict[str, list[tuple[str, ...]]] = {}
    for code in cb.codes.values():
        extra = raw.get(code.id, {})
        ru = {tuple(lemma_tokens(p)) for p in list(code.cues_ru) + list(extra.get("ru", []))}
        ky = {tuple(fold(w) for w in p.split()) for p in extra.get("ky", [])}
        cues[code.id] = sorted(c for c in ru | ky if c)
    return cues


def _token_matches(cue: str, word: str, lemma: str) -> bool:
    if cue.endswith("*"):
        return word.startswith(cue[:-1])
    return cue == lemma or cue == word or matches_stem(word, cue)


def _contains(tokens: list[tuple[str, str]], cue: tuple[str, ...]) -> bool:
    """All cue words inside one window of len(cue) + MAX_GAP words, in any order."""
    size = len(cue) + MAX_GAP if len(cue) > 1 else 1
    for i, (word, lemma) in enumerate(tokens):
        if not any(_token_matches(c, word, lemma) for c in cue):
            continue
        window = tokens[i: i + size]
        if all(any(_token_matches(c, w, lem) for w, lem in window) for c in cue):
            return True
    return False


class CueClassifier:
    """Predicts a code when one of its cue phrases occurs (on lemmas)."""

    def __init__(self, codebook: Codebook | None = None, cues_path: str | Path = CUES) -> None:
        self.codebook = codebook or load_codebook()
        self.cues = _load_cues(str(cues_path), str(self.codebook.path))

    def fit(self, texts=None, y=None) -> "CueClassifier":
        return self

    def matches(self, text: str) -> dict[str, list[str]]:
        """code -> the cue phrases (as lemmas) found in `text`."""
        tokens = [(fold(w), word_lemma(w)) for _, _, w in words(normalise(text))]
        found: dict[str, list[str]] = {}
        for code, cues in self.cues.items():
            hits = [" ".join(c) for c in cues if _contains(tokens, c)]
            if hits:
                found[code] = hits
        return found

    def predict_codes(self, texts: list[str]) -> list[set[str]]:
        return [set(self.matches(t)) for t in texts]
