"""Place mentions (LOC): countries, regions, cities, districts, villages, markets, border crossings.

A gazetteer (data/gazetteer.tsv, described in data/GAZETTEER.md) is matched in inflected forms:
Russian words by pymorphy3 lemma plus a small declension table for names pymorphy3 does not know
(Дордое -> Дордой), Kyrgyz words as a stem plus a suffix chain (Бишкектен, Баткен облусунан).
Generic place nouns (data/place_heads.tsv) turn unlisted names into places: "Первомайском
микрорайоне", "рынке Шанхай", "в селе Жаксылык", "Жаксылык айылынан". Context keeps names that are
something else out: common words (Курган, Семей) count only capitalised mid-sentence, personal names
(Владимир, Мадина) only after a preposition or place noun, nothing counts inside a person's name
("Надежда Иванова"), a quoted title («Курск»), a web address (.РФ) or an organisation's title
("Министерства образования Республики Казахстан"). What the rules miss, natasha's Russian NER (or
stanza's, see stanza_backend.py) may add (optional, `ner_fallback`), never overriding the rules.
Places built by rules borrow the country of a listed place nearby.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..codebook import LOCATION_KINDS
from ..errors import ToolkitError
from ..kyrgyz import matches_stem, stem_forms
from ..morph import analyzer, is_known, lemmas, nominative, parse
from ..registry import extractors
from ..text import fold, normalise, words
from . import stanza_backend
from .base import chunks, entity

DATA = Path(__file__).parent / "data"
GAZETTEER = DATA / "gazetteer.tsv"
HEADS = DATA / "place_heads.tsv"
MAX_SUFFIX = 12  # longest Kyrgyz suffix chain looked for after a stem (облус-у-нан, Казакстан-дагы)
PREFIX = 3  # a word is parsed by pymorphy3 only if it starts like some form of a gazetteer word
MIN_LOWER = 5  # a name written in lower case counts only if at least this long (казахстане, not оше)
INFER_WINDOW = 200  # characters within which a listed place lends its country to a rule-built one
MAX_NAME_WORDS = 3  # an unlisted name after a head noun ("рынок Big Шанхай") is at most this long
PROPER = frozenset({"Geox", "Name", "Surn", "Patr", "Orgn", "Trad"})
PERSON = frozenset({"Name", "Surn", "Patr"})
GIVEN_NAME, SURNAME, GEO = frozenset({"Name"}), frozenset({"Surn", "Patr"}), frozenset({"Geox"})
NOMINATIVE_ADJ_ENDINGS = ("ий", "ый", "ой", "ая", "яя", "ое", "ее", "ие", "ые")
CUE_PREPOSITIONS = frozenset({"в", "во", "на", "из", "изо", "до", "через", "под", "около", "возле", "из-под"})
QUOTES = "«»\"“”„'"
RU_ADJ_ENDINGS = ("ий", "ый", "ой", "ая", "яя", "ое", "ее", "ие", "ые", "ого", "его", "ому", "ему", "ым", "им",
                  "ом", "ем", "ую", "юю", "ей", "ых", "их", "ыми", "ими")
# Kyrgyz case endings that say "in / from / to a place" (Токтогулда, not the poet's Токтогулдун).
KY_PLACE_ENDINGS = ("да", "де", "до", "дө", "та", "те", "то", "тө", "дан", "ден", "дон", "дөн", "тан", "тен", "тон",
                    "төн", "нан", "нен", "га", "ге", "го", "гө", "ка", "ке", "ко", "кө", "дагы", "деги", "догу",
                    "дөгү", "тагы", "теги", "тогу", "төгү")
KY_PLURAL = ("лар", "лер", "лор", "лөр", "дар", "дер", "дор", "дөр", "тар", "тер", "тор", "төр")
SENTENCE_END = ".!?…:;"

Token = tuple[int, int, str]


@dataclass(frozen=True)
class Place:
    """One gazetteer row."""

    norm: str
    country: str | None
    kind: str
    lat: float | None
    lon: float | None
    parent: str | None
    flags: frozenset[str]


@dataclass(frozen=True)
class Option:
    """A place a name may stand for, and the norm the name gives it (own_norm, ru_spellings in GAZETTEER.md)."""

    place: Place
    own: str | None = None  # a name in its own right keeps it everywhere (Фрунзе, Ош базары=Ошский базар)
    spelling: str | None = None  # a Russian spelling keeps it in Russian text only (Жалал-Абаде -> Жалал-Абад)

    def norm(self, russian: bool) -> str:
        return self.own or (self.spelling if russian else None) or self.place.norm


@dataclass
class Name:
    """A surface name (several rows may share it) as per-word match keys."""

    words: tuple[frozenset[str], ...]
    options: list[Option]
    all_caps: bool  # an acronym (РФ, ВКО): matches only in capitals
    common: bool  # also a Russian common word (Курган, Семей): capitalised, not sentence-initial unless
    #               it has a Kyrgyz ending (Садоводго)
    cap: bool  # also a Kyrgyz common word (Кемин: кеминде = at least): capitalised, never sentence-initial
    cue: bool  # also a personal name (Владимир, Мадина): only after a preposition or a place noun
    length: int  # letters, for the lower-case rule


@dataclass(frozen=True)
class Head:
    """A generic place noun (see data/place_heads.tsv)."""

    lemma: str
    lang: str
    kind: str
    adjective: bool
    name: str  # after+span, after+norm, after, before, cue, org, -


@dataclass
class Gazetteer:
    places: list[Place]
    index: dict[str, list[tuple[tuple[str, ...], Name]]]  # first-word key -> (keys, name)
    forms: dict[str, set[str]]  # an inflected form (folded) -> the base keys it stands for
    ky_forms: dict[str, set[str]]  # a Kyrgyz stem's shape inside a word -> its stems
    ru_prefixes: frozenset[str]
    heads: dict[str, Head]  # head lemma/stem (and abbreviation) -> head
    by_key: dict[str, list[Place]]  # folded name or norm -> places (for natasha spans)
    derived: dict[str, list[Place]]  # adjective base (ноокат from Ноокатский) -> places
    _cache: dict[tuple[str, bool], tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)

    def keys(self, word: str, kyrgyz: bool = False) -> tuple[frozenset[str], frozenset[str]]:
        """(all match keys of `word`, those reached through a Kyrgyz suffix chain).

        A Russian word is not read as a stem plus Kyrgyz suffix (Шум is not Шу-м) unless the text is
        Kyrgyz (`kyrgyz`): there Шуга is "to Shu", not Russian slush ice.
        """
        found = self._cache.get((word, kyrgyz))
        if found is None:
            w = fold(word)
            out = {w} | self.forms.get(w, set())
            if w[:PREFIX] in self.ru_prefixes:
                out |= lemmas(word)
            ky: set[str] = set()
            for cut in range(len(w) - 1, max(0, len(w) - MAX_SUFFIX) - 1, -1):
                if not w[cut:].startswith(KY_PLURAL):  # Балыкчылар are fishermen, not a town
                    ky.update(s for s in self.ky_forms.get(w[:cut], ()) if matches_stem(w, s))
            if ky and not kyrgyz and is_known(w):
                ky = set()
            found = (frozenset(out | ky), frozenset(ky - out))
            if len(self._cache) < 500_000:
                self._cache[(word, kyrgyz)] = found
        return found


def _name_word_keys(word: str) -> frozenset[str]:
    """A gazetteer word's keys: itself, and its lemma if it is an adjective (Жамбылская -> жамбылский)."""
    w = fold(word)
    adj = _adjective_lemma(w) if w.endswith(NOMINATIVE_ADJ_ENDINGS) else None
    return frozenset({w, adj} - {None})


def _declension(word: str) -> set[str]:
    """Russian case forms of a proper noun pymorphy3 may not know (Дордой -> Дордоя, Дордое...)."""
    w = fold(word)
    if len(w) < 2 or not w[-1].isalpha():
        return set()
    last, stem = w[-1], w[:-1]
    if last == "й":
        return {stem + e for e in ("я", "ю", "ем", "е")}
    if last == "а":
        return {stem + e for e in ("ы", "и", "е", "у", "ой", "ою")}
    if last == "я":
        return {stem + e for e in ("и", "е", "ю", "ей", "ею")}
    if last == "ь":
        return {stem + e for e in ("и", "ью", "я", "ю", "ем", "е")}
    if last in "оеиуыэюөү" or not ("а" <= last <= "я" or last in "ңөү"):
        return set()
    return {w + e for e in ("а", "у", "ом", "ем", "е")}


def _is_common(word: str) -> bool:
    """Is `word` also an ordinary Russian word: a common noun's lemma (курган) or most likely a common
    word's form (Семей = of families)? A rare reading (Германия as germanium's genitive) does not count."""
    w = fold(word)
    parses = [p for p in parse(w) if p.is_known]
    common = [p for p in parses if not PROPER & p.tag.grammemes]
    return bool(common) and (common[0] is parses[0] or any(p.normal_form.replace("ё", "е") == w for p in common))


def _float(value: str, where: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise ToolkitError(f"{where}: {value!r} is not a coordinate") from None


GAZETTEER_COLUMNS = ("norm", "country", "kind", "lat", "lon", "names", "own_norm", "ru_spellings", "flags", "parent")
HEAD_COLUMNS = ("head", "lang", "kind", "adjective", "name", "abbrev")


def _rows(path: Path, columns: tuple[str, ...]) -> Iterable[tuple[int, dict[str, str]]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ToolkitError(f"{path}: cannot read ({exc})") from None
    body = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not body:
        raise ToolkitError(f"{path}: no header row")
    header = body[0][1].split("\t")
    missing = [c for c in columns if c not in header]
    if missing:
        raise ToolkitError(f"{path}:{body[0][0]}: header lacks the columns {', '.join(missing)}")
    for n, line in body[1:]:
        cells = line.split("\t")
        if len(cells) != len(header):
            raise ToolkitError(f"{path}:{n}: {len(cells)} columns, the header has {len(header)}")
        yield n, dict(zip(header, cells))


def _load_heads(path: Path) -> dict[str, Head]:
    heads: dict[str, Head] = {}
    for n, row in _rows(path, HEAD_COLUMNS):
        if row["kind"] not in LOCATION_KINDS:
            raise ToolkitError(f"{path}:{n}: kind {row['kind']!r} not in {LOCATION_KINDS}")
        head = Head(row["head"], row["lang"], row["kind"], row["adjective"] == "y", row["name"])
        for form in [row["head"], *filter(None, row["abbrev"].split("|"))]:
            heads[fold(form)] = head
    return heads


@functools.lru_cache(maxsize=4)
def load_gazetteer(path: str = str(GAZETTEER), heads_path: str = str(HEADS)) -> Gazetteer:
    """Read the gazetteer and the head nouns once per path, and index every name."""
    heads = _load_heads(Path(heads_path))
    places: list[Place] = []
    names: dict[tuple[str, ...], Name] = {}
    forms: dict[str, set[str]] = {}
    ky_stems: set[str] = {h.lemma for h in heads.values() if h.lang == "ky"}
    by_key: dict[str, list[Place]] = {}
    for n, row in _rows(Path(path), GAZETTEER_COLUMNS):
        where = f"{path}:{n}"
        if row["kind"] not in LOCATION_KINDS:
            raise ToolkitError(f"{where}: kind {row['kind']!r} not in {LOCATION_KINDS}")
        place = Place(row["norm"], row["country"] or None, row["kind"], _float(row["lat"], where),
                      _float(row["lon"], where), row["parent"] or None,
                      frozenset(filter(None, row["flags"].split("|"))))
        places.append(place)
        own = dict((o.split("=", 1) * 2)[:2] for o in filter(None, row["own_norm"].split("|")))
        spellings = set(filter(None, row["ru_spellings"].split("|")))
        surfaces = [place.norm, *filter(None, row["names"].split("|"))]
        missing = (set(own) | spellings) - set(surfaces)
        if missing:
            raise ToolkitError(f"{where}: own_norm / ru_spellings not among the names: {', '.join(sorted(missing))}")
        for surface in surfaces:
            toks = [w for _, _, w in words(normalise(surface))]
            if not toks:
                continue
            word_keys = tuple(_name_word_keys(w) for w in toks)
            key = tuple(sorted(k)[0] for k in word_keys)
            entry = names.get(key)
            if entry is None:
                letters = "".join(toks)
                entry = names[key] = Name(word_keys, [], len(letters) > 1 and letters.isupper(),
                                          len(toks) == 1 and _is_common(toks[0]), False, False, len(letters))
            entry.cap |= "cap" in place.flags
            entry.cue |= "cue" in place.flags
            if all(o.place is not place for o in entry.options):
                entry.options.append(Option(place, own.get(surface), surface if surface in spellings else None))
            for w in toks:
                ky_stems.add(fold(w))
                for form in _declension(w):
                    forms.setdefault(form, set()).add(fold(w))
            by_key.setdefault(fold(normalise(surface)), []).append(place)
    for form, head in heads.items():  # abbreviations stand for their head noun: обл -> область
        if form != fold(head.lemma):
            forms.setdefault(form, set()).add(fold(head.lemma))
    index: dict[str, list[tuple[tuple[str, ...], Name]]] = {}
    for key, entry in names.items():
        for k in entry.words[0]:
            index.setdefault(k, []).append((key, entry))
    for options in index.values():
        options.sort(key=lambda kv: -len(kv[0]))
    ky_forms: dict[str, set[str]] = {}
    for s in ky_stems:
        for form in stem_forms(s):
            ky_forms.setdefault(form, set()).add(s)
    all_keys = {k for e in names.values() for ks in e.words for k in ks} | {fold(h.lemma) for h in heads.values()}
    return Gazetteer(places=places, index=index, forms=forms, ky_forms=ky_forms,
                     ru_prefixes=_form_prefixes(all_keys), heads=heads, by_key=by_key,
                     derived=_derived_index(names))


def _form_prefixes(keys: Iterable[str]) -> frozenset[str]:
    """First PREFIX letters of every inflected form of `keys` (орла for орел), so others skip pymorphy3."""
    out = set()
    for k in keys:
        out.add(k[:PREFIX])
        for p in analyzer().parse(k)[:2]:
            out.update(fold(f.word)[:PREFIX] for f in p.lexeme)
    return frozenset(out)


def _derived_index(names: dict[tuple[str, ...], Name]) -> dict[str, list[Place]]:
    """Adjective bases of one-word names: Ноокат -> ноокат (Ноокатский), Алматы -> алмат (Алматинский)."""
    out: dict[str, list[Place]] = {}
    for key, entry in names.items():
        if len(key) != 1 or entry.all_caps:
            continue
        w = key[0]
        for base in {w, w[:-1] if w[-1] in "аяыиоеьй" else w, w + "й"}:
            if len(base) >= 3:
                out.setdefault(base, []).extend(o.place for o in entry.options)
    return out


def _adjective_base(adj: str) -> str | None:
    for suffix in ("инский", "енский", "ский", "цкий"):
        if adj.endswith(suffix):
            return adj[: -len(suffix)]
    return None


@functools.lru_cache(maxsize=100_000)
def _adjective_lemma(word: str) -> str | None:
    """The masculine lemma if `word` can be an adjective (Чиликского -> чиликский)."""
    for p in parse(fold(word)):
        if p.tag.POS == "ADJF":
            return p.normal_form.replace("ё", "е")
    return None


@functools.lru_cache(maxsize=100_000)
def _tagged(word: str, grammemes: frozenset[str], first: bool = False) -> bool:
    """Does pymorphy3's dictionary (not its guesser) read `word` with one of `grammemes`?
    `first`: in its most probable reading (Джеймса is a name, Слава and Герой mostly are not)."""
    known = [p for p in parse(fold(word)) if p.is_known]
    return any(grammemes & p.tag.grammemes for p in (known[:1] if first else known))


def _is_person_name(word: str) -> bool:
    return _tagged(word, PERSON)


def _is_geographic(word: str) -> bool:
    """Does pymorphy3's dictionary know `word` as a place name (казахстане), so lower case is a typo?"""
    return _tagged(word, GEO)


def _first_name(word: str) -> bool:
    """A first name of the pseudonymiser's lexicon (Мирлан, Салтанат), in any Russian case."""
    from ..corpus.pseudonymise import name_lexicon

    names = name_lexicon()["gender"]
    return fold(word) in names or bool(lemmas(word) & names.keys())


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


@dataclass
class Match:
    i: int  # first token
    j: int  # one past the last token
    options: list[Option]  # candidate places
    source: str = "gazetteer"
    kind: str | None = None  # forced by a head noun
    start: int | None = None  # span overrides (quotes, head kept out of the span)
    end: int | None = None
    norm: str | None = None  # norm override (phrases built from a head noun)
    country: str | None = None  # for a rule-built place: the country its adjective points to (Ноокатский)


class _Segment:
    """One text being tagged: tokens, their keys, and the matching passes."""

    def __init__(self, gaz: Gazetteer, norm: str, lang: str | None) -> None:
        self.gaz, self.norm, self.lang = gaz, norm, lang
        self.toks: list[Token] = list(words(norm))
        self.keys = [gaz.keys(w, lang == "ky") for _, _, w in self.toks]
        self.rejected: list[tuple[int, int]] = []  # listed names that are no place here (organisation titles)

    def joined(self, a: int, b: int, allow: str = "") -> bool:
        """Are tokens a and b (b = a + 1) separated by spaces only (or characters from `allow`)?"""
        gap = self.norm[self.toks[a][1]:self.toks[b][0]]
        return not gap.strip(" " + allow) and "\n" not in gap

    def sentence_initial(self, i: int) -> bool:
        j = self.toks[i][0] - 1
        while j >= 0 and (self.norm[j] in " \t" or self.norm[j] in QUOTES + "(-*•"):
            j -= 1
        return j < 0 or self.norm[j] in SENTENCE_END or self.norm[j] == "\n"

    def head(self, i: int, lang: str | None = None) -> Head | None:
        """The head noun token i is, if any (by Russian lemma or Kyrgyz stem)."""
        if not 0 <= i < len(self.toks):
            return None
        keys, ky = self.keys[i]
        for k in keys:
            h = self.gaz.heads.get(k)
            if h and (lang is None or h.lang == lang) and (h.lang == "ky" or k not in ky):
                return h
        return None

    def cue_before(self, i: int) -> bool:
        """A preposition or place noun right before token i ("в Мадине", "село Владимир")."""
        if i == 0 or not self.joined(i - 1, i, QUOTES):
            return False
        prev = fold(self.toks[i - 1][2])
        head = self.head(i - 1)
        return prev in CUE_PREPOSITIONS or (head is not None and head.name != "org")

    def person(self, i: int) -> bool:
        """Is the name at token i a person's: "Надежда Иванова", "Джеймса Коми", "Питер Цвак"?
        Russian readings only: in Kyrgyz, "Ал Казакстан аркылуу" is "he ... through Kazakhstan"."""
        if self.lang == "ky" or self.head_after(i):
            return False
        prev = self.toks[i - 1][2] if i > 0 else ""
        prev_name = len(prev) > 2 and self.joined(i - 1, i) and _capitalised(prev) and \
            _tagged(prev, GIVEN_NAME, first=True)
        if prev_name and not self.keys[i][1]:
            return True
        if i + 1 >= len(self.toks) or not self.joined(i, i + 1) or not _capitalised(self.toks[i + 1][2]):
            return False
        word, nxt = self.toks[i][2], self.toks[i + 1][2]
        if not _is_person_name(word):
            return False
        if _tagged(nxt, SURNAME):
            return True
        return _tagged(word, GIVEN_NAME) and not is_known(nxt) and not any(
            k in self.gaz.index or k in self.gaz.heads for k in self.keys[i + 1][0])

    def in_address(self, i: int) -> bool:
        """Part of a web address or domain (зона .РФ, екатеринбург.рф)?"""
        start, end, _ = self.toks[i]
        return (start > 0 and self.norm[start - 1] in "./@") or \
            (self.norm[end:end + 1] == "." and self.norm[end + 1:end + 2].isalpha())

    def title(self, i: int) -> bool:
        """A name alone in quotes, no place noun or preposition before them: a film, a ship («Курск»)."""
        start, end, _ = self.toks[i]
        before = self.norm[max(0, start - 3):start].rstrip(" ")
        after = self.norm[end:end + 12].lstrip("-0123456789")
        return bool(before and after) and before[-1] in QUOTES and after[0] in QUOTES and not self.cue_before(i)

    def head_after(self, i: int) -> bool:
        """A Kyrgyz place noun right after token i (Токтогул шаарынын, Жаксылык айылынан)?"""
        head = self.head(i + 1, "ky") if i + 1 < len(self.toks) and self.joined(i, i + 1) else None
        return head is not None and head.name == "before"

    def ky_place_case(self, i: int) -> bool:
        """Does token i carry a Kyrgyz locative, ablative or dative ending (Токтогулда, Мадинага)?"""
        return bool(self.keys[i][1]) and fold(self.toks[i][2]).endswith(KY_PLACE_ENDINGS)

    def in_organisation(self, i: int) -> bool:
        """A country closing an organisation's title: "Министерством образования Республики Казахстан"."""
        if i < 2 or "республика" not in lemmas(self.toks[i - 1][2]):
            return False
        return any((h := self.head(t)) is not None and h.name == "org" for t in range(max(0, i - 5), i - 1))

    def accept(self, i: int, j: int, name: Name) -> bool:
        """Capitalisation and context rules for a gazetteer name found at tokens i..j."""
        toks = [w for _, _, w in self.toks[i:j]]
        if self.in_address(i) or self.in_address(j - 1):
            return False
        if name.all_caps:
            return all(t.isupper() for t in toks)
        if j - i > 1:
            return any(_capitalised(t) for t in toks)
        word, ky = toks[0], self.keys[i][1]
        if name.cue and not (self.cue_before(i) or self.ky_place_case(i) or self.head_after(i)):
            return False
        if _capitalised(word):
            ambiguous = name.cap or (name.common and not ky)
            return not (ambiguous and self.sentence_initial(i)) and not self.person(i) and not self.title(i)
        return (self.lang != "ky" and not ky and not name.common and not name.cap and name.length >= MIN_LOWER
                and _is_geographic(word) and not _is_common(word))

    def gazetteer_matches(self) -> list[Match]:
        """Longest accepted gazetteer name at each token, left to right, never overlapping."""
        out: list[Match] = []
        i = 0
        while i < len(self.toks):
            best: Match | None = None
            rank = (0, 0)  # words, then words written exactly as in the name (Алматы over Алмата's genitive)
            for k in sorted(self.keys[i][0]):  # set order varies by run: ties need a fixed one
                for key, name in self.gaz.index.get(k, ()):
                    n = len(key)
                    if n < rank[0] or i + n > len(self.toks):
                        continue
                    r = (n, sum(fold(self.toks[i + t][2]) in name.words[t] for t in range(n)))
                    if (r > rank
                            and all(self.keys[i + t][0] & name.words[t] for t in range(1, n))
                            and all(self.joined(i + t, i + t + 1) for t in range(n - 1))
                            and self.accept(i, i + n, name)):
                        best, rank = Match(i, i + n, name.options), r
            if best and best.options[0].place.kind == "country" and self.in_organisation(i):
                self.rejected.append((self.toks[i - 1][0], self.toks[best.j - 1][1]))
                best = None
            if best:
                out.append(best)
                i = best.j
            else:
                out.extend(self.hyphen_parts(i))
                i += 1
        return out

    def hyphen_parts(self, i: int) -> list[Match]:
        """Places inside an unlisted hyphenated word: "России-СССР", "Кыргызстан-Казахстан"."""
        start, _, word = self.toks[i]
        if "-" not in word:
            return []
        out, pos = [], start
        for part in word.split("-"):
            keys, ky = self.gaz.keys(part) if _capitalised(part) and len(part) > 1 else (frozenset(), frozenset())
            names = [name for k in keys - ky for key, name in self.gaz.index.get(k, ()) if len(key) == 1]
            name = next((n for n in names if not (n.common or n.cap or n.cue) and (not n.all_caps or part.isupper())),
                        None)
            if name:
                out.append(Match(i, i + 1, name.options, start=pos, end=pos + len(part)))
            pos += len(part) + 1
        return out

    def proper_run(self, i: int, taken: set[int]) -> int:
        """How many capitalised, non-person-name tokens start at i (at most MAX_NAME_WORDS)."""
        n = 0
        while (i + n < len(self.toks) and n < MAX_NAME_WORDS and i + n not in taken
               and _capitalised(self.toks[i + n][2]) and not self.toks[i + n][2].isupper()
               and not _is_person_name(self.toks[i + n][2]) and not _first_name(self.toks[i + n][2])
               and self.head(i + n) is None and (n == 0 or self.joined(i + n - 1, i + n))):
            n += 1
        return n

    def russian(self, m: Match) -> bool:
        """Is match `m` Russian text (own norms apply), not Kyrgyz (Жалал-Абадда -> Джалал-Абад)?"""
        return self.lang != "ky" and not any(self.keys[t][1] for t in range(m.i, m.j))

    def plausible_name(self, i: int) -> bool:
        """Could unlisted token i name a place before a Kyrgyz place noun (not "Мурун айылда" = earlier)?"""
        word = self.toks[i][2]
        return (_capitalised(word) and not self.sentence_initial(i) and not _is_person_name(word)
                and not _first_name(word) and not fold(word).endswith(KY_PLURAL))

    def head_matches(self, found: list[Match]) -> list[Match]:
        """Places built around generic head nouns; may absorb a gazetteer match (рынке «Дордой»)."""
        at = {m.i: m for m in found}
        ends = {m.j - 1: m for m in found if m.start is None}
        taken = {t for m in found for t in range(m.i, m.j)}
        out: list[Match] = []
        for i in range(1, len(self.toks)):  # adjective phrases first: "сёл Киевской области"
            head = self.head(i)
            if head and head.lang == "ru" and head.adjective and not {i - 1, i} & taken and self.joined(i - 1, i):
                m = self.adjective_phrase(i - 1, i, head)
                if m:
                    out.append(m)
                    taken.update((i - 1, i))
        used = set(taken)
        for i in range(len(self.toks)):
            head = None if i in used else self.head(i)
            if head is None:
                continue
            if head.name.startswith("after") and i + 1 < len(self.toks) and i not in taken and \
                    self.joined(i, i + 1, QUOTES):
                m = self.name_after(i, head, at, used)
                if m:
                    out.append(m)
                    used.update(range(i, m.j))
            elif head.name == "before" and i > 0 and self.joined(i - 1, i):
                # "Кербен шаарынан", "Жаксылык айылынан": the place noun says the kind; the span is the
                # name, as with "село Жаксылык"
                gm = ends.get(i - 1)
                if gm is not None:
                    gm.kind = head.kind
                    used.add(i)
                elif i - 1 not in used and self.plausible_name(i - 1):
                    out.append(Match(i - 1, i, [], "rule", head.kind, norm=self.toks[i - 1][2]))
                    used.update((i - 1, i))
        return out

    def adjective_phrase(self, a: int, h: int, head: Head) -> Match | None:
        """"Первомайском микрорайоне": a capitalised adjective before a head noun."""
        word = self.toks[a][2]
        russian = _capitalised(word) and word[1:2].islower() and fold(word).endswith(RU_ADJ_ENDINGS)
        adj = _adjective_lemma(word) if russian else None
        if not adj:
            return None
        base = _adjective_base(adj)
        places = self.gaz.derived.get(base, []) if base else []
        if self.sentence_initial(a) and is_known(word) and not places:
            return None
        countries = {p.country for p in places}
        return Match(a, h + 1, [], "rule", head.kind, norm=nominative(f"{word} {head.lemma}"),
                     country=countries.pop() if len(countries) == 1 else None)

    def name_after(self, i: int, head: Head, at: dict[int, Match], taken: set[int]) -> Match | None:
        """"рынке Дордой", "село Жаксылык", "автовокзал Сайран": a name after a head noun."""
        k = i + 1
        gm = at.get(k)
        if gm is not None:
            j, options = gm.j, gm.options
        else:
            n = self.proper_run(k, taken)
            if not n:
                return None
            j, options = k + n, []
        start, end = self.toks[k][0], self.toks[j - 1][1]
        opening = self.norm[self.toks[i][1]:start].strip()
        if opening and opening[-1] in QUOTES and end < len(self.norm) and self.norm[end] in QUOTES:
            end += 1
        elif opening:
            return None
        if gm is not None and head.name != "after+span":
            gm.kind = head.kind  # only says which of several rows is meant (КПП Кара-Суу)
            if head.name == "after+norm":  # "автовокзале Сайран" -> автовокзал Сайран, as for unlisted names
                gm.norm = f"{head.lemma} {_pick(gm.options, head.kind, set()).norm(self.russian(gm))}"
            return None
        name_norm = None
        if gm is None:  # "города Одессы" -> Одесса when pymorphy3 knows the place; unknown names stay as written
            name_norm = self.norm[self.toks[k][0]:self.toks[j - 1][1]]
            if j - k == 1 and _is_geographic(name_norm):
                name_norm = nominative(name_norm)
        if head.name == "after+span":
            start = self.toks[i][0]
            if gm is not None:
                name_norm = _pick(gm.options, head.kind, set()).norm(self.russian(gm))
            return Match(i, j, options, "rule" if gm is None else "gazetteer", head.kind, start, end,
                         f"{head.lemma} {name_norm}")
        norm = f"{head.lemma} {name_norm}" if head.name == "after+norm" else name_norm
        return Match(k, j, [], "rule", head.kind, start if opening else None, end if opening else None, norm)


def _infer_countries(ents: list[dict]) -> None:
    """Give a place built by a rule (село Жаксылык) the country of the nearest listed place below
    country level (within INFER_WINDOW characters), else of the only country named in the segment."""
    known = [e for e in ents if e["country"] and e["source"] == "gazetteer"]
    countries = {e["country"] for e in known}
    for e in ents:
        if e["country"] is None and e["source"] == "rule":
            local = [k for k in known if k["kind"] != "country" and abs(k["start"] - e["start"]) <= INFER_WINDOW]
            if local:
                e["country"] = min(local, key=lambda k: abs(k["start"] - e["start"]))["country"]
            elif len(countries) == 1:
                e["country"] = next(iter(countries))


def _pick(options: list[Option], kind: str | None, countries: set[str]) -> Option:
    """The row meant among several sharing a name: the head noun's kind, then a country seen nearby."""
    if kind:
        options = [o for o in options if o.place.kind == kind] or options
    return ([o for o in options if o.place.country in countries] or options)[0]


@functools.lru_cache(maxsize=1)
def _natasha():
    """natasha's segmenter and Russian news NER, loaded on first use (ships offline with the package),
    and a BLAS thread limiter: its matrices are small, and on a busy machine BLAS threads fighting for
    cores made it ten times slower."""
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter
    from threadpoolctl import ThreadpoolController

    return Segmenter(), NewsNERTagger(NewsEmbedding()), ThreadpoolController()


def natasha_locations(text: str) -> list[tuple[int, int]]:
    """(start, end) of natasha's LOC spans in `text`, tagged piece by piece (its time and memory grow
    faster than the length of one document)."""
    from natasha import Doc

    segmenter, tagger, threads = _natasha()
    out = []
    with threads.limit(limits=1, user_api="blas"):
        for offset, piece in chunks(text):
            doc = Doc(piece)
            doc.segment(segmenter)
            doc.tag_ner(tagger)
            out.extend((offset + s.start, offset + s.stop) for s in doc.spans if s.type == "LOC")
    return out


NER_BACKENDS = ("natasha", "stanza")


@extractors.register("places")
class PlaceExtractor:
    """LOC spans from the gazetteer and head-noun rules, plus statistical NER for the rest (optional).

    `ner_fallback`: add the NER's LOC spans that overlap no rule span, on Russian or mixed text.
    `ner_backend`: "natasha" (ships with the toolkit) or "stanza" (optional extra, models in
    `stanza_dir` or $NLP_TOOLKIT_STANZA_DIR; see stanza_backend.py); by default stanza when such a
    directory is given, else natasha. stanza that cannot load warns once and falls back to natasha.
    """

    def __init__(self, ner_fallback: bool = True, gazetteer: str | Path = GAZETTEER, heads: str | Path = HEADS,
                 ner_backend: str | None = None, stanza_dir: str | Path | None = None) -> None:
        self.gaz = load_gazetteer(str(gazetteer), str(heads))
        self.ner_fallback = ner_fallback
        directory = stanza_backend.stanza_dir(stanza_dir)
        backend = ner_backend or ("stanza" if directory else "natasha")
        if backend not in NER_BACKENDS:
            raise ToolkitError(f"unknown NER backend {backend!r} (available: {', '.join(NER_BACKENDS)})")
        # None: natasha, looked up at call time (module-level, so it can be replaced)
        self.stanza = stanza_backend.load_stanza(directory) if ner_fallback and backend == "stanza" else None

    def __call__(self, text: str, lang: str | None = None) -> list[dict]:
        if not text or not text.strip():
            return []
        norm = normalise(text)
        seg = _Segment(self.gaz, norm, lang)
        found = seg.gazetteer_matches()
        extra = seg.head_matches(found)
        covered = {t for m in extra for t in range(m.i, m.j)}
        matches = sorted([m for m in found if not covered & set(range(m.i, m.j))] + extra, key=lambda m: m.i)
        countries = {m.options[0].place.country for m in matches
                     if m.options and len({o.place.country for o in m.options}) == 1}
        ents = [self._entity(text, seg, m, countries) for m in matches]
        _infer_countries(ents)
        if self.ner_fallback and self._russian(text, lang):
            blocked = ents + [{"start": s, "end": e} for s, e in seg.rejected]
            ents = sorted(ents + self._ner_entities(text, seg, blocked), key=lambda e: e["start"])
        return ents

    def _entity(self, text: str, seg: _Segment, m: Match, countries: set[str]) -> dict:
        start = seg.toks[m.i][0] if m.start is None else m.start
        end = seg.toks[m.j - 1][1] if m.end is None else m.end
        if m.options:
            option = _pick(m.options, m.kind, countries)
            place = option.place
            return entity(text, start, end, "LOC", norm=m.norm or option.norm(seg.russian(m)), country=place.country,
                          kind=m.kind if m.norm else place.kind, lat=place.lat, lon=place.lon, source=m.source)
        return entity(text, start, end, "LOC", norm=m.norm, country=m.country, kind=m.kind or "other", source=m.source)

    @staticmethod
    def _russian(text: str, lang: str | None) -> bool:
        if lang is None:
            from ..corpus.langid import detect_language

            lang = detect_language(text)
        return lang in ("ru", "mixed")

    def _ner_entities(self, text: str, seg: _Segment, blocked: list[dict]) -> list[dict]:
        """NER LOC spans overlapping no `blocked` span; country and kind if the gazetteer knows the name.

        Dropped: acronyms (the gazetteer lists the places among them; the rest are mostly organisations,
        like РК in a law's title), first names (Салтанат), and a common word opening a sentence (Пол земляной).
        """
        norm = seg.norm
        first = {s: i for i, (s, _, _) in enumerate(seg.toks)}
        spans = sorted((x["start"], x["end"]) for x in blocked)
        starts = [a for a, _ in spans]
        reach = list(itertools.accumulate((b for _, b in spans), max))  # furthest end so far
        out = []
        for s, e in (self.stanza or natasha_locations)(norm):
            k = bisect.bisect_left(starts, e)  # spans starting before e; overlap if one ends after s
            i = first.get(s)
            if (k and reach[k - 1] > s) or norm[s:e].isupper() or i is None or _first_name(seg.toks[i][2]) \
                    or (seg.sentence_initial(i) and _is_common(seg.toks[i][2])):
                continue
            name = nominative(norm[s:e])
            places = self.gaz.by_key.get(fold(name)) or self.gaz.by_key.get(fold(norm[s:e])) or []
            place = places[0] if places else None
            out.append(entity(text, s, e, "LOC", norm=name, country=place.country if place else None,
                              kind=place.kind if place else "other", source="ner"))
        return out


def coordinates(norm: str, country: str | None = None, kind: str | None = None) -> tuple[float | None, float | None]:
    """(lat, lon) of a place from the shipped gazetteer, in `country` when given and preferably of `kind`
    (Ош the city, not the region); (None, None) when the gazetteer does not list it. For spans that
    carry a norm but no coordinates (hand-coded gold)."""
    listed = [p for p in load_gazetteer().by_key.get(fold(normalise(norm)), [])
              if p.lat is not None and (not country or p.country == country)]
    listed.sort(key=lambda p: p.kind != kind)
    return (listed[0].lat, listed[0].lon) if listed else (None, None)
