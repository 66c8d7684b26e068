"""Platt scaling: turn each code's raw score into how often segments with that score have the code.

Raw scores are not frequencies: the regressions weigh classes to balance (so a rare code's raw 0.5
is far from one in two) and the cue evidence is joined by a noisy OR. One sigmoid per code over the
logit of the out-of-fold raw scores (Platt, 1999) maps them to frequencies on the training
interviews. It is increasing, so it changes what a score says, never which codes are decided.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

EPS = 1e-6


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def fit_platt(y: np.ndarray, raw: np.ndarray) -> tuple[float, float] | None:
    """(slope, intercept) of P(code | raw score), or None when the data cannot give an increasing map
    (no positives or no negatives, or scores that do not rank positives higher)."""
    y = np.asarray(y)
    if y.min() == y.max():
        return None
    lr = LogisticRegression(C=1.0).fit(_logit(raw)[:, None], y)
    slope, intercept = float(lr.coef_[0, 0]), float(lr.intercept_[0])
    return (slope, intercept) if slope > 0 else None


def platt(raw: np.ndarray | float, slope: float, intercept: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(slope * _logit(raw) + intercept)))


def brier(Y: np.ndarray, proba: np.ndarray) -> float:
    """Mean squared difference between score and outcome over all codes (lower is better)."""
    return float(np.mean((np.asarray(proba, dtype=float) - Y) ** 2))
