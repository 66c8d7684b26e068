"""Language of a segment: `ru`, `ky`, `mixed`, or `other` (Kazakh, English, no words at all).

Testimony comes in Russian, in Kyrgyz, and in both at once; Kazakh (the closest written neighbour of
Kyrgyz) and English must not be mistaken for either. No labelled corpus exists to train on, so the
decision is made from linguistic evidence per word, weighed by hand (lexicons in data/langid.yaml):

* letters: ә ғ қ ұ һ і are Kazakh only; ң ө ү and long vowels (оо, уу, ээ ...) are Kyrgyz (ң ө ү also
  Kazakh); Kazakh also shows in the genitive -ның and the glide of тау, келу (Kyrgyz тоо, келүү);
  Latin script is neither language;
* function words and frequent forms of each language, including the Kyrgyz/Kazakh spelling pairs
  (бул/бұл, эмес/емес, болду/болды) and words both Russian and Kyrgyz speakers use (да, ну, короче);
* Russian: whether pymorphy3's dictionary knows the word (93 % of Russian running words, < 20 % of
  Kyrgyz ones); names, nouns (the word class languages borrow) and above all the loanwords of Kyrgyz
  speech (паспорт, хозяин, милиция) count less than verbs and function words;
* Kyrgyz: verbal endings and nominal suffix chains (nlp_toolkit.kyrgyz) on words Russian does not know.

Capitalised words inside a sentence (names: Кара-Суу in Russian, Қарағанды in Kyrgyz) and
abbreviations count for little. Each sentence (razdel) gets a language; inside it, clauses of three
words or more that clearly belong to the other language are relabelled, so a Kyrgyz sentence that
switches to Russian for a clause is seen. The segment is `mixed` when both Russian and Kyrgyz stretches
carry more than a single word's worth of evidence, otherwise it takes the language holding most words.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from razdel import sentenize

from ..errors import ToolkitError
from ..io import read_yaml
from ..kyrgyz import SUFFIX_CHAIN, StemIndex, is_suffix_chain
from ..memo import Memo
from ..morph import best, is_known, lemmas
from ..text import fold, normalise, words

DATA = Path(__file__).parent / "data" / "langid.yaml"
LANGS = ("ru", "ky", "mixed", "other")

KK_LETTERS = frozenset("әғқұһі")
KY_LETTERS = frozenset("ңөү")
_CYRILLIC = re.compile(r"[а-яеңөүәғқұһі]")
_LONG_VOWEL = re.compile(r"аа|оо|уу|ыы|ээ|өө|үү")  # Kyrgyz writes long vowels double; Kazakh and Russian hardly
_KK_GLIDE = re.compile(r"[аеыі]у")  # Kazakh тау, жауап, келу where Kyrgyz has тоо, жооп, келүү
# Stress marks split words; as soft hyphens (same length) they stay inside the word and fold() drops them.
_STRESS = str.maketrans({"\u0301": "\u00ad", "\u0300": "\u00ad"})
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")  # addresses are no language evidence
_CLAUSE_BREAK = re.compile(r"(?<!\d),|,(?!\d)|[;:()«»\"“”„]|\s-\s")
_PROPER = {"Geox", "Name", "Surn", "Patr", "Orgn", "Trad", "Abbr"}  # pymorphy3 tags of names and abbreviations

NAME_WEIGHT = 0.3  # a capitalised word inside a sentence, or an abbreviation: mostly a name
NOUN_WEIGHT = 0.7  # a Russian noun outside the loanword list: Kyrgyz speech borrows nouns freely
KK_SHARE = 0.25  # Kazakh needs this much of the Kyrgyz-or-shared evidence (one Kazakh name is not enough)
MIN_CLAUSE_WORDS = 3  # shorter clauses follow their sentence (a loanword pair is no code switch)
CLAUSE_MARGIN = 2.0  # a clause leaves its sentence's language only with this much more evidence for another
CLAUSE_MIN_EVIDENCE = 2.0  # ... and at least two plain words' worth of it
# A segment is mixed when Russian and Kyrgyz each have sentences or clauses of their own carrying this much
# evidence for them: more than one word's worth, so a lone "Жок." or "Вот так." among the other language
# is an interjection, while "Үйгө кеч келдик." before Russian sentences is a switch.
MIXED_MIN_EVIDENCE = 1.5


class Evidence(NamedTuple):
    """Evidence for each language, summed over words; `ky_only` is the part of `ky` Kazakh lacks."""

    ru: float = 0.0
    ky: float = 0.0
    kk: float = 0.0
    other: float = 0.0
    ky_only: float = 0.0

    def scaled(self, factor: float) -> Evidence:
        return Evidence(*(x * factor for x in self))

    @staticmethod
    def total(items) -> Evidence:
        return Evidence(*(sum(xs) for xs in zip(*items))) if items else Evidence()


def _clear(ev: Evidence, lang: str | None) -> bool:
    """Is `lang` the language of `ev` by a clear margin (CLAUSE_MARGIN times every rival, CLAUSE_MIN_EVIDENCE)?"""
    if lang is None:
        return False
    values = {"ru": ev.ru, "ky": ev.ky, "kk": ev.kk, "other": ev.other}
    best = values.pop(lang)
    return best >= CLAUSE_MIN_EVIDENCE and all(best >= CLAUSE_MARGIN * v for v in values.values())


@dataclass(frozen=True)
class Lexicon:
    """The word lists of data/langid.yaml, as sets, and the ending patterns built from them."""

    kyrgyz: frozenset[str]
    turkic: frozenset[str]
    kazakh: frozenset[str]
    russian: frozenset[str]
    shared: frozenset[str]
    loanwords: frozenset[str]
    kyrgyz_tail: re.Pattern  # a Kyrgyz verbal ending, optionally followed by a nominal suffix chain
    russian_endings: tuple[str, ...]
    kazakh_endings: tuple[str, ...]
    russian_number_endings: frozenset[str]

    def listed(self, w: str) -> bool:
        return w in self.kyrgyz or w in self.turkic or w in self.kazakh or w in self.russian or w in self.shared

    def listed_turkic(self, w: str) -> bool:
        """A Kyrgyz or Kazakh function word or frequent form (анда, биздин, мен): never a personal name."""
        return w in self.kyrgyz or w in self.turkic or w in self.kazakh


def _flat(value) -> list[str]:
    return [w for item in value for w in _flat(item)] if isinstance(value, list) else [fold(str(value))]


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str | Path = DATA) -> Lexicon:
    """Read the lexicons once; a word in two word lists is an authoring error (its evidence would be ambiguous)."""
    raw = read_yaml(path, "language-ID lexicon")
    names = ("kyrgyz", "turkic", "kazakh", "russian", "shared", "loanwords")
    lists = {k: frozenset(_flat(raw.get(k, []))) for k in names}
    seen: dict[str, str] = {}
    for name, ws in lists.items():
        if name == "loanwords":  # lemmas, looked up after the word lists
            continue
        for w in ws:
            if w in seen:
                raise ToolkitError(f"{path}: {w!r} is in both {seen[w]!r} and {name!r}")
            seen[w] = name
    endings = sorted(_flat(raw.get("kyrgyz_endings", [])), key=len, reverse=True)
    tail = re.compile(rf"(?:{'|'.join(endings)})(?:{SUFFIX_CHAIN.pattern})")
    return Lexicon(**lists, kyrgyz_tail=tail, russian_endings=tuple(_flat(raw.get("russian_endings", []))),
                   kazakh_endings=tuple(_flat(raw.get("kazakh_endings", []))),
                   russian_number_endings=frozenset(_flat(raw.get("russian_number_endings", []))))


@dataclass
class Clause:
    """A stretch of a sentence with its language and number of words (for reports and `mixed`)."""

    start: int
    end: int
    lang: str  # ru, ky, kk, other
    n_words: int
    evidence: Evidence


class LanguageIdentifier:
    """ru / ky / mixed / other per segment, from per-word evidence decided per sentence and clause."""

    def __init__(self, lexicon_path: str | Path = DATA) -> None:
        self.lex = load_lexicon(lexicon_path)
        self._stems = StemIndex(w for w in self.lex.kyrgyz | self.lex.turkic if len(w) >= 3)
        self._word_evidence = Memo(self._evidence, 500_000)  # folded word -> its evidence out of context
        self._token_variants = Memo(self._variants, 500_000)  # word as written -> `_variants`

    # --- words ---------------------------------------------------------------------------------

    def _kyrgyz_form(self, w: str) -> bool:
        """Stem of two letters or more + a Kyrgyz verbal ending or a nominal suffix chain of two letters or more."""
        for cut in range(2, len(w) - 1):
            tail = w[cut:]
            if self.lex.kyrgyz_tail.fullmatch(tail) or is_suffix_chain(tail):
                return True
        return False

    def word_evidence(self, word: str) -> Evidence:
        """Evidence of one word out of context (cached per folded word)."""
        return self._word_evidence[fold(word)]

    def _evidence(self, w: str) -> Evidence:
        lex = self.lex
        letters = set(w)
        if not _CYRILLIC.search(w):
            return Evidence(other=1.0)
        if letters & KK_LETTERS or w in lex.kazakh or w.endswith(lex.kazakh_endings):
            return Evidence(kk=1.0)
        if w in lex.kyrgyz:
            return Evidence(ky=1.0, ky_only=1.0)
        if w in lex.turkic:
            return Evidence(ky=1.0)
        if w in lex.russian:
            return Evidence(ru=1.0)
        if w in lex.shared:
            return Evidence(ru=0.2, ky=0.1)
        known = is_known(w)
        if _LONG_VOWEL.search(w) and not known:
            return Evidence(ky=1.0, ky_only=1.0)
        if letters & KY_LETTERS:
            return Evidence(ky=1.0)
        if _KK_GLIDE.search(w) and not known:
            return Evidence(kk=1.0)
        if known:
            # Names (Бишкек, Марат, also нан, тим) and loanwords (паспорт, хозяин) say little about the language.
            p = best(w)
            if (p is not None and _PROPER & p.tag.grammemes) or lemmas(w) & lex.loanwords:
                return Evidence(ru=NAME_WEIGHT)
            # Short content words (кой, чал, дан) are rare in Russian, common as Kyrgyz homographs; Kyrgyz
            # forms that happen to be Russian words (алды, калган, айда) stay ambiguous.
            if len(w) <= 3:
                return Evidence(ru=0.5)
            if self._kyrgyz_form(w):
                return Evidence(ru=0.5, ky=0.3)
            # Nouns are what languages borrow first (домработница болуп); verbs and function words are not.
            return Evidence(ru=NOUN_WEIGHT) if p is not None and "NOUN" in p.tag else Evidence(ru=1.0)
        stems = self._stems.find(w)
        if stems:  # an inflected form of a listed Kyrgyz word (жумушка, акчаны, кызматы)
            return Evidence(ky=1.0, ky_only=1.0 if stems & lex.kyrgyz else 0.0)
        if self._kyrgyz_form(w):
            return Evidence(ky=0.7)
        if w.endswith(lex.russian_endings):
            return Evidence(ru=0.6)
        return Evidence(ru=0.2, ky=0.3)  # unknown to Russian's dictionary, which covers most Russian words

    def _token_evidence(self, word: str, first: bool, after_numeral: bool) -> Evidence:
        """Evidence of a word in its sentence: names, abbreviations and endings on numerals weigh less."""
        inside, at_start, on_numeral = self._token_variants[word]
        return on_numeral if after_numeral and on_numeral is not None else at_start if first else inside

    def _variants(self, word: str) -> tuple[Evidence, Evidence, Evidence | None]:
        """`_token_evidence` of a word as written: (inside a sentence, first in it, after a numeral if
        that differs)."""
        w = fold(word)
        ev = self.word_evidence(w)
        if self.lex.listed(w):
            return ev, ev, None
        if len(w) <= 4:  # 5-ти, 10-го (Russian) or 10дон, 4%га (Kyrgyz)
            if w in self.lex.russian_number_endings:
                on_numeral = Evidence(ru=0.5)
            else:
                on_numeral = Evidence(ky=0.5) if is_suffix_chain(w) else Evidence()
        else:
            on_numeral = None
        name = ev.scaled(NAME_WEIGHT)
        first = name if len(word) > 1 and word.isupper() else ev
        inside = name if first is name or word[:1].isupper() else ev
        return inside, first, on_numeral

    # --- sentences and clauses -----------------------------------------------------------------

    @staticmethod
    def _decide(ev: Evidence) -> str | None:
        """Language of a stretch from its summed evidence; None when it has none.

        Latin script wins only when it outweighs all Cyrillic; then Russian against Turkic; then Kazakh
        against Kyrgyz, which needs more Kazakh-only than Kyrgyz-only evidence, a quarter of the Kyrgyz
        evidence, and a whole word's worth unless Kyrgyz has less (so one Kazakh name stays a name).
        """
        if ev.ru + ev.ky + ev.kk + ev.other < 0.1:
            return None
        if ev.other > ev.ru + ev.ky + ev.kk:
            return "other"
        if ev.ru >= ev.ky + ev.kk:  # Russian or Turkic first; a tie goes to Russian ("Да.")
            return "ru"
        if ev.kk > ev.ky_only and ev.kk >= KK_SHARE * ev.ky and ev.kk >= min(1.0, ev.ky):
            return "kk"
        return "ky"

    def clauses(self, text: str) -> list[Clause]:
        """Sentences (razdel) cut at clause punctuation, each piece with its language; offsets into `text`.

        A piece takes its sentence's language unless it has MIN_CLAUSE_WORDS words and clearly (by a
        factor of CLAUSE_MARGIN) belongs to another: that is a code switch, not a loanword.
        """
        norm = normalise(text).translate(_STRESS)
        norm = _URL.sub(lambda m: " " * len(m.group(0)), norm)
        out: list[Clause] = []
        all_toks, k = words(norm), 0  # the whole text's words (text.py remembers them for the next stage)
        for sent in sentenize(norm):
            toks = []
            while k < len(all_toks) and all_toks[k][0] < sent.start:
                k += 1
            while k < len(all_toks) and all_toks[k][1] <= sent.stop:
                at, end, w = all_toks[k]
                before = norm[max(0, at - 2):at]
                on_numeral = before[-1:].isdigit() or (before[-1:] in ("-", "%") and before[:1].isdigit())
                toks.append((at, end, self._token_evidence(w, not toks, on_numeral)))
                k += 1
            sent_lang = self._decide(Evidence.total([t[2] for t in toks]))
            if sent_lang is None:
                continue
            breaks = [sent.start + m.start() for m in _CLAUSE_BREAK.finditer(sent.text)] + [sent.stop]
            pos = 0
            for brk in breaks:
                part = []
                while pos < len(toks) and toks[pos][0] < brk:
                    part.append(toks[pos])
                    pos += 1
                if not part:
                    continue
                ev = Evidence.total([t[2] for t in part])
                lang = self._decide(ev) if len(part) >= MIN_CLAUSE_WORDS else None
                if lang != sent_lang and not _clear(ev, lang):
                    lang = sent_lang
                out.append(Clause(part[0][0], part[-1][1], lang, len(part), ev))
        return out

    # --- segments ------------------------------------------------------------------------------

    def scores(self, text: str) -> dict[str, float]:
        """Summed evidence per language over the segment (`kk` Kazakh, `other` non-Cyrillic words) and
        the share of words in clauses decided as each of ru, ky, kk, other."""
        cls = self.clauses(text)
        ev = Evidence.total([c.evidence for c in cls])
        n = sum(c.n_words for c in cls) or 1
        shares = Counter()
        for c in cls:
            shares[c.lang] += c.n_words / n
        return {"ru": round(ev.ru, 3), "ky": round(ev.ky, 3), "kk": round(ev.kk, 3), "other": round(ev.other, 3),
                **{f"share_{k}": round(shares.get(k, 0.0), 3) for k in ("ru", "ky", "kk", "other")}}

    def detect(self, text: str) -> str:
        """`ru`, `ky`, `mixed` (both languages substantial) or `other` (Kazakh, Latin-script text, no words)."""
        counts: Counter[str] = Counter()  # words per language
        own: Counter[str] = Counter()  # evidence for each language inside the stretches decided as it
        for c in self.clauses(text):
            counts[c.lang] += c.n_words
            own[c.lang] += getattr(c.evidence, c.lang)
        if not counts:
            return "other"
        if own["ru"] >= MIXED_MIN_EVIDENCE and own["ky"] >= MIXED_MIN_EVIDENCE:
            return "mixed"
        best = max(counts, key=counts.get)
        return best if best in ("ru", "ky") else "other"


@functools.lru_cache(maxsize=1)
def default_identifier() -> LanguageIdentifier:
    return LanguageIdentifier()


@functools.lru_cache(maxsize=8192)
def detect_language(text: str) -> str:
    """`LanguageIdentifier().detect(text)` with the default lexicons, cached (segments repeat across runs)."""
    return default_identifier().detect(text)
