"""Actor mentions: INTERMEDIARY, EMPLOYER, POLICE, BORDER_GUARD, OFFICIAL.

Rules first, because the words that name actors are few and known (lexicon in data/actors.yaml):
Russian entries match on pymorphy3 lemmas, Kyrgyz ones as stems plus a suffix chain, multi-word
titles as a whole (longest match). Ambiguous words ("сотрудники", "начальник", "хозяин квартиры")
get their label from the words around them, relation nouns join the actor they govern ("брат
хозяина"), and personal names introduced as an actor ("посредник по имени X") are followed through
the segment (through a whole interview with `ActorExtractor.interview`). An optional spaCy NER
model, trained on annotated segments with `train_actor_ner`, adds spans the rules did not find
(never overriding them); on the demo gold and the report pages it lowered F1 (eval/actors.py), so
the default is rules only.
"""

from __future__ import annotations

import bisect
import functools
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path


from ..codebook import load_codebook
from ..io import read_yaml
from ..errors import ToolkitError
from ..kyrgyz import is_ablative, is_genitive, is_spatial, matches_stem, matches_verb, split_suffix, stem_forms
from ..morph import analyzer, is_known, lemma, lemmas, parse
from ..registry import extractors
from ..text import fold, normalise, words
from .base import entity

ACTOR_LABELS = ("INTERMEDIARY", "EMPLOYER", "POLICE", "BORDER_GUARD", "OFFICIAL")
LEXICON = Path(__file__).parent / "data" / "actors.yaml"
MAX_SUFFIX = 12  # longest Kyrgyz suffix chain looked for after a stem (ортомчу-ларыбызга)
PREFIX = 3  # a word is parsed by pymorphy3 only if it starts like some form of a lexicon word
NAME_TAGS = {"Name", "Surn", "Patr"}
CYRILLIC = set("абвгдежзийклмнопрстуфхцчшщъыьэюяңөү")
SENTENCE_END = set(".!?…:;«»\"“”\n")

Token = tuple[int, int, str]
Keys = frozenset[str]
Cues = tuple[Keys, tuple[tuple[str, ...], ...]]  # cue words, and cue phrases of several words ("алып бар-")


@dataclass(frozen=True)
class Rule:
    """How an ambiguous word gets its label (see the `ambiguous` section of actors.yaml)."""

    follow: tuple[str, ...] = ()
    near: tuple[tuple[str, Cues], ...] = ()
    default: str | None = None
    next_not: Keys = frozenset()
    prev_not: Keys = frozenset()
    adjective: bool = False
    not_as_place: bool = False  # a Kyrgyz word in a spatial case names a place to go ("консулдукка")


@dataclass(frozen=True)
class NameRules:
    """How personal names standing for actors are found (the `names` section of actors.yaml)."""

    window: int
    before: tuple[tuple[str, ...], ...]  # "по имени X", "звали X": X annotated
    after: tuple[tuple[str, ...], ...]  # "X его звали": X annotated
    silent_after: tuple[tuple[str, ...], ...]  # "ортомчу бар, X деген": remembered, not annotated
    introducers: Keys  # "такой человек, X": X annotated
    fillers: Keys  # words between a noun and its appositive name ("земляк один, X")
    near: Rule  # cue words deciding the label when no actor is near


@dataclass
class Lexicon:
    window: int  # words each side searched for `near` cues
    follow_window: int  # words each side searched for an actor to `follow`
    entries: dict[str, list[tuple[tuple[str, ...], str | Rule]]]  # first key -> (keys, label or rule)
    longest: int  # words in the longest entry
    # relation nouns forming one span with the actor they govern, Russian ones before it ("брат
    # хозяина"), Kyrgyz ones after it ("кожоюндун уулу"), each with the actor labels it joins
    heads: tuple[tuple[Keys, Keys, frozenset[str]], ...]
    complements: dict[str, Keys]  # label -> genitive nouns completing its titles ("аким района")
    names: NameRules
    ky_forms: dict[str, set[str]]  # a Kyrgyz stem's shape in a word -> the stems it comes from
    ky_verbs: dict[str, str]  # a Kyrgyz verb stem (cue words: жөнөт) -> its key ("жөнөт-")
    ru_prefixes: Keys  # first letters of every form of every Russian key: other words need no parse
    _cache: dict[str, Keys] = field(default_factory=dict)

    def keys(self, word: str) -> Keys:
        """Everything `word` can match: its Russian lemmas and the Kyrgyz stems it inflects."""
        found = self._cache.get(word)
        if found is None:
            w = fold(word)
            out = set(lemmas(word)) if w[:PREFIX] in self.ru_prefixes else {w}
            head = w.split("-")[0]  # a Russian compound counts as its first part: "фирму-прокладку"
            if head != w and head[:PREFIX] in self.ru_prefixes:
                out |= lemmas(head)
            for cut in range(len(w), max(0, len(w) - MAX_SUFFIX) - 1, -1):
                out.update(s for s in self.ky_forms.get(w[:cut], ()) if matches_stem(w, s))
                verb = self.ky_verbs.get(w[:cut])
                if verb and matches_verb(w, w[:cut]):
                    out.add(verb)
            found = frozenset(out)
            if len(self._cache) < 500_000:
                self._cache[word] = found
        return found


class _Loader:
    """Turns actors.yaml into key tuples, collecting the Kyrgyz stems and Russian lemmas it uses."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.ky_stems: set[str] = set()
        self.keys: set[str] = set()

    def phrases(self, spec: dict | None) -> set[tuple[str, ...]]:
        """`ru` phrases as lemma tuples, `ky` phrases as stem tuples (a verb stem keeps its "-": бар-)."""
        spec = spec or {}
        ru = {tuple(lemma(w) for _, _, w in words(normalise(p))) for p in spec.get("ru") or []}
        ky = {tuple(fold(normalise(w)) for w in p.split()) for p in spec.get("ky") or []}
        self.ky_stems.update(k for phrase in ky for k in phrase)
        out = (ru | ky) - {()}
        self.keys.update(k for phrase in out for k in phrase)
        return out

    def cues(self, cues: Iterable[str] | dict | None) -> Keys:
        """Single words, as `{ru: [...], ky: [...]}` or one list read both ways (a cue may be either)."""
        if not isinstance(cues, dict):
            cues = {"ru": list(cues or []), "ky": list(cues or [])}
        return frozenset(k for phrase in self.phrases(cues) for k in phrase)

    def near_cues(self, cues: Iterable[str] | dict | None) -> Cues:
        """Like `cues`, but a cue of several words counts only as a whole phrase ("алып бар-" = bring)."""
        if not isinstance(cues, dict):
            cues = {"ru": list(cues or []), "ky": list(cues or [])}
        found = self.phrases(cues)
        return frozenset(p[0] for p in found if len(p) == 1), tuple(sorted(p for p in found if len(p) > 1))

    def label(self, label: str | None, where: str) -> str | None:
        if label is not None and label not in ACTOR_LABELS:
            raise ToolkitError(f"{self.path}: {where}: {label!r} is not an actor label ({', '.join(ACTOR_LABELS)})")
        return label

    def rule(self, spec: dict, where: str) -> Rule:
        return Rule(follow=tuple(self.label(lab, where) for lab in spec.get("follow") or ()),
                    near=tuple((self.label(lab, where), self.near_cues(cues))
                               for lab, cues in (spec.get("near") or {}).items()),
                    default=self.label(spec.get("default"), where),
                    next_not=self.cues(spec.get("next_not")), prev_not=self.cues(spec.get("prev_not")),
                    adjective=bool(spec.get("adjective")), not_as_place=bool(spec.get("not_as_place")))


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str = str(LEXICON)) -> Lexicon:
    """Read actors.yaml (plus the codebook's actor cues) once per path."""
    raw = read_yaml(path, "actor lexicon")
    cb = load_codebook()
    load = _Loader(path)
    plain: dict[tuple[str, ...], str] = {}
    for label, spec in (raw.get("labels") or {}).items():
        cb.check_label(label, path)
        load.label(label, "labels")
        cues = cb.entities[label]
        spec = {"ru": [*(spec.get("ru") or []), *(cues.get("cues_ru") or [])],
                "ky": [*(spec.get("ky") or []), *(cues.get("cues_ky") or [])]}
        plain.update(dict.fromkeys(load.phrases(spec), label))
    ruled: dict[tuple[str, ...], Rule] = {}
    for n, spec in enumerate(raw.get("ambiguous") or [], 1):
        ruled.update(dict.fromkeys(load.phrases(spec), load.rule(spec, f"ambiguous rule {n}")))
    entries: dict[str, list[tuple[tuple[str, ...], str | Rule]]] = {}
    for keys, target in [*((k, v) for k, v in plain.items() if k not in ruled), *ruled.items()]:
        entries.setdefault(keys[0], []).append((keys, target))
    for options in entries.values():
        options.sort(key=lambda kv: -len(kv[0]))
    spec = raw.get("names") or {}
    names = NameRules(window=int(spec.get("window", 30)), before=tuple(sorted(load.phrases(spec.get("before")))),
                      after=tuple(sorted(load.phrases(spec.get("after")))),
                      silent_after=tuple(sorted(load.phrases(spec.get("silent_after")))),
                      introducers=load.cues(spec.get("introducers")), fillers=load.cues(spec.get("fillers")),
                      near=load.rule(spec, "names"))
    complements = {load.label(lab, "complements"): load.cues(c) for lab, c in (raw.get("complements") or {}).items()}
    heads = tuple((load.cues({"ru": group.get("ru") or []}), load.cues({"ky": group.get("ky") or []}),
                   frozenset(load.label(lab, "heads") for lab in group.get("labels", ACTOR_LABELS)))
                  for group in raw.get("heads") or [])
    ky_forms: dict[str, set[str]] = {}
    for s in load.ky_stems:
        if not s.endswith("-"):
            for form in stem_forms(s):
                ky_forms.setdefault(form, set()).add(s)
    return Lexicon(window=int(raw.get("window", 12)), follow_window=int(raw.get("follow_window", 40)),
                   entries=entries, longest=max(map(len, [*plain, *ruled]), default=1), heads=heads,
                   complements=complements, names=names, ky_forms=ky_forms,
                   ky_verbs={s[:-1]: s for s in load.ky_stems if s.endswith("-")},
                   ru_prefixes=_form_prefixes(load.keys))


def _form_prefixes(keys: Iterable[str]) -> Keys:
    """First PREFIX letters of all inflected forms of `keys` (люди -> "люд" for человек)."""
    out = set()
    for k in keys:
        out.add(k[:PREFIX])
        for p in analyzer().parse(k):
            if p.normal_form.replace("ё", "е") == k:
                out.update(fold(f.word)[:PREFIX] for f in p.lexeme)
    return frozenset(out)


@functools.lru_cache(maxsize=200_000)
def _parses(word: str) -> tuple[tuple[str | None, str | None, str | None, Keys], ...]:
    """(POS, case, number, grammemes) for each pymorphy3 reading of `word`."""
    return tuple((p.tag.POS, p.tag.case, p.tag.number, frozenset(p.tag.grammemes))
                 for p in parse(fold(word)))


def _agrees_as_adjective(adj: str, noun: str) -> bool:
    """Is `adj noun` most likely an adjective + noun pair ("полицейский участок", not "полицейским дали")?"""
    forms = {(case, num) for pos, case, num, _ in _parses(adj) if pos in ("ADJF", "PRTF")}
    readings = _parses(noun)
    first = readings[0] if readings else None  # a name first does not count: "Участковый аны" (Kyrgyz "him")
    return (is_known(noun) and first is not None and first[0] == "NOUN" and not NAME_TAGS & first[3]
            and any(pos == "NOUN" and (case, num) in forms for pos, case, num, _ in readings))


def _can_be(word: str, case: str, pos: tuple[str, ...] = ("NOUN", "ADJF", "PRTF")) -> bool:
    return any(c == case and p in pos for p, c, _, _ in _parses(word))


@functools.lru_cache(maxsize=1)
def _known_names() -> set[str]:
    """First names of the pseudonymisation lexicon (with its pseudonym pools): pseudonymised text uses them."""
    from ..corpus.pseudonymise import name_lexicon

    lex = name_lexicon()
    return set(lex["gender"]) | {fold(n) for n in [*lex["male"], *lex["female"]]}


def _is_personal_name(word: str) -> bool:
    """A name pymorphy3 knows as one, or one of the lexicon's names (Kyrgyz endings allowed)."""
    if not word[:1].isupper():
        return False
    if split_suffix(word, _known_names()) or lemmas(word) & _known_names():
        return True
    return (is_known(word) and any(NAME_TAGS & g for *_, g in _parses(word))
            and not any("Geox" in g for *_, g in _parses(word)))


def _looks_like_name(word: str) -> bool:
    """Where a name is expected ("по имени X"): a capitalised Cyrillic word pymorphy3 calls a name or
    does not know (Kyrgyz names mostly are unknown to it)."""
    return (len(word) > 2 and word[0].isupper() and not word.isupper() and bool(CYRILLIC & set(fold(word)))
            and (_is_personal_name(word) or any(NAME_TAGS & g for *_, g in _parses(word)) or not is_known(word)))


@dataclass
class Match:
    i: int  # first token
    j: int  # one past the last token
    target: str | Rule | None  # a label, or a rule still to resolve (None = dropped)
    source: str = "lexicon"


def _distance(a: Match, b: Match) -> int:
    """Words from one match to the other (1 = adjacent, 0 = overlapping)."""
    return max(0, b.i - a.j + 1, a.i - b.j + 1)


class _Segment:
    """One text being tagged: tokens, their match keys, and the rules over token windows."""

    def __init__(self, lex: Lexicon, norm: str) -> None:
        self.lex, self.norm = lex, norm
        self.toks: list[Token] = list(words(norm))
        self.keys = [lex.keys(w) for _, _, w in self.toks]

    def word(self, t: int) -> str:
        return self.toks[t][2]

    def gap(self, a: int, b: int) -> str:
        """The text between token a and the later token b."""
        return self.norm[self.toks[a][1]:self.toks[b][0]]

    def joined(self, a: int, b: int) -> bool:
        """Are tokens a and b separated by spaces only?"""
        return not self.gap(a, b).strip()

    def starts_sentence(self, t: int) -> bool:
        return t == 0 or bool(SENTENCE_END & set(self.gap(t - 1, t)))

    def phrase_at(self, i: int, keys: tuple[str, ...]) -> bool:
        n = len(keys)
        if i + n > len(self.toks) or keys[0] not in self.keys[i]:  # most calls: answered without a loop
            return False
        return (all(keys[t] in self.keys[i + t] for t in range(1, n))
                and all(self.joined(i + t, i + t + 1) for t in range(n - 1)))

    # --- lexicon and context rules -------------------------------------------------------------

    def lexicon_matches(self) -> list[Match]:
        """Longest lexicon entry at each word, left to right, never overlapping."""
        out: list[Match] = []
        i = 0
        while i < len(self.toks):
            best: Match | None = None
            for k in self.keys[i]:
                for keys, target in self.lex.entries.get(k, ()):
                    if (best is None or len(keys) > best.j - best.i
                            or (len(keys) == best.j - best.i and isinstance(target, Rule))):
                        if self.phrase_at(i, keys):
                            best = Match(i, i + len(keys), target)
            if best:
                out.append(best)
                i = best.j
            else:
                i += 1
        return out

    def nearest_cue(self, m: Match, near: tuple[tuple[str, Cues], ...], window: int,
                    after_only: bool = False) -> tuple[int, str] | None:
        """(distance, label) of the cue word or phrase closest to match `m` within `window` words."""
        best = None
        for t in range(m.j if after_only else max(0, m.i - window), min(len(self.toks), m.j + window)):
            d = _distance(m, Match(t, t + 1, None))
            if 0 < d and (best is None or d < best[0]):
                lab = next((lab for lab, (cues, phrases) in near
                            if cues & self.keys[t] or any(self.phrase_at(t, p) for p in phrases)), None)
                if lab:
                    best = (d, lab)
        return best

    def resolve(self, m: Match, fixed: list[Match], starts: list[int]) -> str | None:
        """The label of an ambiguous match, or None when it names no actor here.

        `fixed`: the unambiguous matches in text order, `starts` their first tokens (for bisecting).
        """
        rule = m.target
        assert isinstance(rule, Rule)
        nxt, prev = m.j, m.i - 1
        if nxt < len(self.toks) and self.joined(m.j - 1, nxt):
            if rule.next_not & self.keys[nxt]:
                return None
            if (rule.adjective and not self.word(nxt)[0].isupper()
                    and _agrees_as_adjective(self.word(m.j - 1), self.word(nxt))):
                return None
        if prev >= 0 and rule.prev_not & self.keys[prev]:
            return None
        last = self.word(m.j - 1)
        if rule.not_as_place and not is_known(last) and is_spatial(last) and not self.person_from(m):
            return None
        w = self.lex.follow_window
        around = fixed[bisect.bisect_left(starts, m.i - w - self.lex.longest):bisect.bisect_right(starts, m.j + w)]
        follows = [(f.i > m.i, _distance(m, f), f.target) for f in around
                   if f.target in rule.follow and _distance(m, f) <= w]
        # the referent is said before ("к акиму ... был заместитель ... с фермером": the akim's deputy)
        evidence = [(d, 0, lab) for after, d, lab in follows if not after] or [(d, 0, lab) for _, d, lab in follows]
        cue = self.nearest_cue(m, rule.near, self.lex.window)
        if cue:
            evidence.append((cue[0], 1, cue[1]))
        return min(evidence)[2] if evidence else rule.default

    def person_from(self, m: Match) -> bool:
        """Kyrgyz "консулдуктан бир киши келди": someone from the office acts, so the office is an actor."""
        t = m.j + (m.j < len(self.toks) and bool(self.lex.names.fillers & self.keys[m.j]))
        return is_ablative(self.word(m.j - 1)) and t < len(self.toks) and self.is_head(t, "OFFICIAL", kyrgyz=True)

    def attach(self, labelled: list[Match]) -> list[Match]:
        """Grow spans by what belongs to the actor's phrase, and drop actors that are complements.

        "брат хозяина", "сотрудник консульства" (a relation noun before an actor in the genitive),
        "кожоюндун күйөөсү" (after a Kyrgyz genitive), "акиму сельского округа" (title complements).
        An actor in the genitive right after another is that one's complement ("Департамент
        государственных доходов Министерства финансов").
        """
        out: list[Match] = []
        for m in labelled:
            h = m.i - 1
            if (h >= 0 and self.joined(h, m.i) and self.is_head(h, m.target, kyrgyz=False)
                    and _can_be(self.word(m.i), "gent") and not (out and out[-1].j > h and out[-1].i < h)):
                if out and out[-1].i == h:
                    out.pop()
                m.i = h
            n = m.j
            if (n < len(self.toks) and self.joined(m.j - 1, n) and is_genitive(self.word(m.j - 1))
                    and self.is_head(n, m.target, kyrgyz=True)):
                m.j = n + 1
            m.i, m.j = self.complement_start(m, out), self.complement_end(m)
            prev = out[-1] if out else None
            if prev and prev.j > m.i:  # a head the previous match already used
                continue
            if prev and prev.j == m.i and self.joined(prev.j - 1, m.i) and _can_be(self.word(m.i), "gent"):
                continue
            out.append(m)
        return out

    def is_head(self, t: int, label: str, kyrgyz: bool) -> bool:
        """Is token t a relation noun of `label`: a Russian one (before a genitive) or a Kyrgyz one (after)?"""
        return any((ky if kyrgyz else ru) & self.keys[t] and label in labels for ru, ky, labels in self.lex.heads)

    def complement_start(self, m: Match, out: list[Match]) -> int:
        """Start of `m` with a Kyrgyz title complement before it, a genitive noun of the list
        ("цехтин ээси", "райондун акими"), unless an earlier span holds that word."""
        nouns = self.lex.complements.get(m.target)  # type: ignore[arg-type]
        h = m.i - 1
        if (nouns and h >= 0 and self.joined(h, m.i) and nouns & self.keys[h] and is_genitive(self.word(h))
                and not (out and out[-1].j > h)):
            return h
        return m.i

    def complement_end(self, m: Match) -> int:
        """End of `m` with its title complement: genitive adjectives, then a genitive noun of the list."""
        nouns = self.lex.complements.get(m.target)  # type: ignore[arg-type]
        t = m.j
        while nouns and t < len(self.toks) and t - m.j < 3 and self.joined(t - 1, t):
            if nouns & self.keys[t] and _can_be(self.word(t), "gent", ("NOUN",)):
                return t + 1
            if not _can_be(self.word(t), "gent", ("ADJF",)):
                break
            t += 1
        return m.j

    # --- personal names ----------------------------------------------------------------------

    def name_span(self, t: int, step: int) -> tuple[int, int] | None:
        """The name at token t, growing in `step` direction over further name words ("Мавлюда
        Каримова"); a following honorific stays out ("[Айнура] эже"). Sentence-initial, it must be a
        known name."""
        if not (0 <= t < len(self.toks) and _looks_like_name(self.word(t))):
            return None
        if self.starts_sentence(t) and not _is_personal_name(self.word(t)):
            return None
        a = b = t
        while (0 <= b + step < len(self.toks) and abs(b + step - t) < 3 and _looks_like_name(self.word(b + step))
               and self.joined(min(b, b + step), max(b, b + step))):
            b += step
        return min(a, b), max(a, b) + 1

    def appositive(self, end: int) -> tuple[int, int] | None:
        """A name set off by a comma after the noun ending at token `end`: "помогайка один, Нурлан"."""
        t = end
        while t < len(self.toks) and t - end < 2 and self.lex.names.fillers & self.keys[t]:
            t += 1
        if t >= len(self.toks) or t == 0:
            return None
        gap = self.gap(t - 1, t)
        if "," not in gap or SENTENCE_END & set(gap):
            return None
        return self.name_span(t, +1)

    def role_noun_before(self, t: int, labelled: list[Match]) -> bool:
        """Does an actor noun stand earlier in the sentence of token t ("ортомчу бар, X деген": X is
        that ортомчу's name, not annotated; "Бирөө, X деген" after "ортомчулар." is)?"""
        return any(f.j <= t and not SENTENCE_END & set(self.gap(f.j - 1, t)) for f in labelled)

    def registered_label(self, t: int, registered: list[tuple[Keys, str, str]]) -> str | None:
        """The label of the remembered name token t is (any case: Таалайтын, Кубаныча), if any."""
        word = self.word(t)
        w_lemmas, w = lemmas(word), fold(word)
        return next((lab for lem, surface, lab in registered if lem & w_lemmas or matches_stem(w, surface)), None)

    def names(self, labelled: list[Match], registered: list[tuple[Keys, str, str]]) -> list[Match]:
        """Personal names standing for actors (GUIDELINES: annotated unless a role noun stands beside).

        `registered`: names already known to stand for an actor, as (lemmas, folded surface, label);
        the names this segment introduces are added to it.
        """
        rules = self.lex.names
        taken = {t for m in labelled for t in range(m.i, m.j)}
        out: list[Match] = []

        def register(span: tuple[int, int], label: str, annotate: bool) -> None:
            if taken & set(range(*span)):
                return
            registered.append((lemmas(self.word(span[0])), fold(self.word(span[0])), label))
            taken.update(range(*span))
            if annotate:
                out.append(Match(*span, label, "name"))

        # Introduced names: span, annotated?, where their label comes from: the nearest actor
        # ("before" it first, or on "either" side), or only a cue word after it ("такой человек, X":
        # nothing says which actor X is, unless "посредник"/"предложил работу" follows).
        found: list[tuple[tuple[int, int], bool, str]] = []
        for i in range(len(self.toks)):
            for intro in rules.before:
                if self.phrase_at(i, intro) and (span := self.name_span(i + len(intro), +1)):
                    found.append((span, True, "before"))
            for intros, side in ((rules.after, "before"), (rules.silent_after, "either")):
                for intro in intros:
                    if self.phrase_at(i, intro) and (span := self.name_span(i - 1, -1)):
                        found.append((span, not self.role_noun_before(span[0], labelled), side))
            if rules.introducers & self.keys[i] and (span := self.appositive(i + 1)):
                found.append((span, True, "cue"))
        for span, annotate, side in sorted(found, key=lambda f: f[1]):  # "аял бар, X деген": silent first
            m = Match(*span, None)
            close = [(side == "before" and f.i > m.i, _distance(f, m), f.i > m.i, f.target) for f in labelled
                     if 0 < _distance(f, m) <= rules.window and side != "cue"]
            cue = self.nearest_cue(m, rules.near.near, rules.window, after_only=True)
            label = min(close)[3] if close else cue[1] if cue else None
            if label:
                register(span, label, annotate)
        for m in labelled:  # after intros, so that "ортомчу бар, X деген" stays silent
            n = m.j
            if n < len(self.toks) and self.joined(n - 1, n) and _is_personal_name(self.word(n)):
                known = self.registered_label(n, registered)
                if known in (None, m.target):  # "участковыйы Таалайтын досу": Таалай is the farmer
                    register((n, n + 1), m.target, False)  # "бригадир Марат": the noun carries the label
            elif span := self.appositive(m.j):
                register(span, m.target, True)
        for t in range(len(self.toks)):
            word = self.word(t)
            if t in taken or not word[0].isupper():
                continue
            label = self.registered_label(t, registered)
            if label:
                out.append(Match(t, t + 1, label, "name"))
                taken.add(t)
        return out


@extractors.register("actors")
class ActorExtractor:
    """Actor spans by lexicon and context rules, plus an optional spaCy NER model for the rest.

    `model_dir`: a model saved by `train_actor_ner`; None = rules only. Both the Russian and the
    Kyrgyz lexicon apply whatever `lang` says, since interviews switch code within a turn.
    """

    def __init__(self, model_dir: str | Path | None = None, lexicon: str | Path = LEXICON) -> None:
        self.lexicon = load_lexicon(str(lexicon))
        _known_names()  # loaded now, not inside the first call
        self.nlp = _load_model(model_dir) if model_dir else None

    def _rules(self, norm: str, names: list[tuple[Keys, str, str]]) -> tuple[_Segment, list[Match]]:
        seg = _Segment(self.lexicon, norm)
        matches = seg.lexicon_matches()
        fixed = [m for m in matches if isinstance(m.target, str)]
        starts = [m.i for m in fixed]
        for m in matches:
            if isinstance(m.target, Rule):
                m.target = seg.resolve(m, fixed, starts)
        labelled = seg.attach([m for m in matches if m.target is not None])
        return seg, sorted(labelled + seg.names(labelled, names), key=lambda m: m.i)

    def __call__(self, text: str, lang: str | None = None, names: list | None = None) -> list[dict]:
        """Actor entities of `text`. `names`: a list shared across the segments of one interview, so
        that a name introduced as an actor in one answer is found in the later ones (see `interview`)."""
        if not text or not text.strip():
            return []
        norm = normalise(text)
        seg, matches = self._rules(norm, [] if names is None else names)
        ents = [entity(text, seg.toks[m.i][0], seg.toks[m.j - 1][1], m.target, source=m.source) for m in matches]
        if self.nlp is not None:
            ents = sorted(ents + self._model_entities(text, norm, ents), key=lambda e: e["start"])
        return ents

    def interview(self, texts: list[str], langs: list[str | None] | None = None) -> list[list[dict]]:
        """Entities of the segments of one interview, in order, remembering actor names across them
        ("Жаныбек деген" in one answer, "Жаныбек" in the next)."""
        names: list[tuple[Keys, str, str]] = []
        return [self(t, lang, names) for t, lang in zip(texts, langs or [None] * len(texts))]

    def _model_entities(self, text: str, norm: str, ents: list[dict]) -> list[dict]:
        """NER spans that overlap no rule span."""
        self.nlp.max_length = max(self.nlp.max_length, len(norm) + 1)
        out = []
        for span in self.nlp(norm).ents:
            if span.label_ in ACTOR_LABELS and all(span.end_char <= e["start"] or e["end"] <= span.start_char
                                                   for e in ents):
                out.append(entity(text, span.start_char, span.end_char, span.label_, source="model"))
        return out


def _load_model(model_dir: str | Path):
    import spacy

    path = Path(model_dir)
    if not (path / "meta.json").exists():
        raise ToolkitError(f"{path}: no actor NER model here (train one with train_actor_ner)")
    return spacy.load(path)


def marked_records(path: str | Path) -> list[dict]:
    """Respondent turns of a marked-up gold source (annotation/gold/source/*.md) as segment records.

    Read straight from the source (no rendering, no pseudonyms), so training data can be built from
    sources without running the gold build; offsets are carried exactly as the gold build does.
    """
    from ..annotation.gold import carry_annotations
    from ..annotation.markup import parse_marked_file
    from ..corpus.transcript import parse_transcript

    mf = parse_marked_file(path)
    tr = parse_transcript("\n".join(mf.lines), str(path))
    turns = [t for t in tr.turns if t.speaker == "respondent" and t.text]
    recs = [{"id": f"{Path(path).stem}-s{n:03d}", "text": t.text, "language": tr.meta.get("language"),
             "line_start": t.first_line, "line_end": t.last_line} for n, t in enumerate(turns, 1)]
    return carry_annotations(mf, recs, recs)


def train_actor_ner(records: Iterable[dict], out_dir: str | Path, epochs: int = 30, seed: int = 0) -> Path:
    """Train a spaCy NER (blank multilingual pipeline, Russian and Kyrgyz alike) on segment records.

    `records`: segments with `text` and `entities`; only actor labels are learnt, and records
    without actor spans teach what is not an actor. Text is normalised as at tagging time.
    """
    import spacy
    from spacy.training import Example
    from spacy.util import filter_spans, fix_random_seed, minibatch

    fix_random_seed(seed)
    nlp = spacy.blank("xx")
    ner = nlp.add_pipe("ner")
    for label in ACTOR_LABELS:
        ner.add_label(label)
    examples = []
    for rec in records:
        doc = nlp.make_doc(normalise(rec["text"]))
        spans = [doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand")
                 for e in rec.get("entities", []) if e["label"] in ACTOR_LABELS]
        gold = [(s.start_char, s.end_char, s.label_) for s in filter_spans([s for s in spans if s is not None])]
        examples.append(Example.from_dict(doc, {"entities": gold}))
    if not any(ex.reference.ents for ex in examples):
        raise ToolkitError("train_actor_ner: no actor spans in the training records")
    optimizer = nlp.initialize(lambda: examples)
    rng = random.Random(seed)
    for _ in range(epochs):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=16):
            nlp.update(batch, drop=0.2, sgd=optimizer)
    nlp.meta.update({"name": "actors_ner", "version": "0.1.0",
                     "description": f"Actor NER for nlp_toolkit, {len(examples)} training segments, "
                                    f"{epochs} epochs, seed {seed}."})
    out = Path(out_dir)
    nlp.to_disk(out)
    return out
