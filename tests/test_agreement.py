"""Agreement figures against hand computations on small designed data."""

from __future__ import annotations

import math

import pytest

from nlp_toolkit.annotation.agreement import compute, write_csv
from nlp_toolkit.errors import ToolkitError

TEXT = "Ош шаарында полиция 500 сом алды."


def rec(sid: str, who: str, codes: list[str], spans: list[tuple[int, int, str]] = ()) -> dict:
    ents = [{"start": s, "end": e, "text": TEXT[s:e], "label": l} for s, e, l in spans]
    return {"id": sid, "text": TEXT, "codes": codes, "entities": ents, "annotator": who}


def test_two_annotators_kappa_and_span_f1(tmp_path):
    # bribery: A = 1,1,0,0  B = 1,0,0,0 -> po = 3/4, pe = .5*.25 + .5*.75 = .5, kappa = .5
    recs = [rec("s1", "a", ["bribery_extortion"], [(0, 2, "LOC"), (12, 19, "POLICE")]),
            rec("s1", "b", ["bribery_extortion"], [(0, 2, "LOC")]),
            rec("s2", "a", ["bribery_extortion"]), rec("s2", "b", []),
            rec("s3", "a", []), rec("s3", "b", []), rec("s4", "a", []), rec("s4", "b", []),
            {**rec("s1", "adjudicated", ["wage_theft"]), "adjudicated": True}]  # ignored
    rep = compute(recs)
    assert rep.codes["bribery_extortion"] == ("kappa", pytest.approx(0.5), 4)
    assert rep.codes["wage_theft"][1] == 1.0  # never used by either: full agreement
    assert rep.spans["LOC"] == (1.0, 2)
    assert rep.spans["POLICE"] == (0.0, 1)
    assert math.isnan(rep.spans["MONEY"][0])
    assert [d[0] for d in rep.disputed] == ["s1", "s2"]  # s1: one span apart, s2: one code
    write_csv(tmp_path / "a.csv", rep)
    assert "code,bribery_extortion,kappa,0.500,4" in (tmp_path / "a.csv").read_text()


def test_three_annotators_krippendorff_alpha():
    # units (1,1,1), (1,1,0), (0,0,0): o11=4, o00=3, o10=o01=1, n=9 -> Do=2/9, De=2*5*4/(9*8)=5/9, alpha=.6
    votes = {"u1": (1, 1, 1), "u2": (1, 1, 0), "u3": (0, 0, 0)}
    recs = [rec(u, who, ["wage_theft"] if v else []) for u, vs in votes.items() for who, v in zip("abc", vs)]
    rep = compute(recs)
    assert rep.codes["wage_theft"] == ("alpha", pytest.approx(0.6), 3)


def test_one_annotator_is_an_error():
    with pytest.raises(ToolkitError, match="two annotators"):
        compute([rec("s1", "a", [])])
