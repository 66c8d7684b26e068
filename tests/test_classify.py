"""Code classifier: training, selection, model card, loading errors, ILO roll-up, active learning."""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import f1_score

from nlp_toolkit.classify.active import rank
from nlp_toolkit.classify.ages import stated_ages
from nlp_toolkit.classify.ilo import roll_up
from nlp_toolkit.classify.model import CodeModel, classifiers, passages
from nlp_toolkit.classify.rules import CueClassifier
from nlp_toolkit.classify.train import THRESHOLDS, f1_at_thresholds, train, tune_thresholds
from nlp_toolkit.codebook import load_codebook
from nlp_toolkit.errors import ToolkitError
from nlp_toolkit.io import read_jsonl

# Short answers written for the tests, in both languages, with their codes.
EXAMPLES = [
    ("Хозяин забрал паспорт и не отдаёт уже полгода.", ["document_retention"]),
    ("Паспорта у нас отобрали сразу, сказали, что вернут потом.", ["document_retention"]),
    ("Кожоюн паспортубузду алып койду, бербей жатат.", ["document_retention"]),
    ("Три месяца не платили ни копейки, всё обещали.", ["wage_theft"]),
    ("Зарплату задерживали, потом вычли половину за жильё.", ["wage_theft"]),
    ("Үч ай иштедик, акча бербей коюшту.", ["wage_theft"]),
    ("Полицейские остановили и потребовали взятку, пришлось отдать.", ["bribery_extortion"]),
    ("Менты на рынке каждый день вымогали деньги.", ["bribery_extortion"]),
    ("Милиция кармап, пара беришке туура келди.", ["bribery_extortion", "detention_raids"]),
    ("Ночью был рейд, нас задержали и отвезли в отдел.", ["detention_raids"]),
    ("Рейд болду, баарыбызды кармашты.", ["detention_raids"]),
    ("Нас не выпускали со двора, ворота запирали на замок.", ["movement_restriction"]),
    ("Сыртка чыгарбай, эшикти кулпулап коюшчу.", ["movement_restriction"]),
    ("Мне нравится готовить плов по выходным.", []),
    ("Апам менен атам айылда жашашат.", []),
    ("Я родился в большом селе, у нас было пять детей.", []),
]


def _records(n_interviews: int = 6) -> list[dict]:
    out = []
    for k in range(n_interviews):
        for j, (text, codes) in enumerate(EXAMPLES):
            out.append({"id": f"t{k}-s{j:03d}", "interview_id": f"t{k}", "text": text if k == 0 else f"{text} ({k})",
                        "codes": codes, "lang": "ky" if any(ch in text.lower() for ch in "ңөү") else "ru"})
    return out


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    report = train(_records(), out, candidates=("cues", "tfidf_lr"), folds=3)
    return out, report


def test_training_compares_candidates_and_writes_model_and_card(trained):
    out, report = trained
    assert set(report["candidates"]) == {"cues", "tfidf_lr"}
    best = max(report["candidates"].values(), key=lambda r: (r["micro_f1"] + r["macro_f1"]) / 2)
    assert report["candidates"][report["chosen"]] is best
    card = (out / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "document_retention" in card and "Known limits" in card
    info = json.loads((out / "card.json").read_text(encoding="utf-8"))
    assert info["positives"]["wage_theft"] == 3 * 6 and info["languages"]["ky"] > 0
    # codes with no examples at all fall back to the rules, and the card says so
    assert "trafficking_slavery" in info["rule_codes"]


def test_loaded_model_predicts_codes_with_scores(trained):
    out, _ = trained
    model = CodeModel.load(out)
    codes, scores = model.predict(["Хозяин забрал паспорта и не отдавал их.", "Я люблю чай с молоком."])
    assert "document_retention" in codes[0] and codes[1] == []
    assert 0.0 <= scores[0]["document_retention"] <= 1.0


def test_unknown_code_in_training_data_is_named():
    recs = _records(2)
    recs[3]["codes"] = ["wage_thef"]
    recs[3]["_line"] = 4
    with pytest.raises(ToolkitError, match="unknown code id 'wage_thef'.*"):
        train(recs, "/nonexistent/never-written", candidates=("cues",), source="train.jsonl")


def test_incompatible_model_directory_gives_a_clear_message(tmp_path, trained):
    out, _ = trained
    with pytest.raises(ToolkitError, match="no model.json"):
        CodeModel.load(tmp_path)
    info = json.loads((out / "model.json").read_text(encoding="utf-8"))
    bad = tmp_path / "old"
    bad.mkdir()
    (bad / "model.json").write_text(json.dumps({**info, "format_version": 0}), encoding="utf-8")
    with pytest.raises(ToolkitError, match="incompatible"):
        CodeModel.load(bad)
    (bad / "model.json").write_text(json.dumps(info), encoding="utf-8")
    (bad / "model.joblib").write_bytes(b"not a pickle")
    with pytest.raises(ToolkitError, match="retrain"):
        CodeModel.load(bad)


def test_cue_rules_match_inflected_russian_and_kyrgyz_suffixes():
    rules = CueClassifier()
    assert "document_retention" in rules.matches("Паспорта забрали в первый же день.")
    assert "recruitment_fees" in rules.matches("Ортомчуларга беш миң сом төлөдүк.")
    assert rules.matches("Погода была хорошая.") == {}
    # a stem whose final consonant is voiced before a vowel suffix: айлык -> айлыгын
    assert rules.matches("Айлыгын бербей койду.").get("wage_theft") == ["айлык бербе*"]


@pytest.mark.parametrize("text, code", [
    ("Мигрантам три месяца не выплачивали зарплату, по словам бригадира, «после сезона».", "wage_theft"),
    ("По её словам, хозяйка собрала у девушек паспорта и держала их у себя.", "document_retention"),
    ("Рабочих запирали на ночь, за ворота их не выпускали.", "movement_restriction"),
    ("Полицейские требовали взятку прямо на рынке.", "bribery_extortion"),  # взятк: a stem cue, as a prefix
    ("Работали по 14 часов, без выходных.", "excessive_hours"),
    ("Каждые 30 дней приходилось выезжать на границу.", "irregular_status"),
    ("После 9-го класса дочь пошла работать на поле.", "child_labour"),
    ("Милиция базарда кармап, пара беришке туура келди.", "bribery_extortion"),
    ("Кожоюн паспортубузду алып койду, бербей жатат.", "document_retention"),
])
def test_cue_rules_cover_retold_and_numeric_phrasings(text, code):
    assert code in CueClassifier().matches(text)


@pytest.mark.parametrize("text, code", [
    ("Мы долго ждали автобус.", "debt_bondage"),      # долго is a Russian word, not Kyrgyz долг + -о
    ("Через пару недель я уехал.", "bribery_extortion"),  # Russian пара is not Kyrgyz пара (bribe)
    ("Машина стояла 4-5 часов на границе.", "excessive_hours"),  # digits are not the word "час"
    ("Прошло 5 дней, и мы вернулись.", "irregular_status"),
])
def test_cue_rules_do_not_fire_on_lookalikes(text, code):
    assert code not in CueClassifier().matches(text)


def test_aspect_pairs_are_a_perfective_and_an_imperfective_verb():
    from nlp_toolkit.io import read_yaml
    from nlp_toolkit.morph import ASPECT_PAIRS, analyzer
    aspects = lambda verb: {p.tag.aspect for p in analyzer().parse(verb) if p.tag.POS == "INFN"}  # noqa: E731
    for perfective, imperfective in read_yaml(ASPECT_PAIRS, "aspect pairs").items():
        assert "perf" in aspects(perfective) and "impf" in aspects(imperfective), (perfective, imperfective)


def test_a_cue_verb_matches_either_aspect_of_its_pair():
    rules = CueClassifier()
    assert rules.matches("Паспорт у него отобрали ещё в мае.")["document_retention"] == ["отобрать паспорт"]
    assert rules.matches("На таких фермах у людей отбирают паспорта.")["document_retention"] == ["отобрать паспорт"]
    assert "document_retention" not in rules.matches("Паспорт он отобразил на экране.")  # a different verb


@pytest.mark.parametrize("text, ages", [
    ("Сыну тогда исполнилось двенадцать, и он уже таскал ящики.", (12,)),  # ему/сыну ... было/исполнилось
    ("На плантации работала девочка тринадцати лет.", (13,)),  # an oblique numeral: a description
    ("Там были подростки лет пятнадцати-шестнадцати.", (15, 16)),  # inverted, with a range
    ("Шестнадцатилетний парень грузил мешки.", (16,)),
    ("В 11 лет она уже торговала на базаре.", (11,)),
    ("Ал он эки жашында эле кой кайтарган.", (12,)),  # Kyrgyz: a ten and a unit, then жаш-
    ("Бир кызга он төрт жаш болчу.", (14,)),
    ("Я пятнадцать лет работаю на стройках.", ()),  # a duration, not an age
    ("Он 10 лет жил в Бишкеке.", ()),  # Russian он is not Kyrgyz он (ten)
    ("Беш жыл Москвада жашадым.", ()),  # жаша- (to live) is not жаш (age)
    ("Нас было пятнадцать человек в комнате.", ()),
    ("В бригаде нас было семь человек.", ()),  # бригаде may be dative, but семь counts people
    ("Мы поехали втроём, с дочерью 10 лет.", (10,)),  # a child, then years: the digits show no case
    ("Ей тогда было семнадцать. Хозяйка забрала паспорт.", (17,)),  # the noun after is another sentence
    ("Брату шестнадцать тогда было.", (16,)),
    ("Привезли мальчика из соседнего села, четырнадцать лет, он пас скот.", (14,)),  # set off by commas
    ("Приехал с братом в Москву, 5 лет там работали.", ()),  # no comma after лет: a duration
])
def test_stated_ages_in_digits_and_words(text, ages):
    assert stated_ages(text) == ages


def test_an_age_and_an_amount_read_as_a_bribe_are_cues():
    rules = CueClassifier()
    assert rules.matches("Мальчику было четырнадцать, он пас овец.").get("child_labour") == ["age 5-17"]
    assert "child_labour" not in rules.matches("Мне было двадцать пять, когда я уехал.")
    found = rules.matches("Патрульные остановили и взяли по 2000 тенге с каждого.")
    assert "money bribe" in found.get("bribery_extortion", [])
    assert "bribery_extortion" not in rules.matches("Хозяин платил по 2000 тенге в день.")


def test_matching_ahead_in_worker_processes_finds_what_matching_one_by_one_finds(monkeypatch):
    import nlp_toolkit.classify.rules as rules_module
    texts = [r["text"] for r in read_jsonl(ROOT / "annotation" / "gold" / "ru40.jsonl")]
    ahead = CueClassifier()
    monkeypatch.setattr(rules_module, "PARALLEL_MIN", 10)
    ahead.remember(texts, processes=2)
    assert len(ahead._memo) == len(set(texts))
    one_by_one = CueClassifier()
    assert [dict(ahead.cue_matches(t)) for t in texts] == [one_by_one.matches(t) for t in texts]


def test_a_malformed_detector_in_the_cue_file_is_named(tmp_path):
    bad = tmp_path / "cues.yaml"
    bad.write_text("child_labour:\n  money_roles: [tip]\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="tip not a money role"):
        CueClassifier(cues_path=bad)
    bad.write_text("child_labour:\n  ages: [5]\n", encoding="utf-8")
    with pytest.raises(ToolkitError, match="ages"):
        CueClassifier(cues_path=bad)


def test_long_texts_are_scored_per_passage_too():
    text = " ".join(f"Предложение номер {i} про работу." for i in range(40))
    parts = passages(text, 300)
    assert parts[0] == text and all(len(p) <= 300 for p in parts[1:]) and len(parts) > 3
    assert passages("Короткий ответ.", 300) == ["Короткий ответ."]
    assert passages("а" * 1000, 300) == ["а" * 1000]  # no sentence to cut at


def test_cue_evidence_only_raises_a_score_by_its_measured_precision():
    texts = [t for t, _ in EXAMPLES] * 3
    codes = CueClassifier().codebook.code_ids
    Y = np.array([[c in cs for c in codes] for _, cs in EXAMPLES] * 3, dtype=int)
    est = classifiers.create("tfidf_lr+cues").fit(texts, Y, labels=codes)
    alone = est.model_.predict_proba(texts)
    both = est.predict_proba(texts)
    assert (both >= alone - 1e-12).all() and (both <= 1).all()
    j = codes.index("document_retention")
    assert both[0, j] > alone[0, j]  # "забрал паспорт" is a cue
    assert 0 < est.precision_[j] <= 1


def test_a_loose_cue_counts_less_than_a_reliable_cue_of_the_same_code():
    """"регистрация" is a cue of irregular_status that also occurs where nobody's status is irregular."""
    codes = load_codebook().code_ids
    coded = ["Регистрации у нас не было, жили нелегально.", "Регистрация просрочена, мы нелегально тут."]
    loose = ["Полиция проверяла регистрацию, у всех была в порядке.", "Регистрацию сделал хозяин, всё законно.",
             "Регистрация у нас есть, патент тоже."]
    texts = (coded + loose) * 4
    Y = np.array([[c == "irregular_status" and t in coded for c in codes] for t in texts], dtype=int)
    est = classifiers.create("tfidf_lr+cues").fit(texts, Y, labels=codes)
    j = codes.index("irregular_status")
    ev = est.evidence(["Жили нелегально полгода.", "Регистрацию проверили."])[:, j]
    assert ev[0] > est.precision_[j] > ev[1] > 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from([0.0, 0.1, 0.15, 0.33, 0.5, 0.9, 1.0])), min_size=1, max_size=40))
def test_f1_at_all_thresholds_equals_sklearn(pairs):
    """Scores on the threshold grid itself test the >= edge; an all-negative column the zero division."""
    y, scores = np.array([int(p) for p, _ in pairs]), np.array([s for _, s in pairs])
    expected = [f1_score(y, scores >= t, zero_division=0) for t in THRESHOLDS]
    assert f1_at_thresholds(y, scores).tolist() == expected


def test_thresholds_prefer_a_plateau_to_a_spike():
    y = np.array([1] * 10 + [0] * 30)
    proba = np.r_[np.linspace(0.3, 0.9, 10), np.linspace(0.0, 0.45, 30)]
    thr = tune_thresholds(y[:, None], proba[:, None], ["c"])
    assert 0.1 <= thr["c"] <= 0.9 and thr == tune_thresholds(y[:, None], proba[:, None], ["c"])
    assert tune_thresholds(np.zeros((3, 1), int), np.zeros((3, 1)), ["c"]) == {"c": 0.5}


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("паспортзабралидолгпара ңөү\u00a0\u00ad-–.,!?0123456789 ") + ["😀", "a", "o", "\n"]),
               max_size=300))
def test_cue_rules_and_passages_take_any_text(text):
    found = CueClassifier().matches(text)
    assert set(found) <= set(CueClassifier().codebook.code_ids)
    assert passages(text, 40)[0] == text


def test_cue_rules_handle_a_megabyte():
    text = "Хозяин забрал паспорт. " * 45_000
    assert "document_retention" in CueClassifier().matches(text)


def test_ilo_roll_up_needs_involuntariness_and_menace():
    segs = [
        {"id": "a-s001", "interview_id": "a", "codes": ["document_retention"]},  # both dimensions at once
        {"id": "b-s001", "interview_id": "b", "codes": ["wage_theft"]},
        {"id": "b-s002", "interview_id": "b", "codes": ["bribery_extortion"]},
        {"id": "c-s001", "interview_id": "c", "codes": ["excessive_hours"]},
        {"id": "c-s002", "interview_id": "c", "codes": ["threats_intimidation"]},
    ]
    rows = {r["interview_id"]: r for r in roll_up(segs)}
    assert rows["a"]["indicative_of_forced_labour"] is True
    assert rows["b"]["indicative_of_forced_labour"] is False  # no menace of penalty
    assert rows["c"]["indicative_of_forced_labour"] is True
    assert rows["c"]["ilo_dimensions"]["menace_of_penalty"]["segments"] == ["c-s002"]
    assert "human review" in rows["c"]["note"]
    with pytest.raises(ToolkitError, match="unknown code"):
        roll_up([{"id": "d-s001", "codes": ["nonsense"]}])


def test_suggest_ranks_only_unannotated_segments(trained):
    out, _ = trained
    model = CodeModel.load(out)
    recs = [{"id": "x1", "text": "Паспорт забрали.", "codes": ["document_retention"]},
            {"id": "x2", "text": "Денег не дали, паспорт может быть у хозяина."},
            {"id": "x3", "text": "Чай был горячий."}]
    ranked = rank(model, recs)
    assert [r["id"] for r in ranked] in (["x2", "x3"], ["x3", "x2"])
    assert ranked[0]["uncertainty"] >= ranked[1]["uncertainty"]


def test_cues_model_reuses_the_folds_tfidf_fits_with_the_same_scores():
    """train() hands each fold's fitted tfidf_lr to tfidf_lr+cues; the scores must not change."""
    from nlp_toolkit.classify.train import out_of_fold, training_matrix
    cb = load_codebook()
    texts, Y, groups = training_matrix(_records(4), cb)
    fitted: dict = {}
    out_of_fold("tfidf_lr", texts, Y, groups, cb.code_ids, 2, fitted)
    assert sorted(fitted) == [("tfidf_lr", 0), ("tfidf_lr", 1)]
    shared = out_of_fold("tfidf_lr+cues", texts, Y, groups, cb.code_ids, 2, fitted)
    alone = out_of_fold("tfidf_lr+cues", texts, Y, groups, cb.code_ids, 2)
    assert np.allclose(shared, alone)


def test_choice_keeps_the_cue_model_unless_another_is_clearly_better():
    from nlp_toolkit.classify.train import choose
    res = lambda f: {"micro_f1": f, "macro_f1": f}  # noqa: E731
    assert choose({"cues": res(0.6), "tfidf_lr": res(0.757), "tfidf_lr+cues": res(0.751)}) == "tfidf_lr+cues"
    assert choose({"cues": res(0.6), "tfidf_lr": res(0.80), "tfidf_lr+cues": res(0.75)}) == "tfidf_lr"
    assert choose({"cues": res(0.6), "tfidf_lr": res(0.70)}) == "tfidf_lr"


@pytest.mark.parametrize("params", [
    {"analyzer": "char_wb", "ngram_range": (2, 5), "min_df": 2, "sublinear_tf": True},
    {"ngram_range": (1, 2), "sublinear_tf": True, "dtype": np.float32},
    {"min_df": 0.2, "max_df": 0.5, "binary": True},
])
def test_counted_tfidf_fits_what_tfidfvectorizer_fits_on_the_same_texts(params):
    """Counts remembered from another fit on overlapping texts (as in cross-validation) must not
    leak into this fit's vocabulary or idf."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from nlp_toolkit.classify.features import CountedTfidf
    texts = [t for t, _ in EXAMPLES]
    train, other = texts[:10], texts[4:]
    new = texts[10:] + ["ПАСПОРТ\tзабрали\u00a0 паспорт, Паспорт паспорт", "", "qwz", texts[0],
                        # sentences shared by texts of one batch, as a long text's passages share them
                        "Паспорт забрали.  Денег нет! Паспорт забрали.", "Денег нет! Паспорт забрали."]
    CountedTfidf(TfidfVectorizer(**params)).fit(other)
    counted = CountedTfidf(TfidfVectorizer(**params))
    X = counted.fit_transform(train)
    plain = TfidfVectorizer(**params)
    assert np.allclose(X.toarray(), plain.fit_transform(train).toarray())
    assert counted.vectorizer_.vocabulary_ == plain.vocabulary_
    assert X.dtype == plain.transform(new).dtype
    assert np.allclose(counted.transform(new).toarray(), plain.transform(new).toarray())
    assert np.allclose(counted.transform(new[::-1]).toarray(), plain.transform(new[::-1]).toarray())  # words now cached
    assert "_word_columns" not in pickle.loads(pickle.dumps(counted)).__dict__


def test_lemma_text_read_sentence_by_sentence_is_the_lemmas_of_all_words():
    from nlp_toolkit.classify.features import lemma_text, word_lemma
    from nlp_toolkit.text import normalise, words
    text = "Паспорта забрали!  Айлыгымды бербей коюшту. «Долг» растёт… а ёлки - нет?\nКонец"
    assert lemma_text(text) == " ".join(word_lemma(w) for _, _, w in words(normalise(text)))
    assert lemma_text(text).startswith("паспорт забрать айлыг")


def test_platt_scores_match_observed_frequencies_where_raw_scores_do_not():
    from nlp_toolkit.classify.calibration import fit_platt, platt
    rng = np.random.default_rng(0)
    z = rng.normal(size=20_000)
    raw = 1 / (1 + np.exp(-2 * z))  # overconfident, and too high: balanced weights do this to a rare code
    y = (rng.random(z.size) < 1 / (1 + np.exp(-(z - 1.5)))).astype(int)
    cal = platt(raw, *fit_platt(y, raw))
    for lo in np.arange(0, 1, 0.2):
        in_bin = (cal >= lo) & (cal < lo + 0.2)
        if in_bin.sum() > 200:
            assert abs(y[in_bin].mean() - cal[in_bin].mean()) < 0.03
    assert abs(y[raw >= 0.5].mean() - raw[raw >= 0.5].mean()) > 0.2
    assert fit_platt(np.ones(5, int), raw[:5]) is None


def test_calibration_changes_scores_not_decisions(trained):
    """Calibrated scores against calibrated thresholds decide exactly what raw scores against the
    tuned thresholds decide."""
    from nlp_toolkit.classify.calibration import _logit
    model = CodeModel.load(trained[0])
    assert model.calibration
    raw = CodeModel(model.codes, model.estimator, model.kind, dict(model.thresholds), model.rule_codes)
    for code, (a, b) in model.calibration.items():  # the tuned raw threshold, mapped back
        raw.thresholds[code] = float(1 / (1 + np.exp(-(_logit(model.thresholds[code]) - b) / a)))
    texts = [t for t, _ in EXAMPLES] + ["Паспорт забрали, денег не дали, со двора не выпускали."]
    assert model.predict(texts)[0] == raw.predict(texts)[0]
    assert not np.allclose(model.scores(texts), raw.scores(texts))


def test_memo_computes_each_key_once_and_forgets_at_its_limit():
    from nlp_toolkit.memo import Memo
    calls = []
    memo = Memo(lambda k: calls.append(k) or k * 2, limit=2)
    assert memo[1] == 2 and memo[1] == 2 and calls == [1]
    assert memo[2] == 4 and memo[3] == 6  # the third key finds the memo full: it starts afresh
    assert dict(memo) == {3: 6} and memo[1] == 2 and calls == [1, 2, 3, 1]
