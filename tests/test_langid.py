"""Language identification: ru, ky, mixed, other (Kazakh, English, no words). Sentences written for these tests."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_toolkit.corpus.langid import LANGS, LanguageIdentifier, detect_language, load_lexicon
from nlp_toolkit.errors import ToolkitError


@pytest.fixture(scope="module")
def ident() -> LanguageIdentifier:
    return LanguageIdentifier()


RUSSIAN = [
    "Я приехал в Алматы в 2018 году, работал на стройке у одного хозяина.",
    "Ну, короче, паспорт забрали и сказали, что отдадут потом.",
    "Мы жили в вагончике, там было холодно, зимой вообще невозможно.",
    "Нет, не платили.",
    "Да.",
    "Спасибо.",
    "Конечно, было страшно.",
    "Он говорит: «Паспорт давай, потом отдам».",
]

KYRGYZ_WITH_LETTERS = [
    "Мага эч ким жардам берген жок.",
    "Таңкы саат алтыдан кечки онго чейин иштечүбүз.",
    "Биз жатаканада жашачубуз, бир бөлмөдө он киши.",
    "Эки жыл мурун Москвага бардым.",
]

# No ң, ө, ү: only function words, suffixes and long vowels tell these from Russian.
KYRGYZ_WITHOUT_LETTERS = [
    "Алар бизге жардам беришкен жок.",
    "Акча бербей коюшту.",
    "Анан биз качып кеттик.",
    "Ал киши жакшы эле, бирок акча жок деп айтты.",
    "Ошол учурда биз абдан кыйналдык.",
    "Кыргызстанда жумуш жок, ошондуктан бул жакка келдик.",
]

KYRGYZ_SHORT = ["Ооба.", "Жок.", "Ал келди.", "Баары жакшы.", "Анан эмне болду?", "Мен жок дедим.", "Кечээ эле келди."]

# Russian loanwords of migrants' Kyrgyz speech, bare or with Kyrgyz endings: still Kyrgyz.
KYRGYZ_WITH_LOANWORDS = [
    "Хозяин паспортту алып койду, регистрация да жок болчу.",
    "Милиция келип, бизди кармап кетти.",
    "Прораб акчаны бербей жүрөт.",
    "Полиция документтерди текшерип, ар бирибизден акча алышты.",
    "Ну, короче, биз ал жакта эки жыл иштедик, анан кайра келдик.",
    "Анан ал айтты: документ жок болсо, депортация болосуң.",
    "Ал «давай-давай» деп кыйкырды.",
    "Домработница болуп иштедим.",
    "Бир айда эки жолу гана акча беришти. Вот так.",
]

# Kyrgyz place names (with ү, long vowels, Kyrgyz case endings) inside Russian: still Russian.
RUSSIAN_WITH_KYRGYZ_PLACES = [
    "Я из Кара-Суу, это в Ошской области.",
    "Брат живёт в Ноокате, а я здесь, в Москве.",
    "Меня зовут Айгүл, я из Нарына.",
    "Там была такая бригада, все из Баткена, из Лейлека.",
    "Ооба, я там работал три года.",
]

MIXED = [
    "Ооба, мен ошол жерде иштедим. Потом хозяин сказал, что денег нет и не будет.",
    "Мы работали на стройке. Анан хозяин акча бербей койду, биз качып кеттик.",
    "Биз келгенде, они сразу забрали паспорта, анан эки ай иштедик, денег не дали вообще.",
    "Хозяин айтты, что если уйдете, то в полицию сдам, биз корккондон калдык.",
    "Мен айттым, что у меня нет денег. Ал болсо мени урду.",
    # one short sentence of the other language is enough, however long the rest
    "Үйгө кеч келдик. Потом мы долго ждали автобус, никто нам ничего не объяснил, сидели на вокзале до утра.",
    "Биз талаада иштечүбүз, эртең мененден кечке чейин, дем алыш жок, айлык да жок болчу. Как так можно?",
]

KAZAKH = [
    "Мен Алматыда жұмыс істедім, бірақ ақша төлемеді.",
    "Біз Қазақстанға келгенде құжаттарымызды алып қойды.",
    "Ол жерде жағдай өте қиын болды.",
]


@pytest.mark.parametrize("text", RUSSIAN + RUSSIAN_WITH_KYRGYZ_PLACES)
def test_russian(ident, text):
    assert ident.detect(text) == "ru"


@pytest.mark.parametrize("text", KYRGYZ_WITH_LETTERS + KYRGYZ_WITHOUT_LETTERS + KYRGYZ_SHORT + KYRGYZ_WITH_LOANWORDS)
def test_kyrgyz(ident, text):
    assert ident.detect(text) == "ky"


def test_kyrgyz_without_special_letters_really_has_none():
    assert not any(set(t) & set("ңөүҢӨҮ") for t in KYRGYZ_WITHOUT_LETTERS + KYRGYZ_SHORT)


@pytest.mark.parametrize("text", MIXED)
def test_mixed(ident, text):
    assert ident.detect(text) == "mixed"


def test_one_russian_word_or_loanword_pair_is_not_a_code_switch(ident):
    assert ident.detect("Да. Мен ошол жерде үч жыл иштедим, анан үйгө кайттым.") == "ky"
    assert ident.detect("Ооба. Я работал там три года, потом вернулся домой.") == "ru"


@pytest.mark.parametrize("text", KAZAKH)
def test_kazakh_is_other(ident, text):
    assert ident.detect(text) == "other"


def test_kyrgyz_with_a_kazakh_place_name_stays_kyrgyz(ident):
    assert ident.detect("Мен Қарағандыда эки жыл иштедим.") == "ky"
    assert ident.detect("Биз Шымкентте жүргөндө хозяин паспортторду алып койгон.") == "ky"


@pytest.mark.parametrize("text", ["I worked in Almaty for two years.", "", "   ", "12345 678", "...", "😀😀",
                                  "2019-03-14"])
def test_english_empty_and_no_words_are_other(ident, text):
    assert ident.detect(text) == "other"


def test_russian_sentence_with_an_english_brand_stays_russian(ident):
    assert ident.detect("Мы переписывались с хозяином в WhatsApp, он присылал адрес.") == "ru"


def test_web_addresses_are_no_evidence(ident):
    text = "Объявление висело на https://example.org/jobs/almaty?lang=en&page=2, там писали про работу."
    assert ident.detect(text) == "ru"


def test_scores_point_the_right_way(ident):
    ru = ident.scores("Мы работали на стройке без договора.")
    ky = ident.scores("Биз курулушта келишимсиз иштедик.")
    kk = ident.scores(KAZAKH[0])
    assert set(ru) >= {"ru", "ky", "kk", "other"}
    assert ru["ru"] > ru["ky"] and ky["ky"] > ky["ru"] and kk["kk"] > kk["ru"]
    assert ident.scores("") == {**{k: 0.0 for k in ru}}


def test_clauses_cover_words_in_order_with_offsets(ident):
    text = MIXED[0]
    cls = ident.clauses(text)
    assert [c.lang for c in cls] == ["ky", "ky", "ru", "ru"]
    assert all(0 <= c.start < c.end <= len(text) for c in cls)
    assert all(a.end <= b.start for a, b in zip(cls, cls[1:]))


def test_detect_language_is_cached_and_agrees(ident):
    detect_language.cache_clear()
    assert detect_language(MIXED[1]) == ident.detect(MIXED[1]) == "mixed"
    detect_language(MIXED[1])
    assert detect_language.cache_info().hits == 1


def test_lexicon_rejects_a_word_in_two_lists(tmp_path):
    bad = tmp_path / "langid.yaml"
    bad.write_text("kyrgyz: [бул]\nrussian: [бул]\nkyrgyz_endings: [ган]\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="бул"):
        load_lexicon(bad)


def test_shipped_lexicon_loads_and_is_disjoint():
    lex = load_lexicon()
    assert {"жана", "эмес", "бул"} <= lex.kyrgyz and {"емес", "осы"} <= lex.kazakh and "что" in lex.russian
    assert not lex.kyrgyz & lex.russian


# Cyrillic of all three languages, Latin look-alikes, odd spaces, soft hyphen, stress mark, emoji, URL pieces.
ODD = list("абвгдеёжзийклмнопрстуфхцчшщъыьэюяңөүәғқұһі АБВГӨҮҢ aeoxyz.,!?-–—«»\"'()0123456789/:@")
odd_text = st.lists(st.sampled_from(ODD + ["\u00a0", "\u00ad", "\u0301", "😀", "\n", "\t", "https://", "www."]),
                   max_size=200).map("".join)


@settings(max_examples=200, deadline=None)
@given(odd_text)
def test_any_text_gets_a_label_and_sound_clauses(text):
    ident = LanguageIdentifier()
    assert ident.detect(text) in LANGS
    for c in ident.clauses(text):
        assert 0 <= c.start < c.end <= len(text) and c.n_words >= 1 and c.lang in ("ru", "ky", "kk", "other")


def test_one_megabyte_mixed(ident):
    text = (MIXED[1] + " ") * (1_000_000 // (len(MIXED[1]) + 1))
    assert ident.detect(text) == "mixed"
