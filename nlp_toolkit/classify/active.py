"""Active learning: rank segments for annotation by how unsure the model is about them."""

from __future__ import annotations

import numpy as np

from .model import CodeModel


def uncertainty(model: CodeModel, texts: list[str]) -> np.ndarray:
    """Per text, 1 - the smallest distance of any code score to its threshold (1 = on the fence)."""
    proba = model.scores(texts)
    thr = np.array([model.thresholds.get(c, 0.5) for c in model.codes])
    rule = np.array([c in model.rule_codes for c in model.codes])
    margin = np.abs(proba - thr)
    margin[:, rule] = 1.0  # rule codes are never "unsure"
    return 1.0 - margin.min(axis=1) if len(texts) else np.zeros(0)


def rank(model: CodeModel, records: list[dict], top: int | None = None) -> list[dict]:
    """Records without human codes, most uncertain first, each with its `uncertainty` score."""
    pool = [r for r in records if not r.get("codes")]
    scores = uncertainty(model, [r["text"] for r in pool])
    order = np.argsort(-scores, kind="stable")
    ranked = [{**pool[i], "uncertainty": round(float(scores[i]), 4)} for i in order]
    return ranked[:top] if top else ranked
