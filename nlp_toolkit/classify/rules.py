"""Cue-phrase rules per code: a transparent baseline and the fallback for codes with few examples."""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..codebook import Codebook, load_codebook
from ..errors import ToolkitError
from ..extract.money import MoneyExtractor
from ..io import read_yaml
from ..kyrgyz import matches_stem, stem_forms
from ..memo import Memo
from ..morph import aspect_key, is_known
from ..text import fold, normalise, words
from .ages import stated_ages
from .features import KY_LETTERS, word_lemma

CUES = Path(__file__).parent / "data" / "cues.yaml"
# Extra words allowed inside the window of a multi-word cue (in any order). With 2 094 gold segments,
# 1 and 3 scored 0.739 / 0.734 in grouped CV and 0.717 / 0.720 on the style shift, against 0.737 / 0.715.
MAX_GAP = 2
MEMO = 32_768  # texts whose cue codes are remembered: cross-validation asks for each text once per fold
WORD_MEMO = 200_000  # distinct words whose cue words are remembered
PARALLEL_MIN = 2000  # texts worth matching in forked workers (`CueClassifier.remember`)
FINAL_VOWELS = set("аяоеёыиуюйь")


def _ru_word(word: str) -> str:
    """A Russian cue word as its lemma (a verb as the perfective of its aspect pair: `aspect_key`); a
    word the dictionary does not know (a stem such as `взятк`, or slang) becomes a `prefix*` without
    its final vowel, so every inflection still matches."""
    if is_known(word) or word.endswith("*"):
        return word if word.endswith("*") else aspect_key(word_lemma(word))
    return (word[:-1] if len(word) > 5 and word[-1] in FINAL_VOWELS else word) + "*"


@functools.lru_cache(maxsize=4)
def _load_cues(path: str, codebook_path: str) -> tuple[dict[str, list[tuple[str, ...]]], frozenset[str], frozenset[str]]:
    """code -> cues, the Russian lemmas and the Kyrgyz stems among the cue words. Russian cue words
    become lemmas (or prefixes), Kyrgyz ones stay stems or `prefix*` patterns."""
    cb = load_codebook(codebook_path)
    raw = read_yaml(path, "cue list")
    for code in raw:
        cb.check_code(code, path)
    cues: dict[str, list[tuple[str, ...]]] = {}
    ru_lemmas: set[str] = set()
    ky_stems: set[str] = set()
    for code in cb.codes.values():
        extra = raw.get(code.id, {})
        ru = {tuple(_ru_word(fold(w)) for _, _, w in words(p)) for p in list(code.cues_ru) + list(extra.get("ru", []))}
        ky = {tuple(fold(w) for w in p.split()) for p in extra.get("ky", [])}
        ru_lemmas |= {w for cue in ru for w in cue if not w.endswith("*")}
        ky_stems |= {w for cue in ky for w in cue if not w.endswith("*")}
        cues[code.id] = sorted(c for c in ru | ky if c)
    return cues, frozenset(ru_lemmas), frozenset(ky_stems)


@dataclass(frozen=True)
class Detectors:
    """Cues that are not phrases, per code: regular expressions; a stated age between two bounds
    (`ages.py`); an amount of money the MONEY extractor gives one of some roles."""

    patterns: dict[str, list[re.Pattern]]
    ages: dict[str, tuple[int, int]]
    money_roles: dict[str, frozenset[str]]


@functools.lru_cache(maxsize=4)
def _load_detectors(path: str, roles: frozenset[str]) -> Detectors:
    raw = read_yaml(path, "cue list")
    ages, money_roles = {}, {}
    for code, spec in raw.items():
        if "ages" in spec:
            bounds = spec["ages"]
            if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, int) for b in bounds)):
                raise ToolkitError(f"{path}: {code}: `ages` must be [youngest, oldest], not {bounds!r}")
            ages[code] = (bounds[0], bounds[1])
        if "money_roles" in spec:
            unknown = set(spec["money_roles"]) - roles
            if unknown:
                raise ToolkitError(f"{path}: {code}: {', '.join(sorted(unknown))} not a money role ({', '.join(sorted(roles))})")
            money_roles[code] = frozenset(spec["money_roles"])
    patterns = {code: [re.compile(p, re.IGNORECASE) for p in spec.get("regex", [])]
                for code, spec in raw.items() if spec.get("regex")}
    return Detectors(patterns, ages, money_roles)


def _cue_words(word: str, lemmas: frozenset[str], stems: Mapping[str, str],
               prefixes: frozenset[str]) -> tuple[str, ...]:
    """The cue words one word of a text matches: a Russian cue by lemma, a Kyrgyz stem as the whole
    word or (unless the word is a Russian dictionary word: долго is not долг + -о) with a suffix
    chain, also voiced (айлык in айлыгын), a `prefix*` by prefix. `stems`: each shape of a stem ->
    the stem (`stem_forms`). One pass over the word's prefixes, not every cue everywhere."""
    w = fold(word)
    hits = {aspect_key(word_lemma(word))} & lemmas
    inflected_ky = bool(KY_LETTERS & set(w)) or not is_known(w)
    for k in range(1, len(w) + 1):
        pre = w[:k]
        if pre in prefixes:
            hits.add(pre + "*")
        stem = stems.get(pre)
        if stem and (w == stem or (inflected_ky and matches_stem(w, stem))):
            hits.add(stem)
    return tuple(sorted(hits))


def _contains(found: dict[str, list[int]], cue: tuple[str, ...]) -> bool:
    """All cue words inside one window of len(cue) + MAX_GAP words, in any order."""
    if any(c not in found for c in cue):
        return False
    if len(cue) == 1:
        return True
    size = len(cue) + MAX_GAP
    starts = sorted({p for c in cue for p in found[c]})
    return any(all(any(i <= p < i + size for p in found[c]) for c in cue) for i in starts)


class CueClassifier:
    """Predicts a code when one of its cue phrases occurs (on lemmas)."""

    def __init__(self, codebook: Codebook | None = None, cues_path: str | Path = CUES) -> None:
        self.codebook = codebook or load_codebook()
        self.cues, self._lemmas, stems = _load_cues(str(cues_path), str(self.codebook.path))
        self._stems = MappingProxyType({form: stem for stem in stems for form in stem_forms(stem)})
        self.detectors = _load_detectors(str(cues_path), frozenset(self.codebook.money_roles))
        words_ = {w for cues in self.cues.values() for cue in cues for w in cue}
        self._prefixes = frozenset(w[:-1] for w in words_ if w.endswith("*"))
        # cue first word -> (code, position in the code's list, cue): only cues whose first word occurs are tried
        self._by_first: dict[str, list[tuple[str, int, tuple[str, ...]]]] = {}
        for code, cues in self.cues.items():
            for n, cue in enumerate(cues):
                if cue:
                    self._by_first.setdefault(cue[0], []).append((code, n, cue))
        self.cues_path = str(cues_path)
        self._memo = Memo(lambda text: MappingProxyType(self.matches(text)), MEMO)
        # a word as written -> the cue words it matches: texts share most of their words
        self._word_cues = Memo(lambda word: _cue_words(word, self._lemmas, self._stems, self._prefixes), WORD_MEMO)

    def fit(self, texts=None, y=None) -> "CueClassifier":
        return self

    def matches(self, text: str) -> dict[str, list[str]]:
        """code -> the cue phrases (as lemmas) found in `text`."""
        positions: dict[str, list[int]] = {}  # cue word -> positions of the words matching it
        for i, (_, _, word) in enumerate(words(normalise(text))):
            for hit in self._word_cues[word]:
                positions.setdefault(hit, []).append(i)
        cue_hits: dict[str, list[tuple[int, str]]] = {}
        for word in positions:
            for code, n, cue in self._by_first.get(word, ()):
                if _contains(positions, cue):
                    cue_hits.setdefault(code, []).append((n, " ".join(cue)))
        det = self.detectors
        ages = stated_ages(text) if det.ages else ()
        roles = {e["role"] for e in _money()(text)} if det.money_roles else set()
        found: dict[str, list[str]] = {}
        for code in self.cues:
            hits = [c for _, c in sorted(cue_hits.get(code, ()))]
            hits += [p.pattern for p in det.patterns.get(code, ()) if p.search(text)]
            if code in det.ages and any(det.ages[code][0] <= a <= det.ages[code][1] for a in ages):
                hits.append("age {}-{}".format(*det.ages[code]))
            hits += [f"money {role}" for role in sorted(det.money_roles.get(code, set()) & roles)]
            if hits:
                found[code] = hits
        return found

    def cue_matches(self, text: str) -> Mapping[str, list[str]]:
        """`matches`, remembered per text (cross-validation asks about each text once per fold)."""
        return self._memo[text]

    def remember(self, texts: list[str], processes: int | None = None) -> None:
        """Match all `texts` ahead, in one forked process per core: training matches every text of its
        data, about 2 ms each with their money roles and ages, and little else of it uses both cores.
        Forked workers inherit the loaded dictionaries and lexicons, so they start at once."""
        todo = [t for t in dict.fromkeys(texts) if t not in self._memo]
        processes = processes or os.cpu_count() or 1
        if len(todo) < PARALLEL_MIN or processes < 2 or not hasattr(os, "fork") or len(self._memo) + len(todo) > MEMO:
            for text in todo:  # too few to pay for the workers, or more than the memory holds
                self.cue_matches(text)
            return
        import multiprocessing as mp
        self.cue_matches(todo.pop(0))  # loads the dictionaries and lexicons the workers will share
        size = -(-len(todo) // processes)
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        with mp.get_context("fork").Pool(processes) as pool:
            found = pool.starmap(_match, [(self.cues_path, c) for c in chunks])
        for chunk, matched in zip(chunks, found):
            self._memo.update((t, MappingProxyType(f)) for t, f in zip(chunk, matched))

    def predict_codes(self, texts: list[str]) -> list[set[str]]:
        return [set(self.cue_matches(t)) for t in texts]


def _match(cues_path: str, texts: list[str]) -> list[dict[str, list[str]]]:
    """`CueClassifier.matches` of `texts`, in a forked worker (`remember`), with the rules of that
    cue file (already loaded in the parent)."""
    rules = cue_rules(cues_path)
    return [rules.matches(t) for t in texts]


@functools.lru_cache(maxsize=1)
def _money() -> MoneyExtractor:
    """The MONEY extractor, for its roles; amounts naming no currency count too (the currency is not read)."""
    return MoneyExtractor(default_currency="KZT")


@functools.lru_cache(maxsize=4)
def cue_rules(cues_path: str = str(CUES)) -> CueClassifier:
    """One cue classifier per process and cue file, shared by every model that uses the rules (and
    so is its memory of texts already matched)."""
    return CueClassifier(cues_path=cues_path)
