"""Money amounts (MONEY): value range, currency and what the money was for.

Amounts come in every shape people say them in Russian and Kyrgyz: digits with spaces, dots or
commas ("12 000", "12.000", "1,5 млн"), number words ("полторы тысячи", "эки жүз", "миң жарым"),
ranges ("от 5 до 20 тысяч тенге", "200-300 сом", "5 миңден 10 миңге чейин") and lists whose
currency is said once ("по 500 или 1000 тенге"). The text is cut into elements (digits, number
words, multipliers, currencies), a small grammar reads amounts off them, and context fills in what
is missing: a currency said elsewhere in the passage (or the interview's default), and the role
(bribe, fee, wage, fine, debt, other) from the nearest cue word. All words live in data/money.yaml.

A bare number ("в 2019 году", "14 лет", "5 человек") is never money: an amount needs a currency
or a multiplier (тысяч, миң, млн) whose currency the context gives.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from ..codebook import CURRENCIES, load_codebook
from ..errors import ToolkitError
from ..io import read_yaml
from ..kyrgyz import StemIndex
from ..memo import Memo
from ..morph import analyzer, lemma, lemmas, parse
from ..registry import extractors
from ..text import fold, normalise
from .base import entity

LEXICON = Path(__file__).parent / "data" / "money.yaml"
EXACT = "="  # marks a cue word matched as written, not by lemma
PREFIX_MARK = "*"  # marks a Kyrgyz cue word matched by its beginning
PREFIX = 3  # Russian words are lemmatised only if they start like a form of some cue word
MAX_GAP = 3  # spaces allowed between the parts of one amount
CACHE_LIMIT = 200_000
PAYER = "worker_pays"  # pseudo-role of the cues in money.yaml's `worker_pays`: who paid, not what for

# Element kinds.
NUM, NW, MULT, HALF, CUR, FOREIGN, DASH, DOT, WORD, PUNCT = range(10)
_WORDLIKE = frozenset({NW, MULT, HALF, CUR, FOREIGN, WORD})

_WORD_PATTERN = r"[^\W\d_](?:[^\W\d_]|\u00ad)*"
TOKEN_RE = re.compile(rf"(?P<num>\d+(?:[.,]\d+)*)|(?P<word>{_WORD_PATTERN})|(?P<dash>-)|(?P<dot>\.)|(?P<other>\S)")
SENTENCE_END = re.compile(r"[.!?…]+[\"»)]*\s+(?=[\"«(\-]?\s*[A-ZА-ЯЁӨҮҢ0-9])|\n")
_SEP = re.compile(r"[.,]")
_DIGIT = re.compile(r"\d")
_WORD = re.compile(_WORD_PATTERN)  # TOKEN_RE's words
_SIGN = re.compile(r"[^\w\s.\-]")  # TOKEN_RE's other characters: currency signs among them
_STARTS = {NUM, NW, MULT, HALF, CUR, FOREIGN}
THREE_DIGITS = re.compile(r"\d{3}")
GROUPED = re.compile(r"\d{1,3}(?: \d{3})*")  # a number written "12 000 000" so far


@dataclass(frozen=True)
class Cue:
    role: str
    keys: tuple[str, ...]  # Russian lemmas or Kyrgyz stems, one per word
    weight: float
    kyrgyz: bool


@dataclass
class Lexicon:
    words: dict[str, tuple]  # folded form -> element description (see describe)
    ky_index: StemIndex  # Kyrgyz multiplier/currency/foreign stems, for suffixed words
    ky_stems: dict[str, tuple]  # stem -> element description
    ky_prefixes: frozenset[str]  # first two letters of those stems: other words skip the stem search
    currency_prefixes: dict[str, str]
    currency_before: frozenset[str]
    currency_after: frozenset[str]
    not_currency: frozenset[str]
    abbreviations: frozenset[str]
    digit_endings: frozenset[str]
    genitive_before: frozenset[str]
    half_after_s: frozenset[str]
    half_prefix: str
    counted_ru: frozenset[str]
    counted_ky: StemIndex
    money_words: frozenset[str]
    range_from: frozenset[str]
    range_to: frozenset[str]
    range_until: frozenset[str]
    ablative: frozenset[str]
    dative: frozenset[str]
    joiners: frozenset[str]
    cues: dict[str, list[Cue]]  # first key -> cues starting with it, longest first
    cue_index: StemIndex  # Kyrgyz cue stems
    cue_prefixes: tuple[str, ...]  # Kyrgyz verb cues matched by prefix ("орноштур*")
    ru_prefixes: frozenset[str]
    reach: int
    sentence_penalty: float
    payer_silences_below: float
    particles: frozenset[str]  # Kyrgyz particles a multi-word cue may contain ("эле", "гана")
    weak_below: float
    priority: dict[str, int]
    # Remembered per word (or text) for every extractor sharing this lexicon (`load_lexicon`):
    # what a word is, its cue keys, the cues it may start, and a normalised text's elements (the code
    # classifier's cue rules read the roles of the segments the tagger has just read, and
    # `MoneyExtractor.interview` reads a segment twice when it needs the interview's currency).
    _described: Memo = field(init=False, repr=False, compare=False)
    _keys: Memo = field(init=False, repr=False, compare=False)
    _starts: Memo = field(init=False, repr=False, compare=False)
    elements: Memo = field(init=False, repr=False, compare=False)

    ELEMENTS_MEMO = 1024

    def __post_init__(self) -> None:
        self._described = Memo(self._describe, CACHE_LIMIT)
        self._keys = Memo(self._word_keys, CACHE_LIMIT)
        self._starts = Memo(self._cues_from, CACHE_LIMIT)
        self.elements = Memo(self._parse_elements, self.ELEMENTS_MEMO)

    def describe(self, word: str) -> tuple:
        """What a folded word is: (kind, value, class, lang, number, iso, suffix)."""
        return self._described[word]

    def _describe(self, word: str) -> tuple:
        found = self.words.get(word)
        if found is None and word not in self.not_currency and word[:2] in self.ky_prefixes:
            for stem, suffix in self.ky_index.split(word):
                kind, value, cls, lang, number, iso, _ = self.ky_stems[stem]
                return kind, value, cls, lang, number, iso, suffix or None
        return found or (WORD, None, None, None, None, None, None)

    def keys(self, word: str, kyrgyz: bool) -> frozenset[str]:
        """Cue keys of a word: its Russian lemmas, and (if Kyrgyz is possible) the cue stems it inflects."""
        return self._keys[word, kyrgyz]

    def _word_keys(self, word_kyrgyz: tuple[str, bool]) -> frozenset[str]:
        word, kyrgyz = word_kyrgyz
        w = fold(word)
        out = set(lemmas(w)) if w[:PREFIX] in self.ru_prefixes else {w}
        out.add(EXACT + w)
        if kyrgyz:
            out |= self.cue_index.find(w)
            out.update(p + PREFIX_MARK for p in self.cue_prefixes if w.startswith(p))
        return frozenset(out)

    def cues_from(self, word: str, kyrgyz: bool) -> tuple[Cue, ...]:
        """The cues that may start at a word, in the order they are tried (by key, sorted: set order
        varies by run, and ties need a fixed one); Kyrgyz cues only if Kyrgyz is possible. Remembered:
        each amount looks at every word in reach, and most words start none."""
        return self._starts[word, kyrgyz]

    def _cues_from(self, word_kyrgyz: tuple[str, bool]) -> tuple[Cue, ...]:
        word, kyrgyz = word_kyrgyz
        return tuple(cue for key in sorted(self.keys(word, kyrgyz)) for cue in self.cues.get(key, ())
                     if kyrgyz or not cue.kyrgyz)

    def _parse_elements(self, norm: str) -> list[_El]:
        """A normalised text's elements (read-only once built: `elements` remembers them)."""
        els: list[_El] = []
        for m in TOKEN_RE.finditer(norm):
            kind, s, e = m.lastgroup, m.start(), m.end()
            if kind == "num":
                prev = els[-1] if els else None
                # "12 000": a group of exactly three digits one space after a short number joins it
                if (prev is not None and prev.kind == NUM and s - prev.end == 1 and norm[prev.end] == " "
                        and THREE_DIGITS.fullmatch(m.group()) and GROUPED.fullmatch(prev.text)):
                    prev.text, prev.end = f"{prev.text} {m.group()}", e
                    continue
                els.append(_El(NUM, s, e, m.group()))
            elif kind == "word":
                w = fold(m.group())
                desc = self.describe(w)
                els.append(_El(desc[0], s, e, w, desc, m.group()[0].isupper()))
            elif kind == "dash":
                els.append(_El(DASH, s, e, "-"))
            elif kind == "dot":
                els.append(_El(DOT, s, e, "."))
            else:
                ch = m.group()
                desc = self.describe(ch)
                els.append(_El(desc[0] if desc[0] in (CUR, FOREIGN) else PUNCT, s, e, ch, desc))
        return els


def _ru_forms(word: str) -> dict[str, set[str]]:
    """Every inflected form of a Russian lemma -> the grammatical numbers it can have (sing/plur)."""
    out: dict[str, set[str]] = {fold(word): set()}
    for p in analyzer().parse(word):
        if p.normal_form.replace("ё", "е") == fold(word):
            for f in p.lexeme:
                out.setdefault(fold(f.word), set()).add(f.tag.number or "")
    return out


def _ru_keys(phrase: str) -> tuple[str, ...]:
    """Lemmas of a cue phrase; a word written "=мне" must match that very form (мне, not я)."""
    return tuple(EXACT + fold(w[1:]) if w.startswith(EXACT) else lemma(w) for w in phrase.split())


def _ky_keys(phrase: str) -> tuple[str, ...]:
    """Stems of a Kyrgyz cue phrase; "=бердим" is matched as written (that person and tense only)."""
    return tuple(EXACT + fold(w[1:]) if w.startswith(EXACT) else fold(w) for w in phrase.split())


def _all_forms(lemmas_: Iterable[str]) -> set[str]:
    return {f for w in lemmas_ for f in _ru_forms(w)}


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str = str(LEXICON)) -> Lexicon:
    """Read money.yaml once per path; Russian forms are generated with pymorphy3 here, not per call."""
    raw = read_yaml(path, "money lexicon")
    try:
        return _build(raw, path)
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ToolkitError(f"{path}: malformed money lexicon ({type(exc).__name__}: {exc})") from None


def _build(raw: dict, path: str) -> Lexicon:
    words: dict[str, tuple] = {}
    ky_stems: dict[str, tuple] = {}

    def put(form: str, desc: tuple) -> None:
        words.setdefault(fold(form), desc)

    for iso, spec in raw["currencies"].items():
        if iso not in CURRENCIES:
            raise ToolkitError(f"{path}: currency {iso} is not one of {', '.join(CURRENCIES)}")
        for form in [*(spec.get("exact") or []), *_all_forms(spec.get("ru") or [])]:
            put(form, (CUR, None, None, None, None, iso, None))
        for stem in spec.get("ky") or []:
            ky_stems[fold(stem)] = (CUR, None, None, "ky", None, iso, None)
    foreign = raw.get("foreign") or {}
    for form in [*(foreign.get("exact") or []), *_all_forms(foreign.get("ru") or [])]:
        words[fold(form)] = (FOREIGN, None, None, None, None, None, None)
    for stem in foreign.get("ky") or []:
        ky_stems.setdefault(fold(stem), (FOREIGN, None, None, "ky", None, None, None))
    mults = raw["multipliers"]
    shared = set(mults.get("ru") or {}) & set(mults.get("ky") or {})  # миллион: either language
    for lem, value in (mults.get("ru") or {}).items():
        lang = None if lem in shared else "ru"
        for form, numbers in _ru_forms(lem).items():
            number = "both" if {"sing", "plur"} <= numbers else "plur" if numbers == {"plur"} else "sing"
            put(form, (MULT, Decimal(str(value)), None, lang, number, None, None))
            if "sing" in numbers and form.endswith(("и", "а")) and "gent" in {
                    p.tag.case for p in analyzer().parse(form) if p.normal_form == lem}:
                put(raw["half_prefix"] + form, (NW, Decimal(str(value)) / 2, "whole", "ru", None, None, None))
    for form, value in (mults.get("exact") or {}).items():
        put(str(form), (MULT, Decimal(str(value)), None, None, "sing", None, None))
    for form, value in (mults.get("strict") or {}).items():
        put(str(form), (MULT, Decimal(str(value)), "strict", None, "sing", None, None))
    for stem, value in (mults.get("ky") or {}).items():
        ky_stems[fold(stem)] = (MULT, Decimal(str(value)), None, None if stem in shared else "ky", "sing", None, None)
    for lang, classes in raw["numbers"].items():
        for cls, entries in classes.items():
            for lem, value in entries.items():
                forms = _ru_forms(lem) if lang == "ru" else {fold(lem): set()}
                for form in forms:
                    put(form, (NW, Decimal(str(value)), cls, lang, None, None, None))
    for form in raw["half"].get("ky") or []:
        put(form, (HALF, None, None, "ky", None, None, None))
    for stem, desc in ky_stems.items():  # the bare stem is a word too (миң, сом)
        words.setdefault(stem, desc)
    ky_index = StemIndex(ky_stems)

    cues: dict[str, list[Cue]] = {}
    ky_cue_stems: set[str] = set()
    roles = load_codebook().money_roles
    for role in raw["roles"]:
        if role not in roles:
            raise ToolkitError(f"{path}: role {role!r} is not a money role ({', '.join(roles)})")
    groups_by_role = {**raw["roles"], PAYER: [raw.get("worker_pays") or {}]}
    for role, groups in groups_by_role.items():
        for group in groups:
            weight = float(group.get("weight", 1))
            for phrase in group.get("ru") or []:
                keys = _ru_keys(phrase)
                cues.setdefault(keys[0], []).append(Cue(role, keys, weight, False))
            for phrase in group.get("ky") or []:
                keys = _ky_keys(phrase)
                ky_cue_stems.update(k for k in keys if not k.endswith(PREFIX_MARK) and k[0] != EXACT)
                cues.setdefault(keys[0], []).append(Cue(role, keys, weight, True))
    for options in cues.values():
        options.sort(key=lambda c: -len(c.keys))
    ru_cue_words = {k for opts in cues.values() for c in opts if not c.kyrgyz for k in c.keys if k[0] != EXACT}
    ru_prefixes = {f[:PREFIX] for f in _all_forms(ru_cue_words)} | {k[:PREFIX] for k in ru_cue_words}
    counted = raw.get("counted") or {}
    rng = raw["range"]
    prior = raw.get("priority") or list(roles)
    return Lexicon(
        words=words, ky_index=ky_index, ky_stems=ky_stems, ky_prefixes=frozenset(s[:2] for s in ky_stems),
        currency_prefixes={fold(p): next(iso for iso, s in raw["currencies"].items()
                                         if fold(p) in {fold(x) for x in s.get("exact") or []})
                           for p in raw.get("currency_prefixes") or []},
        currency_before=frozenset(_all_forms((raw.get("currency_before") or {}).get("ru") or [])),
        currency_after=frozenset(fold(w) for w in raw.get("currency_after") or []),
        not_currency=frozenset(fold(w) for w in raw.get("not_currency") or []),
        abbreviations=frozenset(fold(w) for w in raw.get("abbreviations") or []),
        digit_endings=frozenset(raw.get("digit_endings") or []),
        genitive_before=frozenset(raw.get("genitive_before") or []),
        half_after_s=frozenset(_all_forms(raw["half"].get("ru_after_с") or [])),
        half_prefix=raw["half_prefix"],
        counted_ru=frozenset(lemma(w) for w in counted.get("ru") or []),
        counted_ky=StemIndex(counted.get("ky") or []),
        money_words=frozenset(ru_cue_words | {lemma(w) for w in raw.get("money_nouns") or []}),
        range_from=frozenset(rng["from"]), range_to=frozenset(rng["to"]), range_until=frozenset(rng["until"]),
        ablative=frozenset(rng["ablative"]), dative=frozenset(rng["dative"]),
        joiners=frozenset(raw.get("list_joiners") or []),
        cues=cues, cue_index=StemIndex(ky_cue_stems), ru_prefixes=frozenset(ru_prefixes),
        cue_prefixes=tuple({k[:-1] for opts in cues.values() for c in opts for k in c.keys if k.endswith(PREFIX_MARK)}),
        reach=int(raw.get("role_reach", 40)), sentence_penalty=float(raw.get("sentence_penalty", 6)),
        payer_silences_below=float(raw.get("payer_silences_below", 0)),
        particles=frozenset(fold(w) for w in raw.get("particles") or []),
        weak_below=float(raw.get("weak_below", 0)),
        priority={r: n for n, r in enumerate(prior)},
    )


class _El:
    """One element of the text: a token with what the lexicon says about it."""

    __slots__ = ("kind", "start", "end", "text", "upper", "value", "cls", "lang", "number", "iso", "suffix")

    def __init__(self, kind: int, start: int, end: int, text: str, desc: tuple | None = None,
                 upper: bool = False) -> None:
        self.kind, self.start, self.end, self.text, self.upper = kind, start, end, text, upper
        _, self.value, self.cls, self.lang, self.number, self.iso, self.suffix = desc or (None,) * 7


@dataclass
class _Acc:
    """Adds up number words and multipliers: "две тысячи пятьсот", "бир жарым миң", "эки жүз элүү"."""

    total: Decimal = Decimal(0)
    group: Decimal = Decimal(0)
    last: str | None = None  # what came last: digits, nw, small (жүз), large, half, half_after, whole
    cls: str | None = None  # class of the last number word
    large: Decimal | None = None  # the last multiplier of a thousand or more
    lang: str | None = None
    has_mult: bool = False
    strict: bool = False
    needs_mult: bool = False  # "пару" counts only before a multiplier

    _ORDER = {"hundred": {"ten", "teen", "unit"}, "ten": {"unit"}}

    def value(self) -> Decimal:
        return self.total + self.group

    def lang_ok(self, el: _El) -> bool:
        if el.lang and self.lang and el.lang != self.lang:
            return False
        self.lang = self.lang or el.lang
        return True

    def digits(self, v: Decimal) -> bool:
        if self.last is None or (self.last == "large" and v < self.large):
            self.group, self.last = v, "digits"
            return True
        return False

    def word(self, el: _El) -> bool:
        cls, v = el.cls, el.value
        if cls == "whole":
            if self.last is not None:
                return False
            self.total, self.last, self.has_mult = v, "whole", True
            return True
        if self.last in (None, "large") and (self.large is None or v < self.large):
            self.group, self.cls, self.last = v, cls, "nw"
            self.needs_mult = cls == "unit_before_multiplier"
            return True
        if (self.last == "nw" and cls in self._ORDER.get(self.cls, ())) or \
                (self.last == "small" and cls in ("ten", "unit")):
            self.group += v
            self.cls, self.last = cls, "nw"
            return True
        return False

    def multiplier(self, el: _El) -> bool:
        m = el.value
        if self.last == "whole" or (self.last == "nw" and self.cls == "teen" and m < 1000):
            return False
        if m < 1000:  # Kyrgyz жүз: a hundred inside a group
            if self.last not in (None, "nw") or (self.last == "nw" and self.cls != "unit"):
                return False
            self.group = (self.group or 1) * m
            self.last = "small"
            return True
        if (self.large is not None and m >= self.large) or self.last == "half_after":
            return False
        self.total += (self.group or 1) * m
        self.group, self.large, self.last, self.has_mult = Decimal(0), m, "large", True
        self.strict |= el.cls == "strict"
        self.needs_mult = False
        return True

    def half(self) -> bool:
        if self.last == "large":
            self.total += self.large / 2
        elif self.last == "small":
            self.group += 50
        elif self.last in (None, "nw", "digits"):
            self.group += Decimal("0.5")
            self.last = "half"
            return True
        else:
            return False
        self.last = "half_after"
        return True


def digits_value(raw: str, before_multiplier: bool) -> Decimal | None:
    """The number a digit string stands for: "12000", "12.000"/"12,000" (thousands), "1,5" (decimal).

    One separator followed by three digits groups thousands, unless a multiplier follows ("1,500 млн"
    is read as 1.5 million); followed by one or two digits it is a decimal point. Dates and other
    odd groupings give None.
    """
    raw = raw.replace(" ", "")
    if raw.isdigit():
        return Decimal(raw)
    parts, seps = _SEP.split(raw), _SEP.findall(raw)
    head, tail = parts[0], parts[-1]
    if len(parts) == 2:
        if len(tail) == 3 and not before_multiplier and len(head) <= 3:
            return Decimal(head + tail)
        if len(tail) in (1, 2) or (len(tail) == 3 and before_multiplier):
            return Decimal(f"{head}.{tail}")
        return None
    if len(head) > 3 or len(set(seps[:-1])) != 1 or any(len(p) != 3 for p in parts[1:-1]):
        return None
    if seps[-1] == seps[0] and len(tail) == 3:
        return Decimal("".join(parts))
    if seps[-1] != seps[0] and len(tail) in (1, 2):
        return Decimal("".join(parts[:-1]) + "." + tail)
    return None


@dataclass
class _Part:
    """One amount, or one side of a range, as read from elements i..j-1."""

    i: int
    j: int
    value: Decimal
    has_mult: bool
    strict: bool
    large: Decimal | None
    iso: str | None
    suffix: str | None  # Kyrgyz case suffix on the last word (ablative/dative mark a range)
    foreign: bool = False


@dataclass
class _Amount:
    i: int
    j: int
    start: int
    end: int
    low: Decimal
    high: Decimal
    iso: str | None
    has_mult: bool
    strict: bool
    large: Decimal | None
    currency_from: str = "text"
    role: str = "other"


def _number(v: Decimal) -> int | float:
    return int(v) if v == v.to_integral_value() else float(round(v, 2))


@extractors.register("money")
class MoneyExtractor:
    """MONEY spans with low/high, ISO currency and role.

    `default_currency`: the currency of amounts that name none and have no amount with a currency
    near them (e.g. "KZT" for interviews in Kazakhstan); None leaves such amounts out.
    """

    def __init__(self, default_currency: str | None = None, lexicon: str | Path = LEXICON) -> None:
        self.default_currency = _check_currency(default_currency)
        self.lex = load_lexicon(str(lexicon))

    def __call__(self, text: str, lang: str | None = None, default_currency: str | None = None) -> list[dict]:
        return self._extract(text, lang, _check_currency(default_currency) or self.default_currency)[0]

    def _extract(self, text: str, lang: str | None, default: str | None) -> tuple[list[dict], bool]:
        """(entities, whether some amount was dropped only because no default currency was given)."""
        if not text or not text.strip():
            return [], False
        norm = normalise(text)
        if not self._may_hold_amount(norm):
            return [], False
        els = self.lex.elements[norm]
        amounts, wants_default = self._currencies(els, self._amounts(els, lang), default, lang)
        if not amounts:
            return [], wants_default
        self._roles(norm, els, amounts, lang)
        return [entity(text, a.start, a.end, "MONEY", low=_number(a.low), high=_number(a.high), currency=a.iso,
                       role=a.role, currency_from=a.currency_from) for a in amounts], wants_default

    @staticmethod
    def _usual(found: Iterable[list[dict]]) -> str | None:
        counts: dict[str, int] = {}
        for ents in found:
            for e in ents:
                if e["currency_from"] == "text":
                    counts[e["currency"]] = counts.get(e["currency"], 0) + 1
        return max(counts, key=lambda c: (counts[c], c)) if counts else None

    def context_currency(self, texts: Iterable[str], lang: str | None = None) -> str | None:
        """The currency most amounts in `texts` name (say, the other turns of one interview), to pass
        as `default_currency` where a turn says "80 тысяч" and names none; None if they name none."""
        return self._usual(self(text, lang) for text in texts)

    def interview(self, texts: list[str], langs: list[str | None] | None = None) -> list[list[dict]]:
        """Entities of the segments of one interview, where an amount naming no currency takes the
        interview's usual one (`context_currency`); each text is read once, twice only if it needs that."""
        langs = langs or [None] * len(texts)
        first = [self._extract(t, lang, self.default_currency) for t, lang in zip(texts, langs)]
        usual = self._usual(ents for ents, _ in first) or self.default_currency
        return [self._extract(t, lang, usual)[0] if wants and usual else ents
                for t, lang, (ents, wants) in zip(texts, langs, first)]

    # --- elements -------------------------------------------------------------------------

    def _may_hold_amount(self, norm: str) -> bool:
        """Every amount starts at a number, a number word, a multiplier or a currency: most segments
        have none, and looking for one is cheaper than parsing every word into an element."""
        if _DIGIT.search(norm):
            return True
        describe = self.lex.describe
        return (any(describe(fold(m.group()))[0] in _STARTS for m in _WORD.finditer(norm))
                or any(describe(ch)[0] in (CUR, FOREIGN) for ch in set(_SIGN.findall(norm))))

    @staticmethod
    def _joined(els: list[_El], a: int, b: int, max_gap: int = MAX_GAP) -> bool:
        """Are neighbouring elements a and b close enough to belong to one amount?

        Tokens cover every non-space character, so the gap between two elements is whitespace.
        """
        return els[b].start - els[a].end <= max_gap

    # --- amounts --------------------------------------------------------------------------

    def _amounts(self, els: list[_El], lang: str | None) -> list[_Amount]:
        out: list[_Amount] = []
        lex = self.lex
        i, n = 0, len(els)
        while i < n:
            el = els[i]
            if el.kind in _STARTS or (el.kind == WORD and (el.text in lex.range_from or el.text == lex.half_prefix)):
                found = self._parse_at(els, i, lang)
                if found is not None:
                    if isinstance(found, _Amount):
                        out.append(found)
                    i = found.j
                    continue
            i += 1
        return out

    def _parse_at(self, els: list[_El], i: int, lang: str | None) -> _Amount | _Part | None:
        """The amount or range starting at element i (a _Part when it is in a foreign currency)."""
        lex, n = self.lex, len(els)
        if els[i].kind == WORD and els[i].text in lex.range_from:  # "от 5 до 20 тысяч тенге"
            a = self._single(els, i + 1, lang) if i + 1 < n and self._joined(els, i, i + 1) else None
            if a is None or a.foreign:
                return None
            k = self._past_dot(els, a.j)
            if k + 1 < n and els[k].kind == WORD and els[k].text in lex.range_to \
                    and self._joined(els, k - 1, k) and self._joined(els, k, k + 1):
                b = self._single(els, k + 1, lang)
                if b:
                    return self._range(els, a, b, i, b.j)
            return None  # the amount after "от" is read on its own from the next element
        a = self._single(els, i, lang)
        if a is None or a.foreign:
            return a
        k = self._past_dot(els, a.j)
        if k + 1 < n and els[k].kind == DASH and self._joined(els, k - 1, k, 1) and self._joined(els, k, k + 1, 1):
            b = self._single(els, k + 1, lang)
            rng = self._range(els, a, b, i, b.j) if b else None
            if rng:
                return rng
        if a.suffix and a.suffix[-3:] in lex.ablative and k < n and self._joined(els, k - 1, k):
            b = self._single(els, k, lang)
            if b and b.suffix and (b.suffix[-2:] in lex.dative or b.suffix[-1:] in lex.dative) and b.j < n \
                    and els[b.j].kind == WORD and els[b.j].text in lex.range_until and self._joined(els, b.j - 1, b.j):
                rng = self._range(els, a, b, i, b.j + 1)
                if rng:
                    return rng
        return self._amount(els, a, a, i, a.j)

    def _abbrev_dot(self, els: list[_El], k: int) -> bool:
        """Is the dot at k the abbreviation dot of the word before it ("тыс.", "руб.")?"""
        return k > 0 and els[k - 1].end == els[k].start and els[k - 1].text in self.lex.abbreviations

    def _past_dot(self, els: list[_El], k: int) -> int:
        """k, or the element after it if k is an abbreviation dot ("5 тыс.-10 тыс.", "от 3 тыс. до")."""
        return k + 1 if k < len(els) and els[k].kind == DOT and self._abbrev_dot(els, k) else k

    def _single(self, els: list[_El], i: int, lang: str | None) -> _Part | None:
        """One amount (no range) at element i: [prefix currency] quantity [currency]."""
        lex, n = self.lex, len(els)
        pre = None
        el = els[i]
        if el.kind in (CUR, FOREIGN):
            if el.kind == CUR and el.text not in lex.currency_prefixes:
                return None
            if not (i + 1 < n and els[i + 1].kind == NUM and self._joined(els, i, i + 1, 1)):
                return None
            if el.kind == FOREIGN:
                q = self._quantity(els, i + 1, lang)
                return _Part(i, q.j if q else i + 1, Decimal(0), False, False, None, None, None, foreign=True)
            pre = lex.currency_prefixes[el.text]
            q = self._quantity(els, i + 1, lang)
        else:
            q = self._quantity(els, i, lang)
        if q is None:
            return None
        q.i = i
        if pre:
            q.iso = pre
            return q
        if q.suffix:  # a Kyrgyz case suffix on the multiplier ends the amount ("беш миңден")
            return q
        cur = self._currency_at(els, q.j)
        if cur is not None:
            iso, j, suffix = cur
            if iso is None:
                q.foreign, q.j = True, j
            else:
                q.iso, q.j, q.suffix = iso, j, suffix
        return q

    def _currency_at(self, els: list[_El], j: int) -> tuple[str | None, int, str | None] | None:
        """(iso or None for a foreign currency, end, suffix) of a currency word at element j."""
        lex, n = self.lex, len(els)
        k = self._past_dot(els, j)
        if k >= n or not self._joined(els, k - 1, k):
            return None
        if els[k].kind == WORD and els[k].text in lex.currency_before and k + 1 < n and \
                els[k + 1].kind in (CUR, FOREIGN) and self._joined(els, k, k + 1):
            k += 1
        el = els[k]
        if el.kind == FOREIGN:
            return None, k + 1, None
        if el.kind != CUR:
            return None if els[j].kind != FOREIGN else (None, j + 1, None)
        end = k + 1
        if end < n and els[end].text in lex.currency_after and self._joined(els, k, end):
            end += 1
        return el.iso, end, el.suffix

    def _quantity(self, els: list[_El], i: int, lang: str | None) -> _Part | None:
        """A number at element i: digits and/or number words with multipliers and halves."""
        lex, n = self.lex, len(els)
        first = els[i]
        if first.kind == WORD and first.text == lex.half_prefix:  # "пол-миллиона"
            if i + 2 < n and els[i + 1].kind == DASH and els[i + 2].kind == MULT and els[i + 2].value >= 1000 \
                    and els[i].end == els[i + 1].start and els[i + 1].end == els[i + 2].start:
                m = els[i + 2].value
                return _Part(i, i + 3, m / 2, True, False, m, None, els[i + 2].suffix)
            return None
        if first.kind not in (NUM, NW, MULT, HALF):
            return None
        acc = _Acc()
        j, before_cont = i, None
        while j < n:
            el = els[j]
            if j > i and not self._joined(els, j - 1, j):
                break
            if el.kind == NW and lang in ("ru", "ky") and el.lang not in (None, lang):
                break  # "Он тысячу ...": in Russian text "он" is a pronoun, not Kyrgyz ten
            if not acc.lang_ok(el):
                break
            if el.kind == NUM:
                nxt = j + 1
                ending = (nxt + 1 < n and els[nxt].kind == DASH and els[nxt].start == el.end
                          and els[nxt + 1].text in lex.digit_endings and els[nxt + 1].start == els[nxt].end)
                after = nxt + 2 if ending else nxt
                before_mult = after < n and els[after].kind == MULT and self._joined(els, after - 1, after)
                v = digits_value(el.text, before_mult)
                last = acc.last
                if v is None or not acc.digits(v):
                    break
                if last == "large":
                    before_cont = j
                j = after
                suffix = self._digit_suffix(els, j, lang)
                if suffix:  # Kyrgyz "200дөн", "5000-ге": the case suffix ends the amount
                    j += 1 if els[j].kind == WORD else 2
                    return _Part(i, j, acc.value(), acc.has_mult, acc.strict, acc.large, None, suffix)
                continue
            if el.kind == NW:
                if not acc.word(el):
                    break
            elif el.kind == MULT:
                if acc.last is None and not self._alone_ok(els, j):
                    break
                if not acc.multiplier(el):
                    break
                j += 1
                if el.suffix:
                    break
                continue
            elif el.kind == HALF:
                if not acc.half():
                    break
            elif el.kind == WORD and el.text == "с" and j + 1 < n and els[j + 1].text in lex.half_after_s \
                    and acc.last in ("nw", "digits", "large") and self._joined(els, j, j + 1):
                acc.half()
                j += 2
                continue
            else:
                break
            j += 1
        if j == i or acc.needs_mult or acc.last == "half" and not acc.has_mult and acc.group < 1:
            return None
        if first.kind == MULT and self._currency_at(els, j) is None:  # "тысячу сом", not "вместо миллиона"
            return None
        if before_cont is not None and self._currency_at(els, j) is None:
            # "5 тысяч 2 раза": digits after a multiplier belong to the amount only before a currency
            j = before_cont
            acc.group = Decimal(0)
        last = els[j - 1]
        return _Part(i, j, acc.value(), acc.has_mult, acc.strict, acc.large, None,
                     last.suffix if last.kind == MULT else None)

    def _digit_suffix(self, els: list[_El], j: int, lang: str | None) -> str | None:
        """A Kyrgyz case suffix written onto digits ("200дөн", "5000-ге"), if element j starts one."""
        if lang == "ru" or j >= len(els):
            return None
        k = j + 1 if els[j].kind == DASH else j
        if k >= len(els) or els[k].kind != WORD or els[k].start != els[k - 1].end:
            return None
        w = els[k].text
        return w if w in self.lex.ablative or w in self.lex.dative else None

    def _alone_ok(self, els: list[_El], j: int) -> bool:
        """May a multiplier stand without a number? "тысячу", "около тысячи" yes; "тысячи" after
        other words is plural ("тысячи мигрантов"), "тысяч" always. The caller wants a currency too."""
        el = els[j]
        if el.cls == "strict" or el.number == "plur":
            return False
        if el.number == "both":
            return j > 0 and els[j - 1].kind == WORD and els[j - 1].text in self.lex.genitive_before
        return True

    def _range(self, els: list[_El], a: _Part, b: _Part, i: int, j: int) -> _Amount | None:
        if a.iso and b.iso and a.iso != b.iso:
            return None
        if b.foreign or a.foreign:
            return None
        low, high = a.value, b.value
        if not a.has_mult and b.large and low * b.large <= high:  # "от 5 до 20 тысяч", "5-10 миң"
            low *= b.large
        if low > high:
            return None
        amt = self._amount(els, a, b, i, j)
        amt.low, amt.high = low, high
        amt.iso = a.iso or b.iso
        amt.has_mult = a.has_mult or b.has_mult
        return amt

    def _amount(self, els: list[_El], a: _Part, b: _Part, i: int, j: int) -> _Amount:
        end = els[j - 1].end
        if j < len(els) and els[j].kind == DOT and self._abbrev_dot(els, j) and self._inside_sentence(els, j):
            end = els[j].end  # "по 5 тыс. на еду": the abbreviation keeps its dot mid-sentence
        return _Amount(i, j, els[i].start, end, a.value, b.value, b.iso or a.iso, a.has_mult,
                       a.strict or b.strict, b.large or a.large)

    @staticmethod
    def _inside_sentence(els: list[_El], k: int) -> bool:
        """Does the text go on after the dot at k in the same sentence (a small letter, digit or comma)?"""
        if k + 1 >= len(els) or els[k + 1].start - els[k].end > MAX_GAP:
            return False
        nxt = els[k + 1]
        return nxt.kind == NUM or nxt.text in (",", ";", ":", ")") or (nxt.kind != PUNCT and not nxt.upper)

    # --- currencies from context ------------------------------------------------------------

    def _currencies(self, els: list[_El], amounts: list[_Amount], default: str | None,
                    lang: str | None) -> tuple[list[_Amount], bool]:
        """Give each amount its currency: its own, its list's, the nearest amount's, or the default.

        Amounts without one are dropped: bare numbers outside a list, numbers that count something
        else ("10 тысяч человек"), and amounts whose currency nothing in the text or call gives (then
        the flag returned is True: a default currency would have kept them).
        """
        link: dict[int, int] = {}  # a bare list member -> the next member ("по 500 или 1000 тенге")
        for n in range(len(amounts) - 2, -1, -1):
            a, b = amounts[n], amounts[n + 1]
            between = els[a.j:b.i]
            if a.iso or not 1 <= len(between) <= 2 or b.start - a.end > 8 \
                    or not all(e.text in self.lex.joiners for e in between) or not self._list_member(els, a, between):
                continue
            if b.iso or n + 1 in link or (b.has_mult and not b.strict):
                link[n] = n + 1
                if not a.has_mult and b.large and a.high * b.large <= b.low:  # "45 или 50 тысяч"
                    a.low, a.high, a.has_mult = a.low * b.large, a.high * b.large, True

        def root(n: int) -> _Amount:
            while n in link:
                n = link[n]
            return amounts[n]

        known = [(a.start, root(n).iso) for n, a in enumerate(amounts) if root(n).iso]
        counting = {n for n, a in enumerate(amounts) if not root(n).iso and a.has_mult and self._counts_something(
            els, a, lang)}
        # "2 млн подписчиков и 14 млн ...": the nearest quantity counts people, not money
        near_points = sorted(known + [(amounts[n].start, None) for n in counting])
        kept: dict[int, bool] = {}
        wants_default = False
        for n in range(len(amounts) - 1, -1, -1):  # right to left: a list member's neighbour comes first
            a = amounts[n]
            if n in link and not a.iso:
                if kept[link[n]]:
                    a.iso, a.currency_from = amounts[link[n]].iso, "list"
            elif not a.iso and a.has_mult and not a.strict and n not in counting:
                near = min(near_points, key=lambda p: (abs(p[0] - a.start), p[0] > a.start), default=None)
                if near is not None:
                    a.iso, a.currency_from = near[1], "context"
                elif default:
                    a.iso, a.currency_from = default, "default"
                else:
                    wants_default = True
            kept[n] = a.iso is not None and (not a.strict or a.currency_from == "text")
        return [a for n, a in enumerate(amounts) if kept[n]], wants_default

    @staticmethod
    def _list_member(els: list[_El], a: _Amount, between: list[_El]) -> bool:
        """Can `a` be a member of a list whose currency comes later? Not "одной" (a person, "I paid
        one of them, 15 000"), and after a bare comma only digits ("500, 700 или 1000 тенге")."""
        words = [e for e in els[a.i:a.j] if e.kind == NW]
        if words and a.low == 1 and a.high == 1:
            return False
        return not words or any(e.kind == WORD for e in between)

    def _counts_something(self, els: list[_El], a: _Amount, lang: str | None) -> bool:
        """Does a word next to an amount without currency say what it counts ("тысяч человек",
        "с населением 1,4 млн")? Before it only the listed words count; after it also any Russian
        noun or adjective in the genitive that is not a money word."""
        before = els[a.i - 1] if a.i > 0 and els[a.i - 1].kind == WORD and self._joined(els, a.i - 1, a.i) else None
        j = self._past_dot(els, a.j)
        after = els[j] if j < len(els) and els[j].kind == WORD and self._joined(els, j - 1, j) else None
        for el in (before, after):
            if el is None:
                continue
            if (lang != "ru" and self.lex.counted_ky.find(el.text)) or lemmas(el.text) & self.lex.counted_ru:
                return True
        if after is None:
            return False
        w = after.text
        if len(w) < 3 or lemmas(w) & self.lex.money_words or not analyzer().word_is_known(w):
            return False  # short words ("с", "на") are prepositions here, whatever else pymorphy3 allows
        return any(p.tag.case == "gent" and p.tag.POS in ("NOUN", "ADJF", "PRTF") for p in parse(w))

    # --- roles --------------------------------------------------------------------------------

    def _roles(self, norm: str, els: list[_El], amounts: list[_Amount], lang: str | None) -> None:
        """Role of each amount: the role of the cue with the lowest distance / weight around it.

        Distance counts words, plus `sentence_penalty` for each sentence boundary in between, so a
        cue in the amount's own sentence beats one further off, but a passage that only names the
        police two sentences earlier still makes its amount a bribe. Ties go to the role with more
        evidence in all (sum of weight / distance), then to the order of `priority` in money.yaml.
        A `worker_pays` form in the amount's sentence ("төлөдүм", "я заплатил") silences the weak
        wage cues (money the worker pays out is not their pay: "айына 15 000 төлөйбүз" is rent).
        Cues lighter than `weak_below` only break ties: they count when no heavier cue is in reach.
        """
        lex = self.lex
        kyrgyz = lang != "ru"
        bounds = [m.end() for m in SENTENCE_END.finditer(norm)]
        ordinal, count = [], 0  # ordinal[k]: word elements before element k
        for el in els:
            ordinal.append(count)
            count += el.kind in _WORDLIKE
        ordinal.append(count)
        # element k -> (`_cue_at` there, the furthest element it read), for the other amounts of the
        # text: valid for an amount its reading did not reach (a cue never jumps over that amount)
        cues_at: dict[int, tuple[tuple[Cue, int] | None, int]] = {}
        for a in amounts:
            sent = bisect.bisect_right(bounds, a.start)
            lo = bisect.bisect_left(ordinal, ordinal[a.i] - lex.reach)
            hi = bisect.bisect_right(ordinal, ordinal[a.j] + lex.reach, lo=a.j)
            found: list[tuple[str, float, float]] = []  # (role, distance, weight) of each cue in reach
            pays = False
            covered = -1  # words inside a longer cue found earlier are not cues of their own
            for k in range(lo, min(hi, len(els))):
                if a.i <= k < a.j or els[k].kind != WORD or k <= covered:
                    continue
                seen = cues_at.get(k)
                if seen is not None and (k >= a.j or seen[1] + 1 < a.i):
                    at = seen[0]
                else:
                    at, furthest = self._cue_at(els, k, kyrgyz, a)
                    if k >= a.j or furthest + 1 < a.i:  # read without jumping over the amount
                        cues_at[k] = at, furthest
                if at is None:
                    continue
                cue, covered = at
                # from the cue's word nearest the amount: "за квартиру [платили] 60 тысяч" is 2 words off
                last = covered if covered < a.i else k
                dist = ordinal[a.i] - ordinal[last] if k < a.i else ordinal[k] - ordinal[a.j] + 1
                apart = abs(bisect.bisect_right(bounds, els[k].start) - sent)
                d = dist + lex.sentence_penalty * apart
                if cue.role == PAYER:
                    pays = pays or (apart == 0 and d <= lex.reach)
                elif d <= lex.reach:
                    found.append((cue.role, d, cue.weight))
            if pays:
                found = [f for f in found if not (f[0] == "wage" and f[2] < lex.payer_silences_below)]
            if any(weight >= lex.weak_below for _, _, weight in found):
                found = [f for f in found if f[2] >= lex.weak_below]
            nearest: dict[str, float] = {}  # role -> its best distance / weight
            total: dict[str, float] = {}  # role -> sum of weight / distance, to break ties
            for role, d, weight in found:
                nearest[role] = min(nearest.get(role, d / weight), d / weight)
                total[role] = total.get(role, 0) + weight / d
            a.role = min(nearest, key=lambda r: (nearest[r], -total[r], lex.priority.get(r, len(lex.priority))),
                         default="other")

    def _cue_at(self, els: list[_El], k: int, kyrgyz: bool, a: _Amount) -> tuple[tuple[Cue, int] | None, int]:
        """The longest (then strongest) cue starting at word element k and the element index of its
        last word, or None; and the furthest element read. A multi-word cue may run across the amount
        itself: "отдали [5 тысяч] на месте".
        """
        best: tuple[Cue, int] | None = None
        furthest = k
        for cue in self.lex.cues_from(els[k].text, kyrgyz):
            n = len(cue.keys)
            if best and (n, cue.weight) <= (len(best[0].keys), best[0].weight):
                continue
            end, last = (k, k) if n == 1 else self._cue_rest(els, k, cue.keys, kyrgyz, a)
            furthest = max(furthest, last)
            if end is not None:
                best = cue, end
        return best, furthest

    def _cue_rest(self, els: list[_El], k: int, keys: tuple[str, ...], kyrgyz: bool,
                  a: _Amount) -> tuple[int | None, int]:
        """The element index of the cue's last word if the words after k carry the rest of it (else
        None), jumping over the amount and, in Kyrgyz, over particles ("колубузга 60 миң эле тийди");
        and the last element read."""
        p = k
        for key in keys[1:]:
            p = self._next_word(p, a)
            while kyrgyz and p < len(els) and els[p].kind == WORD and fold(els[p].text) in self.lex.particles:
                p = self._next_word(p, a)
            if p >= len(els) or els[p].kind != WORD or key not in self.lex.keys(els[p].text, kyrgyz):
                return None, p
        return p, p

    @staticmethod
    def _next_word(p: int, a: _Amount) -> int:
        return a.j if p + 1 == a.i else p + 1


def _check_currency(iso: str | None) -> str | None:
    if iso is not None and iso not in CURRENCIES:
        raise ToolkitError(f"default_currency {iso!r} is not one of {', '.join(CURRENCIES)}")
    return iso
