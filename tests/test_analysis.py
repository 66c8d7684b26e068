"""Dataset summaries behind the notebooks (nlp_toolkit.dataset.analysis), on small RU/KY records."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from dataset_records import _rec, _span, records  # noqa: E402
from nlp_toolkit.dataset import analysis, load  # noqa: E402
from nlp_toolkit.dataset.build import build, merge  # noqa: E402

RU3 = "На посту сказали: плати, я отдал от 5 до 10 тысяч тенге и поехал."


def more_records() -> list[dict]:
    """The shared test records plus a coded bribe range with no actor named in its turn."""
    extra = _rec("t01-s004", "t01", 4, RU3, ["bribery_extortion"],
                 [_span(RU3, "от 5 до 10 тысяч тенге", "MONEY", low=5000, high=10000, currency="KZT", role="bribe",
                        usd_low=10.0, usd_high=20.0)],
                 respondent="Айгуль", gender="female", age=34, home_region="Ошская область", place="Алматы",
                 date="2019-04-03", lang="ru")
    return [*records(), extra]


@pytest.fixture()
def data(tmp_path) -> dict[str, pd.DataFrame]:
    human = [{**records()[3], "source": "human"}]
    build(merge(more_records(), human), tmp_path)
    return load(tmp_path)


def test_code_counts_shares_and_co_occurrence(data):
    seg = data["segments"]
    counts = analysis.code_counts(seg)
    assert counts["document_retention"] == 2 and counts["bribery_extortion"] == 2 and counts["child_labour"] == 0
    assert list(counts.index[:2]) == ["document_retention", "bribery_extortion"]  # a tie keeps codebook order
    shares = analysis.code_shares(seg, "gender")
    assert shares.loc["female", "document_retention"] == pytest.approx(1 / 4)
    assert shares.loc["male", "document_retention"] == 1.0
    co = analysis.co_occurrence(seg)
    assert co.loc["bribery_extortion", "document_retention"] == co.loc["document_retention", "bribery_extortion"] == 1
    assert co.loc["document_retention", "document_retention"] == 2
    assert "child_labour" not in co.columns and (co.index == co.columns).all()


def test_coverage_and_human_share(data):
    seg = data["segments"]
    cov = analysis.coverage(seg)
    assert list(cov.columns) == ["model", "human", "adjudicated"]
    assert cov.loc["t01"].tolist() == [4, 0, 0] and cov.loc["t02"].tolist() == [0, 1, 0]
    assert analysis.human_share(seg) == pytest.approx(1 / 5)
    assert analysis.human_share(seg.iloc[:0]) == 0.0


def test_sector_or_place(data):
    seg = data["segments"]
    assert analysis.sector_or_place(seg) == "place"
    assert analysis.sector_or_place(seg.assign(sector=["стройка", None, None, None, None])) == "sector"


@pytest.mark.parametrize("home, region", [
    ("Ошская область, Араванский район", "Ошская область"),
    ("Баткен облусу, Лейлек району", "Баткенская область"),
    ("Жалал-Абад облусу, Сузак району", "Джалал-Абадская область"),
    ("Жалал-Абадская область, Ноокенский район", "Джалал-Абадская область"),  # Russian spelling, same region
    ("где-то под городом", "где-то под городом"),  # no region named: kept as written
])
def test_region_of(home, region):
    assert analysis.region_of(home) == region


def test_home_regions_per_segment(data):
    regions = analysis.home_regions(data["segments"].assign(home_region=["Ош облусу", "", None, "x", "Нарын облусу"]))
    assert regions.fillna("-").tolist() == ["Ошская область", "-", "-", "x", "Нарынская область"]


def test_ilo_evidence_agrees_with_interviews_table(data):
    ev = analysis.ilo_evidence(data["segments"])
    iv = data["interviews"].set_index("interview_id")
    assert list(ev.index) == ["t01", "t02"]
    for dim in ev.columns:
        assert ((ev[dim] > 0) == iv.loc[ev.index, f"ilo_{dim}"].astype(bool)).all(), dim
    assert ev.loc["t01", "impossibility_to_leave"] >= 1  # the retained passport


def test_payments_go_to_the_nearest_actor(data):
    pay = analysis.payments(data["entities"]).set_index("segment_id")
    assert set(pay.index) == {"t01-s001", "t02-s001", "t01-s004"}
    assert (pay.loc["t01-s001", "actor"], pay.loc["t01-s001", "role"]) == ("POLICE", "bribe")
    assert (pay.loc["t02-s001", "actor"], pay.loc["t02-s001", "usd"]) == ("INTERMEDIARY", 150)
    assert (pay.loc["t01-s004", "actor"], pay.loc["t01-s004", "usd"]) == (analysis.NO_ACTOR, 15)  # range -> middle
    assert analysis.payments(data["entities"], roles=("wage",)).empty


def test_nearest_actor_wins_when_several_are_named():
    text = "Хозяин молчал, а полицейский взял 5000 тенге."

    def span(part: str, label: str, **attrs) -> dict:
        start = text.index(part)
        return {"segment_id": "s", "interview_id": "i", "year": 2020, "label": label, "start": start,
                "end": start + len(part), "text": part, **attrs}

    ents = pd.DataFrame([span("Хозяин", "EMPLOYER"), span("полицейский", "POLICE"),
                         span("5000 тенге", "MONEY", role="bribe", currency="KZT", usd_low=11.0, usd_high=11.0)])
    assert analysis.payments(ents)["actor"].tolist() == ["POLICE"]


def test_hand_coded_places_get_coordinates_from_the_gazetteer_in_the_build(data):
    places = analysis.place_counts(data["segments"], data["entities"]).set_index("norm")
    assert places.loc["Алматы", "segments"] == 1 and places.loc["Алматы", "lat"] == 43.24  # from the entity
    assert places.loc["Ош", "lat"] == pytest.approx(40.53) and places.loc["Ош", "country"] == "KG"  # gazetteer


def test_place_counts_only_coded_segments(data):
    seg = data["segments"]
    uncoded = seg.assign(codes=[[] if i == "t01-s002" else c for i, c in zip(seg["id"], seg["codes"])])
    assert "Алматы" not in set(analysis.place_counts(uncoded, data["entities"])["norm"])
    assert "Алматы" in set(analysis.place_counts(uncoded, data["entities"], coded_only=False)["norm"])


def test_data_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("NLP_TOOLKIT_DATA", str(tmp_path))
    assert analysis.data_dir() == tmp_path
    monkeypatch.delenv("NLP_TOOLKIT_DATA")
    assert str(analysis.data_dir()) == "../data/coded"


def test_heatmap_writes_every_cell():
    frame = pd.DataFrame([[1, 2, 3], [4, 5, 6]], index=["Ош", "Алматы"], columns=["a", "b", "c"])
    fig, ax = plt.subplots()
    analysis.heatmap(ax, frame)
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "4", "5", "6"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Ош", "Алматы"]
    plt.close(fig)


def test_coordinates_prefer_country_and_kind():
    from nlp_toolkit.extract.places import coordinates
    assert coordinates("Ош", "KG", "city") == pytest.approx((40.53, 72.80))
    assert coordinates("Ош облусу", "KG", "region") == pytest.approx((40.53, 72.80))  # Kyrgyz name
    assert coordinates("Алматы", "KG") == (None, None)  # not in that country
    assert coordinates("Неизвестное место") == (None, None)
