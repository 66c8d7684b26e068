"""Kyrgyz morphology by rule: suffix chains after a known stem.

Kyrgyz is agglutinative: a noun takes plural + possessive + case suffixes in that order, with
vowel harmony and consonant assimilation (Бишкек-тен, Ош-ко, ортомчу-лар-дан). No pretrained
analyser exists offline, so lexicons store stems and `matches_stem` accepts a word when what
follows the stem is a well-formed suffix chain. One regex serves actors, places and language ID.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from .text import fold

VOWELS = _V = "аыоуеиөүэюяё"
_PLURAL = r"(?:лар|лер|лор|лөр|дар|дер|дор|дөр|тар|тер|тор|төр)"
# After a consonant (кожоюн-убуз) and after a vowel (ортомчу-буз, ортомчу-ңуз).
_POSSESSIVE = (r"(?:ыбыз|ибиз|убуз|үбүз|ыңыз|иңиз|уңуз|үңүз|ыңар|иңер|уңар|үңөр|быз|биз|буз|бүз|ңыз|ңиз|ңуз|ңүз"
               r"|ңар|ңер|ңор|ңөр|сы|си|су|сү|ым|им|ум|үм"
               r"|ың|иң|уң|үң|м|ң|ы|и|у|ү)")
_CASE = (r"(?:нын|нин|нун|нүн|дын|дин|дун|дүн|тын|тин|тун|түн|"  # genitive
         r"га|ге|го|гө|ка|ке|ко|кө|на|не|но|нө|а|е|о|ө|"  # dative (incl. after possessive)
         r"ны|ни|ну|нү|ды|ди|ду|дү|ты|ти|ту|тү|н|"  # accusative
         r"нда|нде|ндо|ндө|да|де|до|дө|та|те|то|тө|"  # locative
         r"ндан|нден|ндон|ндөн|дан|ден|дон|дөн|тан|тен|тон|төн|нан|нен|нон|нөн)")  # ablative
_AFTER = r"(?:дагы|деги|догу|дөгү|тагы|теги|тогу|төгү|гы|ги|гу|гү|ча|че|чо|чө|дай|дей|дой|дөй|тай|тей|той|төй|чы|чи|чу|чү|бы|би|бу|бү|мы|ми|му|мү|пы|пи|пу|пү|дыр|дир|дур|дүр|тыр|тир|тур|түр|сыз|сиз|суз|сүз)?"
SUFFIX_CHAIN = re.compile(rf"(?:{_PLURAL})?(?:{_POSSESSIVE})?(?:{_CASE})?{_AFTER}(?:{_PLURAL})?{_AFTER}")

# Verb endings after a verb stem, for the few verbs lexicons list (жөнөт-өт "sends", алып бар-ды "took"):
# negation, reciprocal/plural -ыш, one tense/aspect/mood suffix, a personal ending, then (participles and
# verbal nouns) a nominal chain: бар-ат, бар-ыш-ты, жөнөт-көн-дө, жибер-ип-тир.
_NEGATION = r"(?:ба|бе|бо|бө|па|пе|по|пө|ма|ме|мо|мө)"
_TENSE = (r"(?:ып|ип|уп|үп|п|ат|ет|от|өт|йт|а|е|о|ө|й|ды|ди|ду|дү|ты|ти|ту|тү|ган|ген|гон|гөн|кан|кен|кон|көн"
          r"|чу|чү|мак|мек|мок|мөк|са|се|со|сө|бай|бей|бой|бөй|ыш|иш|уш|үш)")
_PERSON = (r"(?:мын|мин|мун|мүн|сың|сиң|суң|сүң|сыз|сиз|суз|сүз|быз|биз|буз|бүз|пыз|пиз|пуз|пүз|ңыз|ңиз|ңуз|ңүз"
           r"|ңар|ңер|ңор|ңөр|тыр|тир|тур|түр|м|ң|к|т)")
VERB_CHAIN = re.compile(rf"{_NEGATION}?(?:ыш|иш|уш|үш)?{_TENSE}{_PERSON}?(?:{SUFFIX_CHAIN.pattern})")

# Final consonants that voice before a vowel-initial suffix (китеп -> китеби, кожоюн stays).
_VOICING = {"к": "г", "п": "б", "т": "д"}


# Vowel harmony: a suffix vowel keeps its height (low а/е/о/ө, high ы/и/у/ү) and takes the
# backness and rounding of the vowel before it (Бишкек-тен, Ош-ко, Алтынбек-тин, Гүлзат-тын).
_LOW = {**dict.fromkeys("аыуяю", "а"), **dict.fromkeys("оё", "о"), **dict.fromkeys("еиэ", "е"), **dict.fromkeys("өү", "ө")}
_HIGH = {**dict.fromkeys("аыя", "ы"), **dict.fromkeys("оуёю", "у"), **dict.fromkeys("еиэ", "и"), **dict.fromkeys("өү", "ү")}
_VOICELESS = set("кпстфхцчшщ")


def _first_consonant(stem_end: str, suffix: str) -> str:
    """The alternating first consonant of a case or plural suffix after a stem ending in `stem_end`:
    genitive/accusative н/д/т, locative/ablative д/т, dative г/к, plural л/д/т."""
    c, rest = suffix[0], suffix[1:]
    vowel_end, voiceless = stem_end in _V, stem_end in _VOICELESS
    if c in "ндт" and rest[:1] in ("ы", "и", "у", "ү"):
        return "н" if vowel_end else "т" if voiceless else "д"
    if c in "лдт" and rest[:1] in _LOW and rest[1:2] == "р":
        return "л" if vowel_end or stem_end in "йр" else "т" if voiceless else "д"
    if c in "дт" and rest[:1] in _LOW:
        return "т" if voiceless else "д"
    if c in "гк" and rest[:1] in _LOW:
        return "к" if voiceless else "г"
    return c


def harmonise(stem: str, suffix: str) -> str:
    """`suffix` (taken from another word) fitted to `stem` by vowel harmony and consonant
    assimilation: harmonise("Алтынбек", "дын") -> "тин", harmonise("Айгүл", "га") -> "гө"."""
    if not suffix or not stem:
        return suffix
    low = stem.lower()
    out = [_first_consonant(low[-1], suffix.lower())] if suffix[0].lower() not in _V else []
    prev = next((ch for ch in reversed(low) if ch in _V), "а")
    for ch in suffix.lower()[len(out):]:
        if ch in _LOW.values() or ch in _HIGH.values():
            ch = (_LOW if ch in "аеоө" else _HIGH)[prev]
            prev = ch
        out.append(ch)
    return "".join(out)


@functools.lru_cache(maxsize=100_000)
def is_suffix_chain(rest: str) -> bool:
    """True if `rest` (lower-case, possibly empty) is a plausible chain of inflectional suffixes."""
    return rest == "" or SUFFIX_CHAIN.fullmatch(rest) is not None


def matches_stem(word: str, stem: str) -> bool:
    """Does `word` (any case) consist of `stem` followed by Kyrgyz inflection?

    Handles final-consonant voicing (Бишкек -> Бишкеги) and a vowel-final stem taking a buffer
    consonant (ортомчу -> ортомчусу).
    """
    w, s = fold(word), fold(stem)
    if w.startswith(s) and is_suffix_chain(w[len(s):]):
        return True
    if s and s[-1] in _VOICING:
        voiced = s[:-1] + _VOICING[s[-1]]
        if w.startswith(voiced) and w[len(voiced):][:1] in tuple(_V) and is_suffix_chain(w[len(voiced):]):
            return True
    return False


@functools.lru_cache(maxsize=100_000)
def is_verb_chain(rest: str) -> bool:
    """True if `rest` (lower-case) is a plausible verb ending: never empty, a bare stem is an imperative
    that lexicons do not need, and it would match nouns spelt like the stem."""
    return VERB_CHAIN.fullmatch(rest) is not None


def matches_verb(word: str, stem: str) -> bool:
    """Does `word` consist of the verb `stem` and a verb ending (жөнөтөт, жөнөткөн, алып барышты)?"""
    w, s = fold(word), fold(stem)
    return w.startswith(s) and is_verb_chain(w[len(s):])


def stem_forms(stem: str) -> set[str]:
    """The shapes a stem takes inside a word: itself, and voiced before a vowel (элчилик -> элчилиг-и)."""
    s = fold(stem)
    return {s, s[:-1] + _VOICING[s[-1]]} if s and s[-1] in _VOICING else {s}


_GENITIVE = ("нын", "нин", "нун", "нүн", "дын", "дин", "дун", "дүн", "тын", "тин", "тун", "түн")


_ABLATIVE = ("дан", "ден", "дон", "дөн", "тан", "тен", "тон", "төн", "нан", "нен", "нон", "нөн")
_SPATIAL = ("га", "ге", "го", "гө", "ка", "ке", "ко", "кө", "на", "не", "но", "нө",  # dative
            "да", "де", "до", "дө", "та", "те", "то", "тө",  # locative (-нда after a possessive too)
            *_ABLATIVE)


def is_genitive(word: str) -> bool:
    """Does `word` end in a genitive suffix (кожоюндун, консулдуктун)? Possessor before possessed."""
    return fold(word).endswith(_GENITIVE)


def is_spatial(word: str) -> bool:
    """Does `word` end in a dative, locative or ablative suffix (консулдукка, элчиликте, Бишкектен)?"""
    return fold(word).endswith(_SPATIAL)


def is_ablative(word: str) -> bool:
    """Does `word` end in an ablative suffix (консулдуктан, Бишкектен): "from"?"""
    return fold(word).endswith(_ABLATIVE)


def split_suffix(word: str, stems: set[str], max_suffix: int = 9) -> str | None:
    """The stem from `stems` that `word` starts with, leaving a valid suffix chain (longest stem wins)."""
    w = fold(word)
    for cut in range(len(w), max(0, len(w) - max_suffix) - 1, -1):
        stem = w[:cut]
        if stem in stems and is_suffix_chain(w[cut:]):
            return stem
    return None


@functools.lru_cache(maxsize=200_000)
def stem(word: str, min_stem: int = 3) -> str:
    """Crude Kyrgyz stem for features: the shortest prefix (>= min_stem letters) followed by a suffix chain."""
    w = fold(word)
    for cut in range(min(min_stem, len(w)), len(w)):
        if is_suffix_chain(w[cut:]):
            return w[:cut]
    return w


class StemIndex:
    """Find which of many stems a word inflects, by looking up its prefixes (no scan over all stems).

    Built once from a lexicon's Kyrgyz stems; `find` answers for a word in a few dict look-ups.
    """

    def __init__(self, stems: Iterable[str], max_suffix: int = 12) -> None:
        self.max_suffix = max_suffix
        self._forms: dict[str, set[str]] = {}
        for s in stems:
            for form in stem_forms(s):
                self._forms.setdefault(form, set()).add(fold(s))

    def split(self, word: str) -> list[tuple[str, str]]:
        """(stem, suffix) for each stem `word` inflects, longest stem first (Бишкектен -> бишкек, тен)."""
        w = fold(word)
        out = []
        for cut in range(len(w), max(0, len(w) - self.max_suffix) - 1, -1):
            for s in self._forms.get(w[:cut], ()):
                if matches_stem(w, s):
                    out.append((s, w[cut:]))
        return out

    def find(self, word: str) -> set[str]:
        """The stems `word` is an inflection of."""
        return {s for s, _ in self.split(word)}
