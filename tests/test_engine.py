"""The engine: shards, chunks, local processes and Dask give the same output; bad shards are reported."""

from __future__ import annotations

import json

import pytest

from nlp_toolkit.engine.run import run
from nlp_toolkit.engine.shards import read_parts


class CountStage:
    """A tiny real stage: adds the number of words; built once per worker."""

    def process(self, records):
        return [{**r, "n_words": len(r["text"].split()), "entities": [{"label": "X"}]} for r in records]


def _write_shards(d, n_shards=3, per=7):
    d.mkdir()
    for s in range(n_shards):
        with (d / f"shard{s}.jsonl").open("w", encoding="utf-8") as fh:
            for i in range(per):
                fh.write(json.dumps({"id": f"s{s}-{i}", "text": "слово " * (i + 1)}, ensure_ascii=False) + "\n")
    return d


def _by_id(out):
    return {r["id"]: r for r in read_parts(out)}


def test_local_one_and_two_processes_and_dask_agree(tmp_path):
    shards = _write_shards(tmp_path / "in")
    one = run(CountStage, shards, tmp_path / "one", processes=1, chunk_size=4)
    two = run(CountStage, shards, tmp_path / "two", processes=2, chunk_size=4)
    assert one.input == one.output == two.output == 21 and not one.failed
    assert len(one.parts) == 6  # 3 shards x ceil(7/4) chunks
    assert _by_id(tmp_path / "one") == _by_id(tmp_path / "two")
    assert _by_id(tmp_path / "one")["s1-3"]["n_words"] == 4
    dask = run(CountStage, str(tmp_path / "in" / "*.jsonl"), tmp_path / "dask", engine="dask", processes=2, chunk_size=4)
    assert dask.output == 21 and _by_id(tmp_path / "dask") == _by_id(tmp_path / "one")


def test_a_corrupt_shard_is_reported_and_the_rest_completes(tmp_path):
    shards = _write_shards(tmp_path / "in")
    lines = (shards / "shard1.jsonl").read_text(encoding="utf-8").splitlines()
    lines[5] = '{"id": "broken", "text": '
    (shards / "shard1.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rep = run(CountStage, shards, tmp_path / "out", processes=2, chunk_size=4)
    assert len(rep.failed) == 1 and "shard1.jsonl:6" in rep.failed[0]
    assert rep.input == rep.output + rep.failed_records == 21
    assert rep.output == 18


def test_parquet_shards_round_trip(tmp_path):
    shards = _write_shards(tmp_path / "in", n_shards=1)
    run(CountStage, shards, tmp_path / "a", processes=1)
    rep = run(CountStage, tmp_path / "a", tmp_path / "b", processes=1)
    assert rep.output == 7 and _by_id(tmp_path / "b")["s0-2"]["entities"] == [{"label": "X"}]


def test_no_shards_is_a_clear_error(tmp_path):
    from nlp_toolkit.errors import ToolkitError
    with pytest.raises(ToolkitError, match="no .jsonl or .parquet shards"):
        run(CountStage, tmp_path / "nothing-*.jsonl", tmp_path / "out")


def test_real_tagger_same_output_locally_and_on_dask(tmp_path):
    """Issue 8: the Dask engine's output equals the local engine's on the demo gold texts."""
    import functools

    from conftest import ROOT
    from nlp_toolkit.io import read_jsonl
    from nlp_toolkit.pipeline import Tagger

    src = tmp_path / "in"
    src.mkdir()
    gold = sorted((ROOT / "annotation" / "gold").glob("*.jsonl"))[:6]
    for f in gold:
        (src / f.name).write_text("".join(
            json.dumps({"id": r["id"], "interview_id": r["interview_id"], "date": r.get("date"), "text": r["text"]},
                       ensure_ascii=False) + "\n" for r in read_jsonl(f)), encoding="utf-8")
    factory = functools.partial(Tagger, None)
    local = run(factory, src, tmp_path / "local", processes=2, chunk_size=50)
    dask = run(factory, src, tmp_path / "dask", engine="dask", processes=2, chunk_size=50)
    assert local.output == dask.output == local.input > 100 and not local.failed
    a, b = _by_id(tmp_path / "local"), _by_id(tmp_path / "dask")
    assert a == b
    assert sum(len(r["entities"]) for r in a.values()) > 100 and sum(len(r["codes"]) for r in a.values()) > 50
