"""Cue-phrase rules per code: a transparent baseline and the fallback for codes with few examples."""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

from ..codebook import Codebook, load_codebook
from .features import lemma_tokens

CUES = Path(__file__).parent / "data" / "cues.yaml"
MAX_GAP = 2  # words allowed between the words of a multi-word cue


@functools.lru_cache(maxsize=4)
def _load_cues(path: str, codebook_path: str) -> dict[str, list[tuple[str, ...]]]:
    cb = load_codebook(codebook_path)
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    cues: dict[str, list[tuple[str, ...]]] = {}
    for code in cb.codes.values():
        extra = raw.get(code.id, {})
        phrases = list(code.cues_ru) + list(extra.get("ru", [])) + list(extra.get("ky", []))
        cues[code.id] = sorted({tuple(lemma_tokens(p)) for p in phrases if lemma_tokens(p)})
    for code in raw:
        cb.check_code(code, path)
    return cues


def _contains(tokens: list[str], cue: tuple[str, ...]) -> bool:
    for i, tok in enumerate(tokens):
        if tok != cue[0]:
            continue
        pos = i
        for want in cue[1:]:
            window = tokens[pos + 1: pos + 2 + MAX_GAP]
            if want not in window:
                break
            pos += 1 + window.index(want)
        else:
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
        tokens = lemma_tokens(text)
        found: dict[str, list[str]] = {}
        for code, cues in self.cues.items():
            hits = [" ".join(c) for c in cues if _contains(tokens, c)]
            if hits:
                found[code] = hits
        return found

    def predict_codes(self, texts: list[str]) -> list[set[str]]:
        return [set(self.matches(t)) for t in texts]
