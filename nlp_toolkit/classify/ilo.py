"""Roll segment codes up to the ILO forced-labour dimensions, per interview.

ILO (2012, "Hard to see, harder to count"): forced labour of adults is indicated when there is
involuntariness (unfree recruitment, work and life under duress, or impossibility of leaving) AND
menace of penalty. The output is an indication for a human to review, with the evidence segments.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..codebook import Codebook, load_codebook

INVOLUNTARINESS = ("unfree_recruitment", "work_under_duress", "impossibility_to_leave")
MENACE = "menace_of_penalty"
NOTE = ("Indication for human review, not a finding: derived from codes on the segments listed as "
        "evidence (ILO 2012 rule: an involuntariness dimension AND menace of penalty). Read the quoted "
        "segments before drawing any conclusion.")
CARRIED = ("respondent", "gender", "age", "home_region", "place", "date", "sector", "language")


def interview_key(rec: dict) -> str:
    return str(rec.get("interview_id") or rec["id"].rsplit("-", 1)[0])


def roll_up(records: Iterable[dict], codebook: Codebook | None = None) -> list[dict]:
    """One record per interview: dimensions with evidence segment ids and codes, and the ILO flag."""
    cb = codebook or load_codebook()
    by_interview: dict[str, list[dict]] = defaultdict(list)
    for rec in records:
        by_interview[interview_key(rec)].append(rec)
    out = []
    for iid, recs in by_interview.items():
        dims = {d: {"evidence": False, "segments": [], "codes": []} for d in cb.ilo}
        for rec in recs:
            for code in rec.get("codes") or ():
                cb.check_code(code, rec["id"])
                for dim in cb.codes[code].ilo:
                    entry = dims[dim]
                    entry["evidence"] = True
                    if rec["id"] not in entry["segments"]:
                        entry["segments"].append(rec["id"])
                    if code not in entry["codes"]:
                        entry["codes"].append(code)
        involuntary = any(dims[d]["evidence"] for d in INVOLUNTARINESS if d in dims)
        menace = dims.get(MENACE, {}).get("evidence", False)
        first = recs[0]
        out.append({
            "interview_id": iid,
            **{k: first[k] for k in CARRIED if first.get(k) is not None},
            "segments": len(recs),
            "codes": sorted({c for r in recs for c in r.get("codes") or ()}),
            "ilo_dimensions": dims,
            "involuntariness": involuntary,
            "menace_of_penalty": menace,
            "indicative_of_forced_labour": involuntary and menace,
            "note": NOTE,
        })
    return out
