"""Replace personal names by stable pseudonyms per interview, before anyone annotates.

Names come from three places: the transcript header (respondent, interviewer), a lexicon of first
names common in Central Asia (matched with Russian and Kyrgyz case endings), and natasha's Russian
PER recogniser. The key (real -> pseudonym, per interview) is kept in a separate file outside data
exports; re-running ingest with the same key gives the same pseudonyms.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ToolkitError
from ..io import atomic_write, read_yaml
from ..kyrgyz import VOWELS, harmonise, is_suffix_chain
from ..morph import best, is_known, parse
from ..text import fold, words
from .langid import load_lexicon as langid_lexicon

DATA = Path(__file__).parent / "data" / "names.yaml"
# Russian-style surnames (Асанов, Токтогулова, Исаковым): natasha's PER on a word pymorphy only guesses
# at is trusted when the word has such an ending.
SURNAME_RE = re.compile(r"(ов|ев|ёв|ин|ын|ский|цкий|ская|цкая)(а|у|ым|ом|ой|е|ых|ыми|им)?$|(ова|ева|ина|ына)(ой|у|е)?$")
_VOWELS = set("аеёиоуыэюяөү")
_KY_GENITIVE = re.compile(r"(.{2,}?)[ндт](?:ын|ин|ун|үн)")
_ACRONYM = re.compile(r"[A-ZА-ЯЁӨҮҢ]{2,}[a-zа-яёөүң]")  # ЕАЭСтин, УВДга: an acronym with a Kyrgyz suffix


@functools.lru_cache(maxsize=1)
def name_lexicon() -> dict:
    raw = read_yaml(DATA, "name lexicon")
    gender = {v: "male" for n in raw["male"] for v in _all_spellings(fold(n))}
    gender |= {v: "female" for n in raw["female"] for v in _all_spellings(fold(n))}
    return {"gender": gender, "male": raw["pseudonyms_male"], "female": raw["pseudonyms_female"],
            "surnames": raw["pseudonym_surnames"]}


# Kyrgyz letters a Russian-spelling writer replaces (Назгүл / Назгуль, Үсөн / Усон, Жаңыл / Жаныл)
_RUSSIAN_SPELLING = [("гүл", "гуль"), ("ү", "у"), ("ө", "о"), ("ң", "н")]


def _spellings(name: str) -> set[str]:
    """A name as written in Kyrgyz and in Russian spelling: both are in transcripts (Гүлайым, Гулайым,
    Гульайым; Назгүл, Назгуль)."""
    out = {name}
    for ky, ru in _RUSSIAN_SPELLING:
        out |= {v.replace(ky, ru) for v in out}
    return out | {v.replace("гуль", "гүл").replace("гул", "гүл") for v in out}


def _all_spellings(name: str) -> set[str]:
    return {w for v in _spellings(name) for w in _spellings(v)}


# The endings of Central Asian given names (Эркинбек, Гулмира, Токтокан, Бүбүсара...): a capitalised
# word with one of them, the lexicon's or not, is taken for a name; what the place and actor
# extractors claim (Бишкек is not -бек: the gazetteer holds it) is not.
_NAME_SHAPE = re.compile(r"[а-яёөүң]{2,}(бек|бай|гүл|гул|гуль|жан|кул|бүбү|айым|хан|зат|мира|нара|нур)")


@functools.lru_cache(maxsize=1)
def _not_names():
    """Extractors for places and actors: a span they match by lexicon is not a person's name (Кордай, Аким)."""
    from ..pipeline import make_extractor
    return make_extractor("places", ner_fallback=False), make_extractor("actors")


def _plausible_person(token: str) -> bool:
    """natasha also tags capitalised Kyrgyz words (Ооба, Мен, Анда, Биздин), acronyms with a Kyrgyz
    suffix (ЕАЭСтин) and lower-case words beside a name ("аты" in "Кыздын аты Айжамал") as PER; keep
    only capitalised name-like words that are not Turkic function words."""
    if not token[:1].isupper() or _ACRONYM.match(token) or langid_lexicon().listed_turkic(fold(token)):
        return False
    t = fold(token)
    if not is_known(t) and _russian_noun_with_kyrgyz_suffix(t):
        return False  # Паспорттор, Документтерди: pymorphy guesses a name for the unknown word
    genitive = _KY_GENITIVE.fullmatch(t)
    if genitive and not is_known(t) and not SURNAME_RE.search(genitive.group(1)):
        return False  # a Kyrgyz genitive (Кыздын, Баланын) pymorphy would guess a name or surname in -ин/-ын
    parse = best(token)
    if parse is not None and {"Name", "Patr"} & set(parse.tag.grammemes) and parse.score >= 0.3:
        return True
    return bool(SURNAME_RE.search(t))


def _russian_noun_with_kyrgyz_suffix(word: str) -> bool:
    """A Russian common noun (not a name in the lexicon) followed by Kyrgyz suffixes: паспорт-тор, and
    a noun in -ь, which drops it before them: январь -> январ-да."""
    names = name_lexicon()["gender"]
    return any(is_suffix_chain(word[cut:]) and any(stem not in names and _common_russian(stem)
                                                    for stem in (word[:cut], word[:cut] + "ь"))
               for cut in range(len(word) - 1, 2, -1))


@functools.lru_cache(maxsize=1)
def _natasha():
    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
    return Doc, Segmenter(), NewsNERTagger(NewsEmbedding())


def _base_name(token: str, known: set[str], shaped: bool = False) -> str | None:
    """The known name `token` is an inflected form of (Нурбека -> нурбек, Маратом -> марат,
    Гульнары -> гульнара, Андреем -> андрей), if any; with `shaped`, also a name-shaped stem
    (Эркинбекке -> эркинбек)."""
    t = fold(token)
    shaped = shaped and not _common_russian(t) and not _russian_noun_with_kyrgyz_suffix(t)  # Каникулда
    if t in known or (shaped and _NAME_SHAPE.fullmatch(t)):
        return t
    for cut in range(len(t) - 1, max(2, len(t) - 6), -1):
        stem, rest = t[:cut], t[cut:]
        if (stem in known or (shaped and _NAME_SHAPE.fullmatch(stem))) and (
                is_suffix_chain(rest) or rest in RU_AFTER_CONSONANT and stem[-1] not in _VOWELS):
            return stem
        if stem + "ь" in known and is_suffix_chain(rest):  # Kyrgyz suffixes drop a final ь: Асель -> Аселге
            return stem + "ь"
        # Russian declension of names in -а/-я (Гульнары, Гульнаре) and in -й/-ь (Андрея, Игорем)
        for end, endings in RU_REPLACED_ENDINGS.items():
            if stem + end in known and rest in endings:
                return stem + end
    return None


def _common_russian(word: str) -> bool:
    """A Russian dictionary word that is not a name (прогул, баклажан): no name however it ends."""
    parse = best(word) if is_known(word) else None
    return parse is not None and not {"Name", "Surn", "Patr"} & set(parse.tag.grammemes)


def _name_words(text: str) -> list[tuple[int, int, str]]:
    """words() with hyphenated words split into their parts: "Гулмиру-эже" holds the name "Гулмиру"."""
    out = []
    for s, _, w in words(text):
        pos = s
        for part in w.split("-"):
            if part:
                out.append((pos, pos + len(part), part))
            pos += len(part) + 1
    return out


# Russian case endings of given names (OpenCorpora paradigms of Марат, Гульнара, Андрей, Игорь)
RU_AFTER_CONSONANT = {"а", "у", "ом", "е"}
RU_REPLACED_ENDINGS = {"а": {"ы", "и", "е", "у", "ю", "ой", "ей", "ою"}, "я": {"и", "е", "ю", "ей", "ею"},
                       "й": {"я", "ю", "ем", "е"}, "ь": {"я", "ю", "ем", "е"}}


NAME_TAGS = frozenset({"Name", "Surn"})


def _russian_case(token: str, base: str) -> tuple[str, str] | None:
    """(case, number) of `token` as a Russian form of the name `base`, by pymorphy3; a form of a name
    in -ь that its dictionary leaves undeclined (Асели) is taken for the genitive."""
    t = fold(token)
    if t == base:
        return None
    for p in parse(t):
        if NAME_TAGS & p.tag.grammemes and p.normal_form.replace("ё", "е") == base and p.tag.case:
            return p.tag.case, p.tag.number or "sing"
    return ("gent", "sing") if base.endswith("ь") and t == base[:-1] + "и" else None


# A name pymorphy3 declines for each gender and final letter ("" a consonant): a pseudonym takes its
# endings, whether or not the dictionary knows the pseudonym (most Kyrgyz names it does not, or takes a
# woman's Элнура for the genitive of Элнур). Women's names in a consonant or -й are not declined.
PARADIGMS = {("male", ""): "марат", ("male", "й"): "андрей", ("male", "ь"): "игорь", ("male", "а"): "никита",
             ("male", "я"): "илья", ("female", "а"): "гульнара", ("female", "я"): "таня", ("female", "ь"): "нинель",
             ("female", "ия"): "мария"}
# Russian spelling after a stem's last letter: и for ы (Калыйчи), and е for an unstressed о (Калыйчей)
SPELLING = {"ы": ("гкхжшчщ", "и"), "о": ("жшчщц", "е")}


@functools.lru_cache(maxsize=256)
def _paradigm_form(model: str, case: str, number: str) -> tuple[int, str] | None:
    """(letters the model name drops, ending it takes) in that case and number."""
    p = next((p for p in parse(model) if "Name" in p.tag.grammemes and p.tag.case == "nomn"), None)
    form = p.inflect({case, number}) if p else None
    if form is None:
        return None
    k = len(os.path.commonprefix([model, form.word]))
    return len(model) - k, form.word[k:]


def _inflected_name(pseudonym: str, case: str, number: str, gender: str | None) -> str | None:
    """`pseudonym` in that case and number (Айнура -> Айнуры, Тилек -> Тилека, у Сезим); a name of
    unknown gender (a surname) by pymorphy3's own paradigm of it; None if neither applies."""
    name = fold(pseudonym)
    last = "ия" if name.endswith("ия") else name[-1:] if name[-1:] in ("а", "я", "й", "ь") else ""
    if gender == "female" and last in ("", "й"):
        return pseudonym
    model = PARADIGMS.get((gender or "", last))
    if model is not None:
        found = _paradigm_form(model, case, number)
        if found is None:
            return None
        dropped, ending = found
        stem = pseudonym[: len(pseudonym) - dropped]
        after, vowel = SPELLING.get(ending[:1], ("", ""))
        if fold(stem[-1:]) in after:
            ending = vowel + ending[1:]
        return stem + ending
    for p in parse(name):
        if NAME_TAGS & p.tag.grammemes and p.tag.case == "nomn" and p.normal_form.replace("ё", "е") == name:
            form = p.inflect({case, number})
            if form is not None:
                return pseudonym[0] + form.word[1:]
    return None


def _transfer_ending(token: str, base: str, pseudonym: str, gender: str | None = None) -> str:
    """Give `pseudonym` the case of `token`, a form of the name `base` (Гульнары: Гульнара -> Айнуры).

    A Russian case form is made by pymorphy3's paradigm of the pseudonym, as the two names may decline
    differently (у Асели -> у Сезим, not "у Сезии"); failing that, the ending is carried over. A Kyrgyz
    suffix is re-harmonised to the pseudonym: kept as it was, it would be ungrammatical and would hint
    at the sounds of the real name."""
    t = fold(token)
    k = len(os.path.commonprefix([t, base]))
    dropped, tail = len(base) - k, token[k:]
    if base[k:] in ("", "ь") and tail[:1].isalpha() and fold(tail[0]) not in VOWELS and is_suffix_chain(fold(tail)):
        # Kyrgyz suffixes follow the new name (Нурлан-дын -> Алтынбек-тин), which drops a final ь as
        # the real one did (Асель -> Асел-ге)
        stem = pseudonym[:-1] if pseudonym.endswith("ь") else pseudonym
        out = stem + harmonise(stem, tail)
    else:
        ru = _russian_case(token, base)
        out = (ru and _inflected_name(pseudonym, *ru, gender)) or (
            pseudonym[: len(pseudonym) - dropped] if dropped else pseudonym) + tail
    return out.upper() if token.isupper() and len(token) > 1 else out


@dataclass
class PseudonymKey:
    """interview id -> {real name base form: pseudonym}; stable across runs when saved and reloaded."""

    path: Path | None = None
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    reserved: dict[str, set[str]] = field(default_factory=dict)  # names occurring in an interview: never pseudonyms

    @classmethod
    def load(cls, path: str | os.PathLike | None) -> "PseudonymKey":
        if path is None:
            return cls()
        path = Path(path)
        if not path.exists():
            return cls(path=path)
        try:
            return cls(path=path, mapping=json.loads(path.read_text(encoding="utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ToolkitError(f"{path}: pseudonym key is not valid JSON ({exc}); restore it from backup") from None

    def save(self) -> None:
        if self.path is not None:
            with atomic_write(self.path) as fh:
                json.dump(self.mapping, fh, ensure_ascii=False, indent=1, sort_keys=True)
            os.chmod(self.path, 0o600)

    def pseudonym(self, interview: str, real: str, gender: str | None, surname: bool = False) -> str:
        table = self.mapping.setdefault(interview, {})
        for spelling in [real, *sorted(_spellings(real) - {real})]:  # Назгүл and Назгуль: one person
            if spelling in table:
                return table[spelling]
        lex = name_lexicon()
        pool = lex["surnames"] if surname else lex["female" if gender == "female" else "male"]
        real_names = set(table) | self.reserved.get(interview, set()) | {fold(real)}
        # Prefer pseudonyms whose ending class matches, so transferred case endings read naturally.
        ending_vowel = real[-1:] in _VOWELS
        order = sorted(pool, key=lambda p: hashlib.sha256(f"{interview}|{real}|{p}".encode()).hexdigest())
        order.sort(key=lambda p: (p[-1:].lower() in _VOWELS) != ending_vowel)
        if surname and gender == "female":
            order = [p + "а" for p in order]
        if surname:  # Осмонова is the wife of an Осмонов: a real surname in either form is taken
            real_names |= {u.removesuffix("а") for u in real_names}

        def stem(name: str) -> str:
            return fold(name).removesuffix("а") if surname else fold(name)

        free = [p for p in order if stem(p) not in real_names]  # never a real name of the interview
        pseudonyms = {stem(v) for v in table.values()}
        choice = next((p for p in free if stem(p) not in pseudonyms), None)
        if choice is None:  # pool used up: repeat a pseudonym with a number, still no real name
            choice = f"{free[0] if free else 'Аноним'}-{len(table)}"
        table[real] = choice
        return choice


class Pseudonymiser:
    """Find personal names in text and replace them through a PseudonymKey."""

    def __init__(self, key: PseudonymKey | None = None, use_ner: bool = True) -> None:
        self.key = key or PseudonymKey()
        self.use_ner = use_ner

    def _gender(self, base: str) -> str | None:
        genders = name_lexicon()["gender"]
        g = next((genders[v] for v in [base, *sorted(_spellings(base))] if v in genders), None)
        if g:
            return g
        parse = best(base)
        if parse is None:
            return None
        return "female" if "femn" in parse.tag else "male" if "masc" in parse.tag else None

    def person_names(self, text: str, lang: str | None) -> list[tuple[int, int]]:
        """Spans of personal-name tokens: lexicon names (any case ending) and natasha PER (Russian)."""
        known = set(name_lexicon()["gender"])
        spans = {(s, e) for s, e, w in _name_words(text) if w[:1].isupper() and _base_name(w, known, shaped=True)}
        if self.use_ner and lang in (None, "ru", "mixed") and text.strip():
            Doc, segmenter, ner = _natasha()
            doc = Doc(text)
            doc.segment(segmenter)
            doc.tag_ner(ner)
            for span in doc.spans:
                if span.type == "PER":
                    spans |= {(span.start + s, span.start + e) for s, e, w in words(text[span.start:span.stop])
                              if _plausible_person(w)}
        claimed = [(e["start"], e["end"]) for ext in _not_names() for e in ext(text, lang)
                   if e.get("source") != "name"]  # an actor found *as a name* is still a name to hide
        return sorted(sp for sp in spans if not any(sp[0] < e and s < sp[1] for s, e in claimed))

    def reserve(self, interview: str, text: str) -> None:
        """Keep every name occurring in the interview out of its pseudonym pool (no real name doubles as a pseudonym)."""
        known = set(name_lexicon()["gender"])
        names = {_base_name(w, known, shaped=True) for _, _, w in _name_words(text) if w[:1].isupper()}
        self.key.reserved.setdefault(interview, set()).update(n for n in names if n)

    def register(self, interview: str, full_name: str, pseudonym: str | None = None) -> str:
        """Enter a header name (first name + surname...) into the key; returns the pseudonymised full name."""
        parts = full_name.split()
        if not parts:
            return full_name
        first = fold(parts[0])
        gender = self._gender(first)
        table = self.key.mapping.setdefault(interview, {})
        if pseudonym and first not in table:
            table[first] = pseudonym.split()[0]
        out = [self.key.pseudonym(interview, first, gender)]
        for part in parts[1:]:
            out.append(self.key.pseudonym(interview, fold(part.strip(".")), gender, surname=True))
        return " ".join(out)

    @staticmethod
    def _base(token: str, known: set[str]) -> str:
        """The name a name token stands for: a known name it inflects, else its dictionary form."""
        parse = best(token)
        return _base_name(token, known, shaped=True) or fold(parse.normal_form if parse else token)

    def __call__(self, text: str, interview: str, lang: str | None = None) -> str:
        """`text` with every known or detected personal name replaced by its pseudonym."""
        table = self.key.mapping.setdefault(interview, {})
        known = set(name_lexicon()["gender"]) | set(table)
        found = {(s, e): self._base(text[s:e], known) for s, e in self.person_names(text, lang)}
        # Names in the key (header names, earlier turns) or found in this text are replaced wherever
        # they recur, in any case form ("Арман" found by natasha, then "Арманга").
        in_key = {v for real in [*table, *found.values()] for v in _spellings(real)}
        spans = set(found) | {(s, e) for s, e, w in _name_words(text) if w[:1].isupper() and _base_name(w, in_key)}
        known |= set(found.values())
        out, pos = [], 0
        for s, e in sorted(spans):
            token = text[s:e]
            parse = best(token)
            base = self._base(token, known)
            is_surname = base not in name_lexicon()["gender"] and parse is not None and "Surn" in parse.tag
            gender = self._gender(base)
            pseudo = self.key.pseudonym(interview, base, gender, surname=is_surname)
            out.append(text[pos:s])
            out.append(_transfer_ending(token, base, pseudo, None if is_surname else gender))
            pos = e
        out.append(text[pos:])
        return "".join(out)

    def leaks(self, text: str, interview: str) -> list[str]:
        """Real names of this interview's key still present in `text` (should always be empty).

        Only capitalised words count, as in the replacement: a name is written capitalised, and the
        same letters in lower case are a common word ("анда" = then, whatever "Анда" was taken for)."""
        table = self.key.mapping.get(interview, {})
        found = []
        folded = fold(text)
        for real in table:
            spellings = _spellings(real)
            if any(re.search(rf"(?<!\w){re.escape(v[:max(3, len(v) - 1)])}", folded) for v in spellings):
                if any(w[:1].isupper() and _base_name(w, spellings) for _, _, w in _name_words(text)):
                    found.append(real)
        return found
