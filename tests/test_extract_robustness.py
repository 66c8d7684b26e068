"""Bad input through the whole extraction path (issue 4): the Tagger (every extractor, their `interview`
methods, overlap resolution, money conversion), the natasha fallback of the places extractor, and
overlap resolution at scale. Each extractor's own odd-Unicode, empty and 1 MB tests live in
test_money.py, test_places.py and test_actors.py; this file covers what they do not reach."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_toolkit.codebook import ACTOR_LABELS
from nlp_toolkit.extract.base import NER_CHUNK, resolve_overlaps
from nlp_toolkit.extract.places import PlaceExtractor
from nlp_toolkit.pipeline import LABEL_PRIORITY, Tagger

LABELS = {"MONEY", "LOC", *ACTOR_LABELS}

# Words each extractor reacts to, Russian and Kyrgyz, some with Latin look-alike letters (a, o, e, c)
# or a soft hyphen inside, and characters that break naive offset arithmetic.
WORDS = ["Посредник", "пoлиция", "хозяин", "ортомчуга", "кожоюн", "Марат", "по имени", "звали", "12 000", "5",
         "тысяч", "тенге", "сoм", "миң", "беш", "сомдон", "$", "в", "Бишкеке", "Алмaты", "Оша", "Москвага",
         "Бишкектен", "рынке", "Дордой", "селе", "Ка\u00adзахстане", "пла\u00adтил", "от", "до"]
ODD = ["\u00a0", "\u202f", "\u00ad", "\u200b", "\u200d", "\ufeff", "\u0301", "\u202e", "😀", "👮🏽", "🇰🇬", "İ", "ß",
       "ǅ", "١٢", "２", "²", "\x00", "\ud800", "\n", "«", "»", "—", ".", ","]
SEPARATORS = st.sampled_from([" ", "", "\u00a0", "\n", ", "])
TAGGER = Tagger(codes=False)  # module-level: hypothesis tests take no function fixtures
SEGMENT = st.tuples(st.lists(st.sampled_from(WORDS + ODD), max_size=25), SEPARATORS).map(lambda p: p[1].join(p[0]))


def check_entities(text: str, ents: list[dict]) -> None:
    """Exact offsets, known labels, sorted and never overlapping (what score.py and the dataset expect)."""
    last = 0
    for e in ents:
        assert 0 <= e["start"] < e["end"] <= len(text) and text[e["start"]:e["end"]] == e["text"]
        assert e["label"] in LABELS and e["start"] >= last
        last = e["end"]


def interview(texts: list[str], langs: list[str | None] | None = None) -> list[dict]:
    langs = langs or [None] * len(texts)
    return [{"id": f"iv-{i}", "interview_id": "iv", "text": t, **({"lang": lang} if lang else {})}
            for i, (t, lang) in enumerate(zip(texts, langs))]


@settings(max_examples=150, deadline=None)
@given(st.lists(SEGMENT, min_size=1, max_size=4), st.lists(st.sampled_from([None, "ru", "ky", "mixed"]),
                                                           min_size=4, max_size=4))
def test_tagger_offsets_on_odd_unicode(texts, langs):
    out = TAGGER.tag(interview(texts, langs))
    assert [r["text"] for r in out] == texts
    for rec in out:
        check_entities(rec["text"], rec["entities"])


def test_tagger_reads_look_alikes_and_invisible_characters():
    text = ("Посред\u00adник взял 12\u00a0000 тeнге, привёз нас в Алмaты.\u200b 👮 "
            "Ортомчуга беш миң сoм бердик, Бишкектен\u00a0Москвага бардык.")
    [rec] = TAGGER.tag(interview([text]))
    check_entities(text, rec["entities"])
    assert [(e["text"], e["label"]) for e in rec["entities"]] == [
        ("Посред\u00adник", "INTERMEDIARY"), ("12\u00a0000 тeнге", "MONEY"), ("Алмaты", "LOC"),
        ("Ортомчуга", "INTERMEDIARY"), ("беш миң сoм", "MONEY"), ("Бишкектен", "LOC"), ("Москвага", "LOC")]


@pytest.mark.parametrize("text", ["", " ", "\u00a0\u00ad\n\t", "😀👮🏽🇰🇬", "\ufeff", "\u0301\u0301", "\ud800", ".,—«»"])
def test_tagger_on_empty_and_symbol_only_segments(text):
    out = TAGGER.tag(interview([text, text, "Посредник из Оша."]))
    assert out[0]["entities"] == out[1]["entities"] == []
    assert [e["text"] for e in out[2]["entities"]] == ["Посредник", "Оша"]


def test_tagger_one_megabyte_segment():
    para = ("Посредник взял 12\u00a0000 тенге, привёз нас в Алмaты, хозяин не пла\u00adтил. 😀 "
            "Бишкектен Москвага бардык, ортомчуга беш миң сом бердик.\n")
    copies = 1_000_000 // len(para) + 1
    text = para * copies
    [rec] = TAGGER.tag(interview([text]))
    ents = rec["entities"]
    assert len(ents) == 8 * copies
    check_entities(text, ents[:100] + ents[-100:])
    assert [e["text"] for e in ents[-8:]] == ["Посредник", "12\u00a0000 тенге", "Алмaты", "хозяин", "Бишкектен",
                                               "Москвага", "ортомчуга", "беш миң сом"]


_NER = PlaceExtractor(ner_fallback=True)


@settings(max_examples=60, deadline=None)
@given(SEGMENT, st.sampled_from(["Воркуте", "Воркуту", "Тюмени", "Норильск"]))
def test_natasha_fallback_offsets_on_odd_unicode(text, unlisted):
    text = f"{text} Потом\u00a0я уехал работать в {unlisted}. {text}"
    ents = _NER(text, "ru")
    check_entities(text, ents)


def test_natasha_fallback_offsets_across_pieces():
    """natasha tags long text in pieces of NER_CHUNK characters: spans past the first piece keep their place."""
    para = "Потом я уехал работать в Воркуту,\u00a0там было холодно 😀. "
    text = para * (3 * NER_CHUNK // len(para))
    ents = _NER(text, "ru")
    assert len(ents) == text.count("Воркуту") and ents[-1]["start"] > 2 * NER_CHUNK
    check_entities(text, ents)
    assert {e["text"] for e in ents} == {"Воркуту"}


def _reference(entities: list[dict], priority: dict[str, int]) -> list[dict]:
    """resolve_overlaps' rule stated plainly: longest first, then label priority, then earlier start,
    keeping what overlaps nothing kept so far."""
    ranked = sorted(entities, key=lambda e: (-(e["end"] - e["start"]), -priority.get(e["label"], 0), e["start"]))
    kept: list[dict] = []
    for e in ranked:
        if all(e["end"] <= k["start"] or k["end"] <= e["start"] for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: (e["start"], e["end"]))


SPAN = st.tuples(st.integers(0, 40), st.integers(0, 8), st.sampled_from(["MONEY", "LOC", "POLICE"])).map(
    lambda t: {"start": t[0], "end": t[0] + t[1], "label": t[2]})


@settings(max_examples=500, deadline=None)
@given(st.lists(SPAN, max_size=30))
def test_resolve_overlaps_keeps_its_rule(ents):
    assert resolve_overlaps(ents, LABEL_PRIORITY) == _reference(ents, LABEL_PRIORITY)


def test_resolve_overlaps_at_scale():
    ents = [{"start": s, "end": s + w, "label": lab} for s in range(0, 600_000, 4)
            for w, lab in ((3, "LOC"), (5, "MONEY"))]
    kept = resolve_overlaps(ents, LABEL_PRIORITY)
    assert len(kept) == 75_000 and all(k["label"] == "MONEY" for k in kept)
