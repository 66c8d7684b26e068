"""Inter-annotator agreement on pulled annotations: codes (kappa/alpha), spans (F1), disputed segments.

Input: records from `ls pull` (one per segment and annotator; adjudicated records are ignored).
Codes: per code a binary decision per segment; Cohen's kappa when exactly two annotators, else
Krippendorff's alpha (nominal, missing where an annotator skipped a segment). Spans: exact
(start, end, label) matches, F1 between each pair of annotators pooled over segments, per label.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import krippendorff
import numpy as np
from rich.console import Console
from rich.table import Table
from sklearn.metrics import cohen_kappa_score

from ..codebook import load_codebook
from ..errors import ToolkitError
from ..io import atomic_write


@dataclass
class Report:
    annotators: list[str]
    segments: int
    codes: dict[str, tuple[str, float, int]] = field(default_factory=dict)   # code -> (measure, value, n)
    spans: dict[str, tuple[float, int]] = field(default_factory=dict)        # label -> (F1, spans in all)
    disputed: list[tuple[str, int, str]] = field(default_factory=list)       # (segment id, score, what)


def _by_segment(records: list[dict]) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = defaultdict(dict)
    for r in records:
        if r.get("adjudicated"):
            continue
        if not r.get("annotator"):
            raise ToolkitError(f"record {r.get('id')!r} has no 'annotator' (expected output of `ls pull`)")
        out[str(r["id"])][r["annotator"]] = r
    return out


def _code_agreement(code: str, segs: dict[str, dict[str, dict]], annotators: list[str]) -> tuple[str, float, int]:
    if len(annotators) == 2:
        a, b = annotators
        pairs = [(code in s[a]["codes"], code in s[b]["codes"]) for s in segs.values() if a in s and b in s]
        if not pairs:
            return "kappa", math.nan, 0
        x, y = zip(*pairs)
        # kappa is undefined when both annotators used one category only; they then agree fully.
        value = 1.0 if len(set(x) | set(y)) == 1 else float(cohen_kappa_score(x, y))
        return "kappa", value, len(pairs)
    data = np.array([[float(code in s[a]["codes"]) if a in s else np.nan for s in segs.values()] for a in annotators])
    usable = int((np.sum(~np.isnan(data), axis=0) >= 2).sum())
    if usable == 0:
        return "alpha", math.nan, 0
    if len(set(data[~np.isnan(data)].tolist())) == 1:
        return "alpha", 1.0, usable
    return "alpha", float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")), usable


def _spans(rec: dict, label: str) -> set[tuple[int, int]]:
    return {(e["start"], e["end"]) for e in rec.get("entities") or () if e["label"] == label}


def compute(records: list[dict], top: int = 10) -> Report:
    """All agreement figures for the annotator records in `records`."""
    segs = _by_segment(records)
    annotators = sorted({a for s in segs.values() for a in s})
    if len(annotators) < 2:
        raise ToolkitError(f"agreement needs at least two annotators, found {len(annotators)} ({', '.join(annotators)})")
    cb = load_codebook()
    rep = Report(annotators=annotators, segments=len(segs))
    for code in cb.codes:
        rep.codes[code] = _code_agreement(code, segs, annotators)
    for label in cb.entities:
        matched = total = 0
        for s in segs.values():
            for a, b in itertools.combinations(sorted(s), 2):
                sa, sb = _spans(s[a], label), _spans(s[b], label)
                matched += 2 * len(sa & sb)
                total += len(sa) + len(sb)
        rep.spans[label] = (matched / total if total else math.nan, total)
    scored = []
    for sid, s in segs.items():
        if len(s) < 2:
            continue
        recs = list(s.values())
        code_sets = [set(r["codes"]) for r in recs]
        codes_off = set.union(*code_sets) - set.intersection(*code_sets)
        span_sets = [{(e["start"], e["end"], e["label"]) for e in r.get("entities") or ()} for r in recs]
        spans_off = set.union(*span_sets) - set.intersection(*span_sets)
        if codes_off or spans_off:
            what = ", ".join(sorted(codes_off) + [f"{l}[{a}:{b}]" for a, b, l in sorted(spans_off)])
            scored.append((sid, len(codes_off) + len(spans_off), what))
    rep.disputed = sorted(scored, key=lambda t: (-t[1], t[0]))[:top]
    return rep


def _fmt(v: float) -> str:
    return "n/a" if math.isnan(v) else f"{v:.3f}"


def write_csv(path: Path, rep: Report) -> None:
    """One row per figure: kind, name, measure, value, n."""
    with atomic_write(path) as fh:
        w = csv.writer(fh)
        w.writerow(["kind", "name", "measure", "value", "n"])
        for code, (measure, value, n) in rep.codes.items():
            w.writerow(["code", code, measure, _fmt(value), n])
        for label, (f1, n) in rep.spans.items():
            w.writerow(["span", label, "f1", _fmt(f1), n])
        for sid, score, what in rep.disputed:
            w.writerow(["disputed", sid, what, score, ""])


def print_report(rep: Report, console: Console) -> None:
    console.print(f"{rep.segments} segments, annotators: {', '.join(rep.annotators)}")
    t = Table("code", "measure", "value", "n")
    for code, (measure, value, n) in rep.codes.items():
        t.add_row(code, measure, _fmt(value), str(n))
    console.print(t)
    t = Table("label", "span F1", "spans")
    for label, (f1, n) in rep.spans.items():
        t.add_row(label, _fmt(f1), str(n))
    console.print(t)
    if rep.disputed:
        t = Table("segment", "disagreements", "on")
        for sid, score, what in rep.disputed:
            t.add_row(sid, str(score), what)
        console.print(t)
