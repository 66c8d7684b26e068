"""The analyst notebooks run top to bottom on a dataset built from the demo corpus, draw figures, and
print the dataset's real numbers."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from jupyter_client import KernelManager
from nbclient import NotebookClient

from nlp_toolkit.corpus.ingest import ingest
from nlp_toolkit.dataset import load
from nlp_toolkit.dataset.build import build, merge
from nlp_toolkit.io import read_jsonl
from nlp_toolkit.pipeline import Tagger

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01_corpus_overview.ipynb", "02_abuse_patterns.ipynb", "03_money.ipynb", "04_places.ipynb"]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> Path:
    """corpus/ -> ingest -> Tagger -> dataset, with the gold files as human annotations (as `make demo`)."""
    tmp = tmp_path_factory.mktemp("notebooks")
    # No pseudonymisation key: the gold records laid over every segment carry pseudonymised text already,
    # and the key costs ~20 s of the test's budget.
    ingest([ROOT / "corpus"], tmp / "segments.jsonl", None, pseudonymise=False, progress=False)
    tagged = Tagger().tag(list(read_jsonl(tmp / "segments.jsonl")))
    human = [r for f in sorted((ROOT / "annotation" / "gold").glob("*.jsonl")) for r in read_jsonl(f)]
    build(merge(tagged, human), tmp / "coded")
    return tmp / "coded"


@pytest.fixture(scope="module")
def executed(dataset) -> dict[str, nbformat.NotebookNode]:
    """Every notebook executed once, in its own directory, reading the dataset from $NLP_TOOLKIT_DATA."""
    env = {**os.environ, "NLP_TOOLKIT_DATA": str(dataset)}
    out = {}
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute(env=env)
        out[path.name] = nb
    return out


@pytest.fixture(scope="module")
def data(dataset) -> dict[str, pd.DataFrame]:
    return load(dataset)


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def printed(nb: nbformat.NotebookNode) -> dict[str, str]:
    """`name: value` lines the notebook printed."""
    text = "".join(o["text"] for o in outputs(nb) if o["output_type"] == "stream" and o["name"] == "stdout")
    return dict(re.findall(r"^([^:\n]+): (.+)$", text, re.M))


def test_all_notebooks_present_and_saved_without_outputs():
    assert [p.name for p in NOTEBOOKS] == EXPECTED
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert code and all(not c.outputs and c.execution_count is None for c in code), path.name
        assert any(c.cell_type == "markdown" for c in nb.cells)
        assert "analysis.data_dir()" in "".join(c.source for c in code)  # the package API, no file parsing


def test_kernel_is_the_venv_python():
    """The "python3" kernel spec runs the interpreter running the tests (the venv), which has the package."""
    assert KernelManager(kernel_name="python3").format_kernel_cmd()[0] == sys.executable


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_runs_without_error_and_plots(executed, name):
    outs = outputs(executed[name])
    assert not [o for o in outs if o["output_type"] == "error"]
    assert any("image/png" in o.get("data", {}) for o in outs)


def test_overview_counts(executed, data):
    seg = data["segments"]
    shown = printed(executed["01_corpus_overview.ipynb"])
    transcripts = [f for f in (ROOT / "corpus").iterdir() if f.suffix in (".txt", ".docx", ".odt")]
    assert int(shown["interviews"]) == seg["interview_id"].nunique() == len(data["interviews"]) == len(transcripts)
    assert int(shown["segments"]) == len(seg)
    assert shown["human-coded share"] == "100.0%"  # the demo gold covers every segment


def test_patterns_top_code(executed, data):
    shown = printed(executed["02_abuse_patterns.ipynb"])
    counts = data["segments"]["codes"].explode().value_counts()
    code, n = re.fullmatch(r"(\w+) \((\d+) segments\)", shown["top code"]).groups()
    assert int(n) == counts.max() == counts[code]
    iv = data["interviews"]
    assert shown["interviews indicative of forced labour"] == f"{iv['indicative_of_forced_labour'].sum()} of {len(iv)}"


def test_money_counts(executed, data):
    shown = printed(executed["03_money.ipynb"])
    ent = data["entities"]
    paid = ent[(ent["label"] == "MONEY") & ent["role"].isin(["bribe", "fee"])]
    assert int(shown["bribes and fees"]) == len(paid) > 0
    assert shown["median USD"] == f"{((paid['usd_low'] + paid['usd_high']) / 2).median():.0f}"


def test_places_counts(executed, data):
    shown = printed(executed["04_places.ipynb"])
    seg, ent = data["segments"], data["entities"]
    coded = set(seg.loc[seg["codes"].map(len) > 0, "id"])
    loc = ent[(ent["label"] == "LOC") & ent["segment_id"].isin(coded)]
    assert int(shown["places mentioned in coded segments"]) == len(loc[["norm", "country", "kind"]].drop_duplicates())
    assert 0 < int(shown["places on the map"]) < int(shown["places mentioned in coded segments"])
