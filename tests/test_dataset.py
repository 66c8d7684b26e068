"""Dataset build: tidy tables, provenance, human override, FTS, atomic writes, load()."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest
from typer.testing import CliRunner

from dataset_records import records
from nlp_toolkit.dataset import load, load_segments
from nlp_toolkit.dataset import build as build_mod
from nlp_toolkit.dataset.build import build, merge
from nlp_toolkit.errors import ToolkitError
from nlp_toolkit.io import write_jsonl


@pytest.fixture()
def built(tmp_path):
    build(merge(records()), tmp_path / "ds")
    return tmp_path / "ds"


def test_tables_rows_and_provenance(built):
    d = load(built)
    assert set(d) == {"segments", "entities", "interviews"}
    assert all(isinstance(df, pd.DataFrame) for df in d.values())
    seg = d["segments"].set_index("id")
    assert len(seg) == 4 and len(d["entities"]) == 7 and len(d["interviews"]) == 2
    row = seg.loc["t01-s001"]
    assert row.code_bribery_extortion and row.code_document_retention and not row.code_wage_theft
    assert row.score_bribery_extortion == pytest.approx(0.9) and pd.isna(row.score_wage_theft)
    assert (row.source, row.model_version, row.source_file, row.line_start) == ("model", "test-1", "t01.txt", 2)
    assert row.year == 2019 and list(row.actors) == ["POLICE"]
    assert "Айгуль (pseudonym)" in row.citation and "3 April 2019" in row.citation and "Алматы" in row.citation
    assert seg.loc["t02-s001"].lang == "ky" and seg.loc["t02-s001"].usd_max == 150


def test_entities_money_converted_and_places(built):
    ent = load(built)["entities"]
    bribe = ent[(ent.label == "MONEY") & (ent.currency == "KZT")].iloc[0]
    assert bribe.role == "bribe" and 20 < bribe.usd_low < 200 and bribe.kzt_low == 20000
    loc = ent[ent.norm == "Алматы"].iloc[0]
    assert (loc.country, loc.kind, loc.lat) == ("KZ", "city", 43.24)
    assert set(ent.columns) >= {"segment_id", "source_file", "line_start", "line_end"}


def test_interviews_have_ilo_rollup(built):
    iv = load(built)["interviews"].set_index("interview_id")
    assert iv.loc["t01"].segments == 3
    assert bool(iv.loc["t01"].ilo_impossibility_to_leave) and bool(iv.loc["t01"].menace_of_penalty)
    assert "recruitment_fees" in list(iv.loc["t02"].codes)


def test_human_codes_override_model(tmp_path):
    human = [{**records()[1], "codes": ["wage_theft", "deceptive_recruitment"], "annotator": "ann1", "source": "adjudicated"},
             {**records()[3], "codes": ["recruitment_fees"], "annotator": "ann2"}]
    build(merge(records(), human), tmp_path)
    seg = load_segments(tmp_path).set_index("id")
    assert seg.loc["t01-s002"].source == "adjudicated" and seg.loc["t01-s002"].code_deceptive_recruitment
    assert seg.loc["t02-s001"].source == "human" and not seg.loc["t02-s001"].code_document_retention
    assert seg.loc["t02-s001"].annotator == "ann2" and seg.loc["t02-s001"].model_version == "test-1"
    assert seg.loc["t01-s001"].source == "model"


def test_sqlite_fts_and_code_table(built):
    con = sqlite3.connect(built / "coded.db")
    hits = con.execute("SELECT s.id FROM segments s JOIN segments_fts f ON f.rowid = s.rowid "
                       "WHERE segments_fts MATCH '\"паспорт\"*' ORDER BY s.id").fetchall()
    assert [h[0] for h in hits] == ["t01-s001", "t02-s001"]
    codes = con.execute("SELECT segment_id FROM segment_codes WHERE code='document_retention' ORDER BY 1").fetchall()
    assert [c[0] for c in codes] == ["t01-s001", "t02-s001"]


def test_failed_build_keeps_previous_dataset(built, monkeypatch):
    before = (built / "coded.db").read_bytes()

    def boom(frames, path):
        path.write_bytes(b"half")
        raise RuntimeError("disk full")
    monkeypatch.setattr(build_mod, "_sqlite", boom)
    with pytest.raises(RuntimeError):
        build(merge(records()[:1]), built)
    assert (built / "coded.db").read_bytes() == before
    assert len(load_segments(built)) == 4
    assert not [p for p in built.iterdir() if p.name.startswith(".")]


def test_bad_input_errors(tmp_path):
    with pytest.raises(ToolkitError, match="unknown code id 'no_such'.*valid ids"):
        build([{**records()[0], "codes": ["no_such"]}], tmp_path)
    with pytest.raises(ToolkitError, match="no segment records"):
        build([], tmp_path)
    with pytest.raises(ToolkitError, match="no such table"):
        load(tmp_path / "missing")


def test_cli_dataset(tmp_path):
    import typer

    from nlp_toolkit.dataset.cli import dataset
    app = typer.Typer()
    app.command()(dataset)
    app.command("noop")(lambda: None)
    write_jsonl(tmp_path / "tagged.jsonl", records())
    write_jsonl(tmp_path / "gold.jsonl", [{**records()[0], "codes": ["bribery_extortion"], "annotator": "a"}])
    res = CliRunner().invoke(app, ["dataset", str(tmp_path / "tagged.jsonl"), "-o", str(tmp_path / "out"),
                                   "--human", str(tmp_path / "gold.jsonl")])
    assert res.exit_code == 0, res.output
    seg = load_segments(tmp_path / "out").set_index("id")
    assert seg.loc["t01-s001"].source == "human" and not seg.loc["t01-s001"].code_document_retention


def _frames(directory):
    """Tables sorted by key, so engines that finish chunks in any order compare equal."""
    d = load(directory)
    return (d["segments"].sort_values("id").reset_index(drop=True),
            d["entities"].sort_values(["segment_id", "start"]).reset_index(drop=True),
            d["interviews"].sort_values("interview_id").reset_index(drop=True))


def test_engine_build_from_shards_local_and_dask_agree(tmp_path):
    from nlp_toolkit.dataset.build import build_from
    from nlp_toolkit.engine.shards import write_part
    recs = records()
    (tmp_path / "in").mkdir()
    write_jsonl(tmp_path / "in" / "a.jsonl", recs[:2])
    write_part(recs[2:], tmp_path / "in", "b")  # a Parquet shard, as `tag` writes them
    human = tmp_path / "gold.jsonl"
    extra = {**recs[0], "id": "t09-s001", "interview_id": "t09", "codes": ["child_labour"], "annotator": "a"}
    write_jsonl(human, [{**recs[3], "codes": ["recruitment_fees"], "annotator": "a"}, extra])
    one = build_from([tmp_path / "in"], tmp_path / "one", [human], processes=1)
    dask = build_from([str(tmp_path / "in" / "*")], tmp_path / "dask", [human], engine="dask", processes=2)
    assert one == dask == {"segments": 5, "entities": 9, "interviews": 3}
    for a, b in zip(_frames(tmp_path / "one"), _frames(tmp_path / "dask")):
        pd.testing.assert_frame_equal(a, b)
    seg = load_segments(tmp_path / "one").set_index("id")
    assert seg.loc["t09-s001"].source == "human" and seg.loc["t09-s001"].code_child_labour  # only in the human file
    assert seg.loc["t02-s001"].source == "human" and not seg.loc["t02-s001"].code_document_retention
    assert (tmp_path / "one" / "segments.parquet").is_dir()  # partitioned, read back as one table


def test_engine_build_with_a_corrupt_shard_names_it_and_keeps_the_old_dataset(built, tmp_path):
    from nlp_toolkit.dataset.build import build_from
    bad = tmp_path / "bad.jsonl"
    write_jsonl(bad, records())
    bad.write_text(bad.read_text(encoding="utf-8") + '{"id": "x", "text": \n', encoding="utf-8")
    before = (built / "coded.db").read_bytes()
    with pytest.raises(ToolkitError, match=r"bad\.jsonl:5"):
        build_from([bad], built)
    assert (built / "coded.db").read_bytes() == before and len(load_segments(built)) == 4
    assert not [p for p in built.iterdir() if p.name.startswith(".")]
    unknown = tmp_path / "unknown.jsonl"
    write_jsonl(unknown, [{**records()[0], "codes": ["no_such"]}])
    with pytest.raises(ToolkitError, match=r"unknown\.jsonl.*unknown code id 'no_such'"):
        build_from([unknown], tmp_path / "u")


def test_rebuild_replaces_partitioned_tables(built):
    build(merge(records()[:2]), built)
    assert len(load_segments(built)) == 2
    assert not [p for p in built.iterdir() if p.name.startswith(".")]
