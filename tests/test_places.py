"""Place extractor: Russian inflection and Kyrgyz suffixes, old and new names, head-noun phrases,
disambiguation, the natasha fallback, the gazetteer file itself, offsets on odd Unicode, large input."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_toolkit.codebook import LOCATION_KINDS
from nlp_toolkit.errors import ToolkitError
from nlp_toolkit.extract import places
from nlp_toolkit.extract.places import GAZETTEER, PlaceExtractor, load_gazetteer
from nlp_toolkit.registry import extractors


@pytest.fixture(scope="module")
def ext() -> PlaceExtractor:
    return PlaceExtractor(ner_fallback=False)


@pytest.fixture(scope="module")
def ext_ner() -> PlaceExtractor:
    return PlaceExtractor(ner_fallback=True)


def found(ext: PlaceExtractor, text: str, lang: str | None = "ru") -> list[tuple[str, str, str | None, str]]:
    return [(e["text"], e["norm"], e["country"], e["kind"]) for e in ext(text, lang)]


@pytest.mark.parametrize("text, expected", [
    ("Я из Оша, брат в Бишкеке.", [("Оша", "Ош", "KG", "city"), ("Бишкеке", "Бишкек", "KG", "city")]),
    ("Потом работали в Шымкенте и Алматы.",
     [("Шымкенте", "Шымкент", "KZ", "city"), ("Алматы", "Алматы", "KZ", "city")]),
    ("Границу с Казахстаном закрыли, все поехали в Россию.",
     [("Казахстаном", "Казахстан", "KZ", "country"), ("Россию", "Россия", "RU", "country")]),
    ("Гражданам Кыргызстана там тяжело.", [("Кыргызстана", "Кыргызстан", "KG", "country")]),
    ("Жили возле Дордоя, торговали на Дордое.",
     [("Дордоя", "Дордой", "KG", "market"), ("Дордое", "Дордой", "KG", "market")]),
    ("Приехали из Таласа через Кара-Балту.",
     [("Таласа", "Талас", "KG", "city"), ("Кара-Балту", "Кара-Балта", "KG", "city")]),
    ("В Тюмени и под Сургутом на вахте.",
     [("Тюмени", "Тюмень", "RU", "city"), ("Сургутом", "Сургут", "RU", "city")]),
    ("Он работал в Нижнем Новгороде.", [("Нижнем Новгороде", "Нижний Новгород", "RU", "city")]),
    ("Сестра уехала в Ханты-Мансийский автономный округ.",
     [("Ханты-Мансийский автономный округ", "Ханты-Мансийский автономный округ", "RU", "region")]),
])
def test_russian_inflections(ext, text, expected):
    assert found(ext, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Бишкектен Ошко чейин автобус менен бардык.",
     [("Бишкектен", "Бишкек", "KG", "city"), ("Ошко", "Ош", "KG", "city")]),
    ("Казакстанда эки жыл иштедим.", [("Казакстанда", "Казахстан", "KZ", "country")]),
    ("Агам Россияга кетти, азыр Москвада.",
     [("Россияга", "Россия", "RU", "country"), ("Москвада", "Москва", "RU", "city")]),
    ("Баткен облусунан келгенбиз.", [("Баткен облусунан", "Баткенская область", "KG", "region")]),
    ("Жалал-Абадда туулгам, Алматыдагы базарда иштейм.",
     [("Жалал-Абадда", "Джалал-Абад", "KG", "city"), ("Алматыдагы", "Алматы", "KZ", "city")]),
    ("Ноокат районунда жашайбыз.", [("Ноокат районунда", "Ноокатский район", "KG", "district")]),
    ("Ысык-Көлгө эс алууга бардык.", [("Ысык-Көлгө", "Иссык-Куль", "KG", "other")]),
    ("Өзбекстандан жана Тажикстандан келишкен.",
     [("Өзбекстандан", "Узбекистан", "UZ", "country"), ("Тажикстандан", "Таджикистан", "TJ", "country")]),
])
def test_kyrgyz_suffixes(ext, text, expected):
    assert found(ext, text, "ky") == expected


@pytest.mark.parametrize("text, expected", [
    ("Родился во Фрунзе, теперь живу в Бишкеке.",
     [("Фрунзе", "Фрунзе", "KG", "city"), ("Бишкеке", "Бишкек", "KG", "city")]),
    ("В Алма-Ате тогда было спокойнее, чем в Нур-Султане.",
     [("Алма-Ате", "Алма-Ата", "KZ", "city"), ("Нур-Султане", "Нур-Султан", "KZ", "city")]),
    ("Целиноград и Акмола - это нынешняя Астана.",
     [("Целиноград", "Целиноград", "KZ", "city"), ("Акмола", "Акмола", "KZ", "city"),
      ("Астана", "Астана", "KZ", "city")]),
    ("Раньше это была Южно-Казахстанская область, теперь Туркестанская область.",
     [("Южно-Казахстанская область", "Южно-Казахстанская область", "KZ", "region"),
      ("Туркестанская область", "Туркестанская область", "KZ", "region")]),
    ("Из Киргизии нас много.", [("Киргизии", "Киргизия", "KG", "country")]),
    ("Kyrgyzstan and Kazakhstan.", [("Kyrgyzstan", "Кыргызстан", "KG", "country"),
                                    ("Kazakhstan", "Казахстан", "KZ", "country")]),
])
def test_old_and_new_names(ext, text, expected):
    assert found(ext, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Мы из Чиликского района.", [("Чиликского района", "Чиликский район", "KZ", "district")]),
    ("Он работал на Ошском рынке.", [("Ошском рынке", "Ошский рынок", "KG", "market")]),
    ("Стояла на рынке Дордой.", [("рынке Дордой", "рынок Дордой", "KG", "market")]),
    ("Работала на рынке «Алтын Орда».", [("рынке «Алтын Орда»", "рынок Алтын Орда", "KZ", "market")]),
    ("Жили в Жамбылской обл., потом в Джалал-Абадской области.",
     [("Жамбылской обл", "Жамбылская область", "KZ", "region"),
      ("Джалал-Абадской области", "Джалал-Абадская область", "KG", "region")]),
    ("Снимали квартиру в Алматы, в Акбулакском микрорайоне.",
     [("Алматы", "Алматы", "KZ", "city"), ("Акбулакском микрорайоне", "Акбулакский микрорайон", "KZ", "district")]),
    ("Работали в Туркестане, в селе Кокбулак.",
     [("Туркестане", "Туркестан", "KZ", "city"), ("Кокбулак", "Кокбулак", "KZ", "village")]),
    ("В Бишкеке нас высадили у автовокзала Ынтымак.",
     [("Бишкеке", "Бишкек", "KG", "city"), ("Ынтымак", "автовокзал Ынтымак", "KG", "other")]),
    ("Торговали на рынке Big Шанхай.", [("рынке Big Шанхай", "рынок Big Шанхай", None, "market")]),
    ("По южному Казахстану ездили.", [("южному Казахстану", "Южный Казахстан", "KZ", "region")]),
    # a Kyrgyz village or town noun says the kind and stays out of the span, as "село" does
    ("Биз Жаксылык айылынан келдик.", [("Жаксылык", "Жаксылык", None, "village")]),
    ("Аксы районунан, Кербен шаарынан келдим.",
     [("Аксы районунан", "Аксыйский район", "KG", "district"), ("Кербен", "Кербен", "KG", "city")]),
    ("Биз Ош шаарында отурабыз.", [("Ош", "Ош", "KG", "city")]),
])
def test_multi_word_and_head_nouns(ext, text, expected):
    assert found(ext, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Кордай прошли ночью.", "border_crossing"),  # the crossing is the usual sense
    ("Его родители живут в селе Кордай.", "village"),
    ("На КПП Кара-Суу стояли до утра.", "border_crossing"),
    ("Живём в Кара-Суу, это город.", "city"),
])
def test_rows_sharing_a_name(ext, text, expected):
    assert [e["kind"] for e in ext(text, "ru")] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("Мир тесен, а орда кочевала.", []),  # common words, not Мир or the Алтын-Орда market
    ("Курган на окраине был старый. Жил в Кургане.", [("Кургане", "Курган", "RU", "city")]),
    ("Семей было много. А мы жили в Семее.", [("Семее", "Семей", "KZ", "city")]),
    ("Кыргызский язык, казахские пограничники, узбекские рабочие.", []),  # nationality, not place
    ("Рабочих из кыргызстана было много, жили в казахстане.",
     [("кыргызстана", "Кыргызстан", "KG", "country"), ("казахстане", "Казахстан", "KZ", "country")]),
    ("Мадина сказала, что в Мадине работы нет.", [("Мадине", "Мадина", "KG", "market")]),
    ("Владимир Иванов приехал во Владимир.", [("Владимир", "Владимир", "RU", "city")]),
    ("Программа Министерства образования Республики Казахстан.", []),  # part of an organisation's name
    ("Смотрели фильм «Курск».", []),  # a title in quotes
    ("Сайт в зоне .РФ открыли.", []),
    ("Маршрут Бишкек-Ош закрыт.", [("Бишкек", "Бишкек", "KG", "city"), ("Ош", "Ош", "KG", "city")]),
])
def test_disambiguation_russian(ext, text, expected):
    assert found(ext, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Ага караганда, иш акысы аз болду.", []),  # караганда: "according to", not Karaganda
    ("Кеминде эки ай иштедик.", []),  # кеминде: "at least", not Kemin
    ("Балыкчылар менен сүйлөштүк.", []),  # fishermen, not Balykchy
    ("Мурун айылда мал карачумун.", []),  # мурун: "earlier", not a village's name
    ("Ал Казакстан аркылуу келди.", [("Казакстан", "Казахстан", "KZ", "country")]),  # ал: "he", no first name
    ("Токтогулдун ырларын окудук, Токтогулда иштедик.", [("Токтогулда", "Токтогул", "KG", "city")]),
])
def test_disambiguation_kyrgyz(ext, text, expected):
    assert found(ext, text, "ky") == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("Учился в Жалал-Абаде.", "ru", "Жалал-Абад"),  # a Russian spelling keeps its own norm in Russian text
    ("Жалал-Абадда окудум.", "ky", "Джалал-Абад"),  # the Kyrgyz name gets the Russian one
    ("Фрунзеде туулгам.", "ky", "Фрунзе"),  # an old name keeps its own norm everywhere
    ("Ош базарында иштедим.", "ky", "Ошский базар"),  # an explicit name=norm mapping
])
def test_norm_of_variants_depends_on_the_language(ext, text, lang, expected):
    assert [e["norm"] for e in ext(text, lang)] == [expected]


def test_entities_carry_coordinates_and_source(ext):
    [e] = ext("Мы жили в Оше.", "ru")
    assert e["label"] == "LOC" and e["source"] == "gazetteer"
    assert (e["lat"], e["lon"]) == pytest.approx((40.53, 72.80))


def test_natasha_fallback_adds_unlisted_places(ext_ner):
    assert found(ext_ner, "Потом я уехал работать в Воркуту, там было холодно.") == [
        ("Воркуту", "Воркута", None, "other")]
    ents = ext_ner("Мы жили в Бишкеке, потом в Воркуте.", "ru")
    assert [(e["text"], e["source"], e["country"]) for e in ents] == [("Бишкеке", "gazetteer", "KG"),
                                                                      ("Воркуте", "ner", None)]
    # natasha also tags first names as places: the name lexicon keeps them out
    assert places.natasha_locations("Был у нас парень из Узгена, Мирлан. Он пошёл к прорабу.")[1:] == [(28, 34)]
    assert found(ext_ner, "Был у нас парень из Узгена, Мирлан. Он пошёл к прорабу.") == [
        ("Узгена", "Узген", "KG", "city")]


def test_natasha_fallback_never_overrides_rules_and_skips_kyrgyz(ext_ner, monkeypatch):
    # natasha proposes a longer span over a listed name: the rule span stays, natasha's is dropped
    monkeypatch.setattr(places, "natasha_locations", lambda text: [(0, len(text))])
    assert found(ext_ner, "Бишкек шумный город") == [("Бишкек", "Бишкек", "KG", "city")]
    assert found(ext_ner, "Бишкекте иштейбиз", "ky") == [("Бишкекте", "Бишкек", "KG", "city")]


def test_fallback_off_never_calls_natasha(ext, monkeypatch):
    def boom(text):
        raise AssertionError("natasha must not run")
    monkeypatch.setattr(places, "natasha_locations", boom)
    assert found(ext, "Потом я уехал работать в Воркуту.") == []


def test_registered_under_places():
    made = extractors.create("places", ner_fallback=False)
    assert isinstance(made, PlaceExtractor)
    assert made("Из Оша.", "ru")[0]["norm"] == "Ош"


def test_gazetteer_file_is_consistent():
    gaz = load_gazetteer()
    assert len(gaz.places) >= 500
    norms = {p.norm for p in gaz.places}
    allowed = {"KZ", "KG", "RU", "UZ", "TJ", "CN", "TR", "TM", "AF", "MN", "BY", "UA", "MD", "KR", "JP", "AE", "AZ",
               "GE", "AM", "DE", "PL", "GB", "IT", "US", "IR", "PK", "IN", "IL", "SA", None}
    for p in gaz.places:
        assert p.kind in LOCATION_KINDS and p.country in allowed, p
        assert p.parent is None or p.parent in norms, p
        assert (p.lat is None) == (p.lon is None) and (p.lat is None or (-90 <= p.lat <= 90 and -180 <= p.lon <= 180))
    by_kind = {k: {p.norm for p in gaz.places if p.kind == k} for k in LOCATION_KINDS}
    assert {"Казахстан", "Кыргызстан", "Россия", "Узбекистан", "Таджикистан", "Китай"} <= by_kind["country"]
    assert {"Туркестанская область", "Жетысуская область", "Абайская область", "Улытауская область",
            "Баткенская область", "Чуйская область"} <= by_kind["region"]
    assert {"Кордай", "Ак-Жол", "Чалдовар", "Торугарт", "Иркештам", "Достук"} <= by_kind["border_crossing"]
    assert {"Барахолка", "Дордой", "Ошский рынок", "Ортосайский рынок"} <= by_kind["market"]


def test_bad_gazetteer_rows_are_reported(tmp_path):
    bad = tmp_path / "gaz.tsv"
    header = "norm\tcountry\tkind\tlat\tlon\tnames\town_norm\tru_spellings\tflags\tparent\n"
    bad.write_text(header + "Ош\tKG\ttown\t40.5\t72.8\t\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="kind 'town'"):
        load_gazetteer(str(bad))
    bad.write_text(header + "Ош\tKG\tcity\tnorth\t72.8\t\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="not a coordinate"):
        load_gazetteer(str(bad))
    bad.write_text(header + "Ош\tKG\tcity\t40.5\t72.8\tOsh\tОшь\t\t\t\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="own_norm"):
        load_gazetteer(str(bad))
    bad.write_text(header + "Ош\tKG\tcity\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="columns"):
        load_gazetteer(str(bad))
    bad.write_text(header.replace("\tru_spellings", "") + "Ош\tKG\tcity\t40.5\t72.8\t\t\t\t\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="lacks the columns ru_spellings"):
        load_gazetteer(str(bad))
    assert GAZETTEER.exists()


ODD = st.lists(st.sampled_from(list("Ошв Бишкекеа\u00a0\u00ad\u202f-–«»\"'.,!?\n")
                               + ["Оша", "Алмaты", "Казaхстан", "Москвада", "рынке Дордой", "Баткен облусунан",
                                  "селе ", "😀", "é", "\u0301", "İ", "ß", "ǅ"]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(ODD)
def test_offsets_are_exact_on_odd_unicode(text):
    ext = PlaceExtractor(ner_fallback=False)
    for e in ext(text, None if len(text) % 2 else "ky"):
        assert text[e["start"]:e["end"]] == e["text"]
        assert e["label"] == "LOC" and e["norm"] and e["kind"] in LOCATION_KINDS


def test_lookalikes_and_invisible_characters(ext):
    text = "Жили в Алмaты (латинская a), потом в Бишкекe и в Ка\u00adзахстане."
    ents = ext(text, "ru")
    assert [e["norm"] for e in ents] == ["Алматы", "Бишкек", "Казахстан"]
    for e in ents:
        assert text[e["start"]:e["end"]] == e["text"]


def test_empty_and_blank(ext):
    assert ext("", "ru") == [] and ext("  \n\u00a0", None) == []


def test_one_megabyte_of_text(ext):
    chunk = "Мы приехали из Оша в Алматы, работали на рынке Дордой без выходных. Бишкектен келдик. 😀\u00a0"
    text = chunk * (1_000_000 // len(chunk) + 1)
    ents = ext(text, "mixed")
    assert len(ents) == 4 * (1_000_000 // len(chunk) + 1)
    assert all(text[e["start"]:e["end"]] == e["text"] for e in ents[:50] + ents[-50:])


@pytest.mark.parametrize("text, lang, expected", [
    # Темирлан is also a man's name: a place only after a preposition or with a place ending
    ("Темирлан экөөбүз иштедик. Темирланга бардык.", "ky", [("Темирланга", "Темирлан", "KZ", "village")]),
    ("Жетисайга барабыз деп качтык.", "ky", [("Жетисайга", "Жетысай", "KZ", "city")]),
    ("Шаңырак деген микрорайондо жашадык.", "ky", [("Шаңырак", "Шанырак", "KZ", "district")]),
    # bare Аксы in Kyrgyz is the district; in Russian text it keeps the name as written
    ("Аксыдан келдим.", "ky", [("Аксыдан", "Аксыйский район", "KG", "district")]),
    ("Я родом из Аксы.", "ru", [("Аксы", "Аксы", "KG", "district")]),
    # a listed name after "автовокзал" gets the head in its norm, as an unlisted one does
    ("Встретились на автовокзале Сайран.", "ru", [("Сайран", "автовокзал Сайран", "KZ", "other")]),
    ("Ал Сайран автовокзалынын жанында отурат.", "ky", [("Сайран", "Сайран", "KZ", "other")]),
])
def test_places_found_in_issue_4(ext, text, lang, expected):
    assert found(ext, text, lang) == expected


def test_opening_quote_at_the_end_of_the_text_keeps_offsets_inside():
    """An unclosed « before a name at the very end: "" is `in` any string, so the closing-quote check
    once ran the span one character past the text."""
    text = "рынке « Посредник"
    for e in PlaceExtractor()(text):
        assert e["end"] <= len(text) and text[e["start"]:e["end"]] == e["text"]
