"""Actor extractor: lexicon with Russian inflection and Kyrgyz suffixes, titles, context rules,
names, offsets on odd Unicode, large input, and the optional NER model."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp_toolkit.errors import ToolkitError
from nlp_toolkit.extract.actors import ACTOR_LABELS, ActorExtractor, marked_records, train_actor_ner
from nlp_toolkit.registry import extractors


@pytest.fixture(scope="module")
def ext() -> ActorExtractor:
    return ActorExtractor()


def spans(ext: ActorExtractor, text: str, lang: str | None = None) -> list[tuple[str, str]]:
    return [(e["text"], e["label"]) for e in ext(text, lang)]


@pytest.mark.parametrize("text, expected", [
    ("Я отдал посреднику двадцать тысяч.", [("посреднику", "INTERMEDIARY")]),
    ("С посредницей договорилась сестра.", [("посредницей", "INTERMEDIARY")]),
    ("Нас нашли через вербовщиков из Оша.", [("вербовщиков", "INTERMEDIARY")]),
    ("Помогайке заплатили за регистрацию.", [("Помогайке", "INTERMEDIARY")]),
    ("Карточки так и остались у перекупщика.", [("перекупщика", "INTERMEDIARY")]),
    ("Хозяевам было всё равно.", [("Хозяевам", "EMPLOYER")]),
    ("Деньги отдали хозяйке, а прорабу ничего.", [("хозяйке", "EMPLOYER"), ("прорабу", "EMPLOYER")]),
    ("У фермера работали на луке, бригадиры следили.", [("фермера", "EMPLOYER"), ("бригадиры", "EMPLOYER")]),
    ("Работодатель обещал платить, наниматели всегда обещают.",
     [("Работодатель", "EMPLOYER"), ("наниматели", "EMPLOYER")]),
    ("Ментов боялись все, миграционщикам платили.", [("Ментов", "POLICE"), ("миграционщикам", "POLICE")]),
    ("Полицейским дали по тысяче, участковому тоже.", [("Полицейским", "POLICE"), ("участковому", "POLICE")]),
    ("Пограничников было трое, таможенникам тоже дали.",
     [("Пограничников", "BORDER_GUARD"), ("таможенникам", "BORDER_GUARD")]),
    ("Пошли к акиму, потом к консулу.", [("акиму", "OFFICIAL"), ("консулу", "OFFICIAL")]),
    ("Написали чиновникам и инспектору.", [("чиновникам", "OFFICIAL"), ("инспектору", "OFFICIAL")]),
])
def test_russian_inflections(ext, text, expected):
    assert spans(ext, text, "ru") == expected


@pytest.mark.parametrize("text, expected", [
    ("Ортомчуга беш миң сом бердик.", [("Ортомчуга", "INTERMEDIARY")]),
    ("Ортомчулардан сурадык, жооп беришкен жок.", [("Ортомчулардан", "INTERMEDIARY")]),
    ("Аны бир жалдоочу аял алып кеткен.", [("жалдоочу", "INTERMEDIARY")]),
    ("Биздин ортомчубуз качып кетти.", [("ортомчубуз", "INTERMEDIARY")]),
    ("Кожоюндун үйүндө иштедик.", [("Кожоюндун", "EMPLOYER")]),
    ("Иш берүүчүгө айттык, бирок уккан жок.", [("Иш берүүчүгө", "EMPLOYER")]),
    ("Милиционерлер келип документ сурашты.", [("Милиционерлер", "POLICE")]),
    ("Полицияга кайрылдык.", [("Полицияга", "POLICE")]),
    ("Чек арачылар акча алышты.", [("Чек арачылар", "BORDER_GUARD")]),
    ("Бажычыларга да бердик.", [("Бажычыларга", "BORDER_GUARD")]),
    ("Элчилиги жардам берди, акимге да бардык.", [("Элчилиги", "OFFICIAL"), ("акимге", "OFFICIAL")]),
    ("Хозяинге айттым, прорабыбыз да билет.", [("Хозяинге", "EMPLOYER"), ("прорабыбыз", "EMPLOYER")]),
])
def test_kyrgyz_suffixes(ext, text, expected):
    assert spans(ext, text, "ky") == expected


@pytest.mark.parametrize("text, expected", [
    ("Пришли сотрудники миграционной службы и всех забрали.",
     [("сотрудники миграционной службы", "POLICE")]),
    ("Нас держали в миграционной полиции до утра.", [("миграционной полиции", "POLICE")]),
    ("Деньги взяли работники таможни.", [("работники таможни", "BORDER_GUARD")]),
    ("Трудовая инспекция проверила стройку.", [("Трудовая инспекция", "OFFICIAL")]),
    ("Казахские пограничники оштрафовали.", [("пограничники", "BORDER_GUARD")]),
    ("Сотрудники полиции проверяли документы.", [("Сотрудники полиции", "POLICE")]),
    ("Обращались в Департамент государственных доходов Министерства финансов.",
     [("Департамент государственных доходов", "OFFICIAL")]),
    ("Миграция кызматынын кызматкерлери келди.", [("Миграция кызматынын кызматкерлери", "POLICE")]),
    # relation nouns join the actor they govern; title complements join the title
    ("Брат хозяина бил нас палкой.", [("Брат хозяина", "EMPLOYER")]),
    ("Позвонил в консульство, там сотрудник консульства не ответил.", [("сотрудник консульства", "OFFICIAL")]),
    ("Консулдукка бардык. Консулдуктун кызматкери жардам берген жок.",
     [("Консулдуктун кызматкери", "OFFICIAL")]),
    # kin join in Kyrgyz too; a workplace before the owner word completes it; "башчы" heads an office
    ("Кожоюндун күйөөсү мас болуп келди.", [("Кожоюндун күйөөсү", "EMPLOYER")]),
    ("Цехтин ээси эртең келбе деди.", [("Цехтин ээси", "EMPLOYER")]),
    ("Мы позвонили хозяину теплицы.", [("хозяину теплицы", "EMPLOYER")]),
    ("Айыл өкмөтүнүн башчысы справка бербей койду.", [("Айыл өкмөтүнүн башчысы", "OFFICIAL")]),
    ("Ходил к акиму сельского округа, не принял.", [("акиму сельского округа", "OFFICIAL")]),
    # relation nouns stand on their language's side: "бир" (a) is no Russian head before the actor,
    # "ага" (to him) none before a Kyrgyz genitive
    ("Бир помогайка келди.", [("помогайка", "INTERMEDIARY")]),
    ("Ага агенттиктин кишиси иш тапкан.", [("агенттиктин кишиси", "INTERMEDIARY")]),
    ("Отдал человеку из агентства два миллиона.", [("человеку из агентства", "INTERMEDIARY")]),
    # Kyrgyz words and participle phrases for intermediaries; "чек арачы" stays a border guard
    ("Арачыга беш миң сом бердик, далдалчы да акча алды.",
     [("Арачыга", "INTERMEDIARY"), ("далдалчы", "INTERMEDIARY")]),
    ("Чек арачылар токтотту, арачы сүйлөштү.", [("Чек арачылар", "BORDER_GUARD"), ("арачы", "INTERMEDIARY")]),
    ("Бизди алып келген адам телефонду өчүрүп салды.", [("алып келген адам", "INTERMEDIARY")]),
    ("Иш таап берген кишиге он миң төлөдүк.", [("Иш таап берген кишиге", "INTERMEDIARY")]),
    ("Через маклера сняли угол.", [("маклера", "INTERMEDIARY")]),
    # "ээси" (its owner) employs, unless it is the flat's owner
    ("Дүкөндүн ээси паспортту алды. Батирдин ээси акча сурады.", [("Дүкөндүн ээси", "EMPLOYER")]),
    # a consulate gone to is a place; someone from it acts for it
    ("Консулдуктан бир киши келди. Биз консулдукка бардык.", [("Консулдуктан", "OFFICIAL")]),
    # "аны" (him) is no noun for "Участковый" to agree with
    ("Участковый аны кармады.", [("Участковый", "POLICE")]),
    # a deputy is the deputy of the actor named before him
    ("Пошёл к акиму района, был только заместитель, сказал решайте с хозяином.",
     [("акиму района", "OFFICIAL"), ("заместитель", "OFFICIAL"), ("хозяином", "EMPLOYER")]),
    # a Russian compound counts as its first part
    ("Оформили через фирму-однодневку.", [("фирму-однодневку", "EMPLOYER")]),
])
def test_multi_word_titles_and_words(ext, text, expected):
    assert spans(ext, text) == expected


@pytest.mark.parametrize("text, expected", [
    # "сотрудники" alone are nobody; near a police or state-office word they are officers
    ("Сотрудники магазина тоже жили в вагончике.", []),
    ("Сотрудники фирмы тоже жили в вагончике.", [("фирмы", "EMPLOYER")]),
    ("Был рейд, сотрудники проверяли регистрацию.", [("сотрудники", "POLICE")]),
    ("Полиция приехала ночью. Потом сотрудники отпустили всех, кто заплатил.",
     [("Полиция", "POLICE"), ("сотрудники", "POLICE")]),
    ("Обратились в министерство труда, но сотрудники не ответили.",
     [("министерство", "OFFICIAL"), ("сотрудники", "OFFICIAL")]),
    # a boss is the employer's, unless the story is at a border post
    ("На стройке начальник кричал на нас.", [("начальник", "EMPLOYER")]),
    ("На границе таможенники забрали сумки, их начальник смеялся.",
     [("таможенники", "BORDER_GUARD"), ("начальник", "BORDER_GUARD")]),
    ("На посту у границы начальник смены сказал платить.", [("начальник смены", "EMPLOYER")]),
    # landlord is not an employer; the householder of a domestic worker is
    ("Хозяин квартиры выгнал нас на улицу.", []),
    ("Хозяйка дома не платила мне три месяца.", [("Хозяйка", "EMPLOYER")]),
    # adjectives that double as nouns
    ("Полицейский участок был рядом с рынком.", []),
    ("Участковый врач отказался смотреть ребенка.", []),
    ("Участковый пришел и проверил паспорта.", [("Участковый", "POLICE")]),
    # host families employ nannies; "моя семья" is the respondent's own
    ("Семья, которая наняла меня няней, забрала паспорт.", [("Семья", "EMPLOYER")]),
    ("Моя семья осталась в Баткене.", []),
    # a school director refusing a child is an official; a company director employs
    ("Ребенка не взяли в школу, директор сказал нужна прописка.", [("директор", "OFFICIAL")]),
    ("Директор цеха не отдавал зарплату.", [("Директор цеха", "EMPLOYER")]),
    # "после" is also a form of "посол": no ambassador here
    ("После работы мы шли пешком.", []),
    # offices migrants turn to are places when gone to, actors when they act
    ("Жаловались в трудовую инспекцию, без толку.", []),
    ("Консульство ничего не ответило.", [("Консульство", "OFFICIAL")]),
    ("Капитан на посту у границы взял деньги.", [("Капитан", "BORDER_GUARD")]),
    ("Полициянын кызматкерлери келди.", [("Полициянын кызматкерлери", "POLICE")]),
    # ordinary people are intermediaries when they sell people or promise work, not otherwise
    ("На вокзале к нам подходят люди и обещают работу в теплицах.", [("люди", "INTERMEDIARY")]),
    ("Фермер сказал, что купил нас у одного мужчины из Шымкента.",
     [("Фермер", "EMPLOYER"), ("мужчины", "INTERMEDIARY")]),
    ("В нашем бараке жили одни женщины.", []),
    ("Про торговлю людьми мы тогда не слышали, нас просто продали.", []),
])
def test_ambiguous_words(ext, text, expected):
    assert spans(ext, text) == expected


def test_names_standing_for_actors(ext):
    text = "Бригадир Марат забрал паспорта. Потом Марату звонили, но Марат молчал."
    assert spans(ext, text) == [("Бригадир", "EMPLOYER"), ("Марату", "EMPLOYER"), ("Марат", "EMPLOYER")]
    text = "Договорились с посредником, которого звали Адиназар. Адиназара мы больше не видели."
    assert spans(ext, text) == [("посредником", "INTERMEDIARY"), ("Адиназар", "INTERMEDIARY"),
                                ("Адиназара", "INTERMEDIARY")]
    text = "Познакомились с женщиной по имени Гулнара, она предложила работу в кафе."
    assert spans(ext, text) == [("Гулнара", "INTERMEDIARY")]
    # "X деген" stands beside its role noun: remembered, annotated only later
    text = "Айылда бир ортомчу бар, Жаныбек деген. Жаныбекке акча бердик."
    assert spans(ext, text) == [("ортомчу", "INTERMEDIARY"), ("Жаныбекке", "INTERMEDIARY")]
    text = "Келишим деген жок. Кожоюн айтты."  # a sentence-initial common word is no name
    assert spans(ext, text) == [("Кожоюн", "EMPLOYER")]
    # a name set off by a comma is annotated, without its honorific (the shortest phrase naming the actor)
    text = "Там есть помогайка один, Нурлан, он всем делает регистрацию."
    assert spans(ext, text) == [("помогайка", "INTERMEDIARY"), ("Нурлан", "INTERMEDIARY")]
    text = "Бир тааныш аял бар эле, Айнура эже. Ал ортомчу болчу. Айнура эже мени сатып жиберди."
    assert spans(ext, text) == [("Айнура", "INTERMEDIARY"), ("ортомчу", "INTERMEDIARY"),
                                ("Айнура", "INTERMEDIARY")]
    text = "Подошёл один, Бакыт его звали, сказал, что найдёт работу."
    assert spans(ext, text) == [("Бакыт", "INTERMEDIARY")]


def test_introduced_names_take_kyrgyz_verb_cues(ext):
    # no role noun: the name is annotated, its label from what the person does (Kyrgyz verbs)
    text = "Коңшу айылда бир киши бар, Мирбек деген. Ал жыл сайын жигиттерди Орусияга алып барат."
    assert spans(ext, text) == [("Мирбек", "INTERMEDIARY")]
    text = "Апамдын таежеси бар, Гүлмира эже. Ал кыздарды Алматыга жумушка жөнөтөт."
    assert spans(ext, text) == [("Гүлмира", "INTERMEDIARY")]
    # the role noun is in the sentence before: the name is annotated too
    text = "Базарда ортомчулар турат. Бирөө, Нурбек деген, иш сунуштады."
    assert spans(ext, text) == [("ортомчулар", "INTERMEDIARY"), ("Нурбек", "INTERMEDIARY")]
    # with the role noun beside it, "X его зовут" is the noun's name: not annotated
    assert spans(ext, "Встретил нас бригадир, Азамат его зовут.") == [("бригадир", "EMPLOYER")]
    # "brought back" says nothing about who the named co-worker is
    assert spans(ext, "Там один парень, Эрлан, его потом привезли обратно.") == []


def test_known_name_after_another_actor_keeps_its_label(ext):
    answers = ["Фермер Жумабек деген киши.", "Айылдын участковыйы Жумабектин досу."]
    assert [[(e["text"], e["label"]) for e in ents] for ents in ext.interview(answers)] == [
        [("Фермер", "EMPLOYER")], [("участковыйы", "POLICE"), ("Жумабектин", "EMPLOYER")]]


def test_kyrgyz_verb_endings():
    from nlp_toolkit.kyrgyz import matches_verb

    for word in ("жөнөтөт", "жөнөткөн", "жөнөтүп", "жөнөтпөйт", "жөнөткөндө"):
        assert matches_verb(word, "жөнөт"), word
    for word in ("барат", "барышты", "бардык", "барам"):
        assert matches_verb(word, "бар"), word
    assert not matches_verb("бар", "бар") and not matches_verb("баркыт", "бар")


def test_names_carry_across_the_answers_of_one_interview(ext):
    answers = ["Айылда бир ортомчу бар, Жаныбек деген.", "Анан Жаныбек акча сурады.", "Жаныбекке ишенбейм."]
    assert [spans(ext, a) for a in answers][1:] == [[], []]  # alone, a later answer cannot know
    assert [[(e["text"], e["label"]) for e in ents] for ents in ext.interview(answers)] == [
        [("ортомчу", "INTERMEDIARY")], [("Жаныбек", "INTERMEDIARY")], [("Жаныбекке", "INTERMEDIARY")]]


def test_place_after_role_noun_is_not_a_name(ext):
    text = "Аким Лейлека ничего не сделал. В Лейлеке работы нет."
    assert spans(ext, text) == [("Аким", "OFFICIAL")]


def test_registry_and_empty_input():
    ext = extractors.create("actors")
    assert isinstance(ext, ActorExtractor)
    assert ext("") == [] and ext("   \n") == [] and ext("12 000 тенге") == []


def test_offsets_are_into_the_original_text(ext):
    text = "Пришла пoлиция\u00a0и\u00a0посред\u00adник 👮 — участковый."  # Latin o, NBSP, soft hyphen, emoji
    ents = ext(text)
    assert [(e["label"]) for e in ents] == ["POLICE", "INTERMEDIARY", "POLICE"]
    for e in ents:
        assert text[e["start"]:e["end"]] == e["text"]
    assert ents[0]["text"] == "пoлиция" and ents[1]["text"] == "посред\u00adник"


ODD = st.sampled_from(["\u00a0", "\u00ad", "\u202f", "\u2014", "o", "a", "p", "c", "👮", "🙂", "\u0301", "\ufeff",
                       " ", "\n", ",", "«", "»", "ё", "Ё", "ң", "ө", "ү"])
WORDS = st.sampled_from(["посредник", "полиции", "хозяина", "сотрудники", "миграционной", "службы", "ортомчуга",
                         "чек", "арачылар", "начальник", "границе", "Марат", "по", "имени", "Бакыт", "звали"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(WORDS, ODD, st.text(max_size=3)), max_size=40))
def test_offsets_property(parts):
    ext = ActorExtractor()
    text = " ".join(parts)
    ents = ext(text)
    last = 0
    for e in ents:
        assert text[e["start"]:e["end"]] == e["text"] and e["text"]
        assert e["label"] in ACTOR_LABELS
        assert e["start"] >= last  # sorted, not overlapping
        last = e["end"]


def test_one_megabyte_text(ext):
    para = ("Посредник взял деньги, хозяин не платил, менты забрали паспорт, пограничники требовали "
            "взятку, аким не помог. Ортомчуга акча бердик, кожоюн төлөгөн жок. 👮\u00a0\n")
    text = para * (1_000_000 // len(para) + 1)
    ents = ext(text)
    assert len(text) > 1_000_000 and len(ents) == 7 * (text.count("Посредник"))
    assert all(text[e["start"]:e["end"]] == e["text"] for e in ents[:50] + ents[-50:])


TRAIN_TEXTS = [
    ("Смотрящий на рынке брал с нас по тысяче.", "Смотрящий"),
    ("Каждое утро смотрящий проверял, кто пришел.", "смотрящий"),
    ("Мы отдали деньги смотрящему, он обещал место.", "смотрящему"),
    ("Смотрящего все боялись, он решал всё.", "Смотрящего"),
    ("Без смотрящего там работать нельзя.", "смотрящего"),
    ("Со смотрящим договаривался брат.", "смотрящим"),
]


def _records() -> list[dict]:
    recs = []
    for n, (text, word) in enumerate(TRAIN_TEXTS * 4):
        start = text.index(word)
        recs.append({"id": f"t{n}", "text": text,
                     "entities": [{"start": start, "end": start + len(word), "text": word, "label": "INTERMEDIARY"}]})
    recs += [{"id": f"n{n}", "text": t, "entities": []}
             for n, t in enumerate(["Мы жили в вагончике.", "Работали с утра до ночи.", "Ели один раз в день."] * 4)]
    return recs


def test_ner_model_adds_spans_without_overriding_rules(tmp_path):
    model = train_actor_ner(_records(), tmp_path / "ner", epochs=15)
    both = ActorExtractor(model_dir=model)
    text = "Смотрящий сказал, что хозяин заплатит завтра."
    ents = both(text)
    assert ("хозяин", "EMPLOYER", "lexicon") in [(e["text"], e["label"], e["source"]) for e in ents]
    assert ("Смотрящий", "INTERMEDIARY", "model") in [(e["text"], e["label"], e["source"]) for e in ents]
    for a, b in zip(ents, ents[1:]):
        assert a["end"] <= b["start"]
    assert all(text[e["start"]:e["end"]] == e["text"] for e in ents)
    assert ActorExtractor()(text) == [e for e in ents if e["source"] != "model"]


def test_model_dir_must_hold_a_model(tmp_path):
    with pytest.raises(ToolkitError, match="no actor NER model"):
        ActorExtractor(model_dir=tmp_path)
    with pytest.raises(ToolkitError, match="no actor spans"):
        train_actor_ner([{"id": "a", "text": "Ничего.", "entities": []}], tmp_path / "m")


def test_marked_records_carry_spans_onto_turns(tmp_path):
    src = tmp_path / "ru99.md"
    src.write_text(
        "%% file: ru99.txt\nИнтервью № 99\nРеспондент: Нурбек Асанов\nЯзык интервью: русский\n\n"
        "В: Как вы попали в Казахстан?\n"
        "О: Через [посредника|INTERMEDIARY]. Он взял деньги.\n"
        "Потом [хозяин|EMPLOYER] забрал паспорт.\n@codes recruitment_fees document_retention\n"
        "В: А полиция?\nО: [Менты|POLICE] приходили.\n", encoding="utf-8")
    recs = marked_records(src)
    assert [r["id"] for r in recs] == ["ru99-s001", "ru99-s002"]
    assert recs[0]["codes"] == ["recruitment_fees", "document_retention"]
    got = [(r["text"][e["start"]:e["end"]], e["label"]) for r in recs for e in r["entities"]]
    assert got == [("посредника", "INTERMEDIARY"), ("хозяин", "EMPLOYER"), ("Менты", "POLICE")]
