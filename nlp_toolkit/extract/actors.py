"""Actor mentions: INTERMEDIARY, EMPLOYER, POLICE, BORDER_GUARD, OFFICIAL.

Rules first, because the words that name actors are few and known (lexicon in data/actors.yaml):
Russian entries match on pymorphy3 lemmas, Kyrgyz ones as stems plus a suffix chain, multi-word
titles as a whole (longest match). Ambiguous words ("сотрудники", "начальник", "хозяин квартиры")
get their label from the words around them, and personal names introduced as an actor ("посредник
по имени X") are followed through the segment. An optional spaCy NER model, trained on annotated
segments with `train_actor_ner`, adds spans the rules did not find (never overriding them).
"""

from __future__ import annotations

import bisect
import functools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..codebook import load_codebook
from ..errors import ToolkitError
from ..kyrgyz import matches_stem, stem_forms
from ..morph import analyzer, is_known, lemma, lemmas
from ..registry import extractors
from ..text import fold, normalise, words
from .base import entity

ACTOR_LABELS = ("INTERMEDIARY", "EMPLOYER", "POLICE", "BORDER_GUARD", "OFFICIAL")
LEXICON = Path(__file__).parent / "data" / "actors.yaml"
MAX_SUFFIX = 12  # longest Kyrgyz suffix chain looked for after a stem (ортомчу-ларыбызга)
PREFIX = 3  # a word is parsed by pymorphy3 only if it starts like some form of a lexicon word
NAME_TAGS = {"Name", "Surn", "Patr"}
CYRILLIC = set("абвгдежзийклмнопрстуфхцчшщъыьэюяңөү")

Token = tuple[int, int, str]


@dataclass(frozen=True)
class Rule:
    """How an ambiguous word gets its label (see the `ambiguous` section of actors.yaml)."""

    follow: tuple[str, ...] = ()
    near: tuple[tuple[str, frozenset[str]], ...] = ()
    default: str | None = None
    next_not: frozenset[str] = frozenset()
    prev_not: frozenset[str] = frozenset()
    adjective: bool = False


@dataclass
class Lexicon:
    window: int  # words each side searched for `near` cues
    follow_window: int  # words each side searched for an actor to `follow`
    entries: dict[str, list[tuple[tuple[str, ...], str | Rule]]]  # first key -> (keys, label or rule)
    longest: int  # words in the longest entry
    ky_forms: dict[str, set[str]]  # a Kyrgyz stem's shape in a word -> the stems it comes from
    ru_prefixes: frozenset[str]  # first letters of every form of every Russian key: others need no parse
    name_before: list[tuple[str, ...]]
    name_after: list[tuple[str, ...]]
    name_near: Rule
    name_window: int
    _cache: dict[str, frozenset[str]] = field(default_factory=dict)

    def keys(self, word: str) -> frozenset[str]:
        """Everything `word` can match: its Russian lemmas and the Kyrgyz stems it inflects."""
        found = self._cache.get(word)
        if found is None:
            w = fold(word)
            out = set(lemmas(word)) if w[:PREFIX] in self.ru_prefixes else {w}
            for cut in range(len(w), max(0, len(w) - MAX_SUFFIX) - 1, -1):
                out.update(s for s in self.ky_forms.get(w[:cut], ()) if matches_stem(w, s))
            found = frozenset(out)
            if len(self._cache) < 500_000:
                self._cache[word] = found
        return found


def _ru_keys(phrase: str) -> tuple[str, ...]:
    return tuple(lemma(w) for _, _, w in words(normalise(phrase)))


def _ky_keys(phrase: str) -> tuple[str, ...]:
    return tuple(fold(w) for _, _, w in words(normalise(phrase)))


def _phrases(spec: dict, ky_stems: set[str]) -> set[tuple[str, ...]]:
    """A spec's `ru` and `ky` lists as key tuples; Kyrgyz stems are collected for the stem index."""
    ky = {_ky_keys(p) for p in spec.get("ky") or []}
    ky_stems.update(k for phrase in ky for k in phrase)
    return ({_ru_keys(p) for p in spec.get("ru") or []} | ky) - {()}


def _cue_set(cues: Iterable[str], ky_stems: set[str]) -> frozenset[str]:
    """Single-word context cues: Russian lemma and Kyrgyz stem alike (a cue may be either)."""
    out = set()
    for c in cues:
        out.update(_ru_keys(c) + _ky_keys(c))
        ky_stems.update(_ky_keys(c))
    return frozenset(out)


def _rule(spec: dict, ky_stems: set[str], labels: Sequence[str], where: str) -> Rule:
    for lab in [*(spec.get("follow") or []), *(spec.get("near") or {}), spec.get("default")]:
        if lab is not None and lab not in labels:
            raise ToolkitError(f"{where}: {lab!r} is not an actor label ({', '.join(labels)})")
    return Rule(follow=tuple(spec.get("follow") or ()),
                near=tuple((lab, _cue_set(cues, ky_stems)) for lab, cues in (spec.get("near") or {}).items()),
                default=spec.get("default"),
                next_not=_cue_set(spec.get("next_not") or [], ky_stems),
                prev_not=_cue_set(spec.get("prev_not") or [], ky_stems),
                adjective=bool(spec.get("adjective")))


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str = str(LEXICON)) -> Lexicon:
    """Read actors.yaml (plus the codebook's actor cues) once per path."""
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ToolkitError(f"{path}: cannot read the actor lexicon ({exc})") from None
    cb = load_codebook()
    ky_stems: set[str] = set()
    plain: dict[tuple[str, ...], str] = {}
    for label, spec in (raw.get("labels") or {}).items():
        cb.check_label(label, path)
        if label not in ACTOR_LABELS:
            raise ToolkitError(f"{path}: {label} is not an actor label")
        codebook_cues = cb.entities[label]
        spec = {"ru": [*(spec.get("ru") or []), *(codebook_cues.get("cues_ru") or [])],
                "ky": [*(spec.get("ky") or []), *(codebook_cues.get("cues_ky") or [])]}
        plain.update(dict.fromkeys(_phrases(spec, ky_stems), label))
    ruled: dict[tuple[str, ...], Rule] = {}
    for n, spec in enumerate(raw.get("ambiguous") or [], 1):
        rule = _rule(spec, ky_stems, ACTOR_LABELS, f"{path}: ambiguous rule {n}")
        ruled.update(dict.fromkeys(_phrases(spec, ky_stems), rule))
    entries: dict[str, list[tuple[tuple[str, ...], str | Rule]]] = {}
    for keys, target in [*((k, v) for k, v in plain.items() if k not in ruled), *ruled.items()]:
        entries.setdefault(keys[0], []).append((keys, target))
    for options in entries.values():
        options.sort(key=lambda kv: -len(kv[0]))
    names = raw.get("names") or {}
    name_before = sorted(_phrases(names.get("before") or {}, ky_stems))
    name_after = sorted(_phrases(names.get("after") or {}, ky_stems))
    name_near = _rule({"near": names.get("near") or {}}, ky_stems, ACTOR_LABELS, f"{path}: names")
    keys = {k for phrase in [*plain, *ruled, *name_before, *name_after] for k in phrase}
    for rule in [*ruled.values(), name_near]:
        keys |= rule.next_not | rule.prev_not | {k for _, cues in rule.near for k in cues}
    ky_forms: dict[str, set[str]] = {}
    for s in ky_stems:
        for form in stem_forms(s):
            ky_forms.setdefault(form, set()).add(s)
    return Lexicon(window=int(raw.get("window", 12)), follow_window=int(raw.get("follow_window", 40)),
                   entries=entries, longest=max(map(len, [*plain, *ruled]), default=1), ky_forms=ky_forms,
                   ru_prefixes=_form_prefixes(keys),
                   name_before=name_before, name_after=name_after, name_near=name_near,
                   name_window=int(names.get("window", 30)))


def _form_prefixes(keys: Iterable[str]) -> frozenset[str]:
    """First PREFIX letters of all inflected forms of `keys` (люди -> "люд" for человек)."""
    out = set()
    for k in keys:
        out.add(k[:PREFIX])
        for p in analyzer().parse(k):
            if p.normal_form.replace("ё", "е") == k:
                out.update(fold(f.word)[:PREFIX] for f in p.lexeme)
    return frozenset(out)


@functools.lru_cache(maxsize=200_000)
def _parses(word: str) -> tuple[tuple[str | None, str | None, str | None, frozenset[str]], ...]:
    """(POS, case, number, grammemes) for each pymorphy3 reading of `word`."""
    return tuple((p.tag.POS, p.tag.case, p.tag.number, frozenset(p.tag.grammemes))
                 for p in analyzer().parse(fold(word)))


def _agrees_as_adjective(adj: str, noun: str) -> bool:
    """Is `adj noun` most likely an adjective + noun pair ("полицейский участок", not "полицейским дали")?"""
    forms = {(case, num) for pos, case, num, _ in _parses(adj) if pos in ("ADJF", "PRTF")}
    readings = _parses(noun)
    return bool(readings) and readings[0][0] == "NOUN" and any(
        pos == "NOUN" and (case, num) in forms for pos, case, num, _ in readings)


def _can_be_genitive(word: str) -> bool:
    return any(case == "gent" for _, case, _, _ in _parses(word))


def _looks_like_name(word: str) -> bool:
    """After "по имени" / "звали": a capitalised Cyrillic word, a name to pymorphy3 or unknown to it."""
    return (len(word) > 2 and word[0].isupper() and not word.isupper() and bool(CYRILLIC & set(fold(word)))
            and (any(NAME_TAGS & g for *_, g in _parses(word)) or not is_known(word)))


def _is_personal_name(word: str) -> bool:
    """Right after a role noun, only a name pymorphy3 knows ("бригадир Марат", not "аким Лейлека")."""
    return (word[0].isupper() and is_known(word) and any(NAME_TAGS & g for *_, g in _parses(word))
            and not any("Geox" in g for *_, g in _parses(word)))


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
    """One text being tagged: tokens, their match keys, and helpers over token windows."""

    def __init__(self, lex: Lexicon, norm: str) -> None:
        self.lex, self.norm = lex, norm
        self.toks: list[Token] = list(words(norm))
        self.keys = [lex.keys(w) for _, _, w in self.toks]

    def joined(self, a: int, b: int) -> bool:
        """Are tokens a and b (b = a + 1) separated by spaces only?"""
        return not self.norm[self.toks[a][1]:self.toks[b][0]].strip()

    def phrase_at(self, i: int, keys: tuple[str, ...]) -> bool:
        n = len(keys)
        return (i + n <= len(self.toks) and all(keys[t] in self.keys[i + t] for t in range(n))
                and all(self.joined(i + t, i + t + 1) for t in range(n - 1)))

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

    def nearest_cue(self, m: Match, near: tuple[tuple[str, frozenset[str]], ...], window: int,
                    after_only: bool = False) -> tuple[int, str] | None:
        """(distance, label) of the cue word closest to match `m` within `window` words."""
        best = None
        for t in range(m.j if after_only else max(0, m.i - window), min(len(self.toks), m.j + window)):
            d = _distance(m, Match(t, t + 1, None))
            if 0 < d and (best is None or d < best[0]):
                lab = next((lab for lab, cues in near if cues & self.keys[t]), None)
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
            if (rule.adjective and not self.toks[nxt][2][0].isupper()
                    and _agrees_as_adjective(self.toks[m.j - 1][2], self.toks[nxt][2])):
                return None
        if prev >= 0 and rule.prev_not & self.keys[prev]:
            return None
        w = self.lex.follow_window
        around = fixed[bisect.bisect_left(starts, m.i - w - self.lex.longest):bisect.bisect_right(starts, m.j + w)]
        evidence = [(_distance(m, f), 0, f.target) for f in around if f.target in rule.follow]
        evidence = [e for e in evidence if e[0] <= w]
        cue = self.nearest_cue(m, rule.near, self.lex.window)
        if cue:
            evidence.append((cue[0], 1, cue[1]))
        return min(evidence)[2] if evidence else rule.default

    def name_span(self, t: int, step: int) -> tuple[int, int] | None:
        """Consecutive name-like tokens starting at t going in `step` direction (up to 3)."""
        if not (0 <= t < len(self.toks) and _looks_like_name(self.toks[t][2])):
            return None
        a = b = t
        while 0 <= b + step < len(self.toks) and abs(b + step - t) < 3 and _looks_like_name(self.toks[b + step][2]) \
                and self.joined(min(b, b + step), max(b, b + step)):
            b += step
        return (min(a, b), max(a, b) + 1)

    def names(self, labelled: list[Match]) -> list[Match]:
        """Personal names standing for actors: introduced ("по имени X"), or after a role noun."""
        taken = {t for m in labelled for t in range(m.i, m.j)}
        registered: list[tuple[frozenset[str], str, str]] = []  # (lemmas, folded surface, label)
        silent: set[int] = set()
        for m in labelled:  # "бригадир Марат": the noun carries the label, the name is remembered
            if m.j < len(self.toks) and self.joined(m.j - 1, m.j) and _is_personal_name(self.toks[m.j][2]) \
                    and m.j not in taken:
                registered.append((lemmas(self.toks[m.j][2]), fold(self.toks[m.j][2]), m.target))
                silent.add(m.j)
        found: list[tuple[Match, bool]] = []  # an introduced name, and whether its role noun follows
        for i in range(len(self.toks)):
            for intros, at, step in ((self.lex.name_before, None, +1), (self.lex.name_after, i - 1, -1)):
                for intro in intros:
                    span = self.phrase_at(i, intro) and self.name_span(i + len(intro) if at is None else at, step)
                    if span:
                        found.append((Match(*span, None, "name"), step < 0))
        for m, forward in found:
            close = [(f.i < m.i if forward else f.i > m.i, _distance(f, m), f.target) for f in labelled
                     if 0 < _distance(f, m) <= self.lex.name_window]
            cue = self.nearest_cue(m, self.lex.name_near.near, self.lex.name_window, after_only=True)
            m.target = min(close)[2] if close else cue[1] if cue else None
            if m.target and not taken & set(range(m.i, m.j)):
                registered.append((lemmas(self.toks[m.i][2]), fold(self.toks[m.i][2]), m.target))
        found = [m for m, _ in found]
        out = [m for m in found if m.target and not taken & set(range(m.i, m.j))]
        taken |= {t for m in out for t in range(m.i, m.j)} | silent
        for t, (_, _, word) in enumerate(self.toks):
            if t in taken or not word[0].isupper():
                continue
            w_lemmas, w = lemmas(word), fold(word)
            label = next((lab for lem, surface, lab in registered
                          if lem & w_lemmas or matches_stem(w, surface)), None)
            if label:
                out.append(Match(t, t + 1, label, "name"))
        return out


@extractors.register("actors")
class ActorExtractor:
    """Actor spans by lexicon and context rules, plus an optional spaCy NER model for the rest.

    `model_dir`: a model saved by `train_actor_ner`; None = rules only. Both the Russian and the
    Kyrgyz lexicon apply whatever `lang` says, since interviews switch code within a turn.
    """

    def __init__(self, model_dir: str | Path | None = None, lexicon: str | Path = LEXICON) -> None:
        self.lexicon = load_lexicon(str(lexicon))
        self.nlp = _load_model(model_dir) if model_dir else None

    def _rules(self, norm: str) -> tuple[_Segment, list[Match]]:
        seg = _Segment(self.lexicon, norm)
        matches = seg.lexicon_matches()
        fixed = [m for m in matches if isinstance(m.target, str)]
        starts = [m.i for m in fixed]
        for m in matches:
            if isinstance(m.target, Rule):
                m.target = seg.resolve(m, fixed, starts)
        labelled: list[Match] = []
        for m in matches:  # an actor in the genitive right after another is its complement
            if m.target is None:
                continue
            prev = labelled[-1] if labelled else None
            if prev and prev.j == m.i and seg.joined(prev.j - 1, m.i) and _can_be_genitive(seg.toks[m.i][2]):
                continue
            labelled.append(m)
        return seg, sorted(labelled + seg.names(labelled), key=lambda m: m.i)

    def __call__(self, text: str, lang: str | None = None) -> list[dict]:
        if not text or not text.strip():
            return []
        norm = normalise(text)
        seg, matches = self._rules(norm)
        ents = [entity(text, seg.toks[m.i][0], seg.toks[m.j - 1][1], m.target, source=m.source) for m in matches]
        if self.nlp is not None:
            ents = sorted(ents + self._model_entities(text, norm, ents), key=lambda e: e["start"])
        return ents

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
