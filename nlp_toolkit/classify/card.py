"""Model cards: what a model was trained on, how well it did in cross-validation, and its limits."""

from __future__ import annotations

import json
from pathlib import Path

from .. import __version__
from ..codebook import Codebook
from ..io import atomic_write

LIMITS = """\
- Trained on the project's own demo interviews (written for the project, not real testimony): its
  figures say how well it learns our annotation conventions, not how it does on a new team's data.
  Measure on your own annotated segments before relying on it, and retrain with them.
- Cross-validation is grouped by interview (no interview is in both training and test folds); the
  thresholds were tuned on the same out-of-fold scores, so the tuned figures are slightly optimistic.
- Codes listed under "rule fallback" had too few examples to learn and are predicted by cue phrases.
- Scores are calibrated on our interviews, where codes are frequent (most segments were written to
  show an abuse); on testimony where a code is rarer, the same score means a lower frequency. Rule
  codes score 0/1. Codes are an indication for a human coder to confirm, never evidence on their own.
- Our interviews are mostly first-person answer turns; text that retells testimony (reports, key
  informants) is scored per passage of a few sentences and leans more on the cue phrases. Measure on
  such text before relying on the figures above: they describe our interviews' wording."""


def write_card(directory: Path, report: dict, cb: Codebook) -> None:
    """MODEL_CARD.md for people and card.json for programs, next to the model."""
    report = {"toolkit_version": __version__, "codebook": str(cb.path.name), "codebook_version": cb.version, **report}
    with atomic_write(directory / "card.json") as fh:
        json.dump(report, fh, ensure_ascii=False, indent=1)
    chosen = report["deployed"]
    lines = [
        "# Model card: abuse-code classifier",
        "",
        f"- Model: `{report['chosen']}` (chosen by the mean of micro- and macro-F1 in grouped {report['folds']}-fold cross-validation; "
        f"`{report['preferred']}` is kept unless another candidate is better by more than {report['preference_margin']}, "
        "because cross-validation on the training interviews does not see how much the cue phrases help on other "
        "testimony)",
        f"- Trained: {report['trained_at']} with nlp_toolkit {__version__}, codebook version {cb.version}",
        f"- Data: {report['segments']} segments from {report['interviews']} interviews "
        f"({', '.join(f'{k}: {v}' for k, v in sorted(report['languages'].items()))})"
        + (f"; files: {', '.join(report['data_files'])}" if report.get("data_files") else ""),
        f"- Cross-validated micro-F1 {chosen['micro_f1']:.3f}, macro-F1 {chosen['macro_f1']:.3f} with the thresholds "
        "below (the candidates are compared at their best thresholds on these interviews; the deployed ones are "
        f"capped at {report['max_threshold']} on the raw scores, for testimony unlike them)",
        "- Scores are calibrated per code (Platt scaling of the out-of-fold scores): a score of 0.3 means about 30 in "
        "100 such segments of these interviews have the code. Brier score of the out-of-fold scores "
        f"{report['brier']['raw']:.4f} raw, {report['brier']['calibrated']:.4f} calibrated (fitted on the same "
        "scores); thresholds below are on the calibrated scale",
        "",
        "## Candidates compared",
        "",
        "| model | micro-F1 | macro-F1 | CV seconds |",
        "|---|---|---|---|",
        *[f"| {k} | {v['micro_f1']:.3f} | {v['macro_f1']:.3f} | {v['seconds']} |" for k, v in report["candidates"].items()],
        "",
        f"Matching the cue phrases of every segment, which the candidates but spaCy's share, took "
        f"{report['cue_seconds']} s before them.",
        "",
        "## Per language (out-of-fold, chosen model)",
        "",
        "| lang | segments | micro-F1 | macro-F1 |",
        "|---|---|---|---|",
        *[f"| {k} | {v['segments']} | {v['micro_f1']:.3f} | {v['macro_f1']:.3f} |" for k, v in sorted(report["cv_per_language"].items())],
        "",
        "## Per code (out-of-fold, chosen model)",
        "",
        "| code | examples | " + " | ".join(f"{lang}" for lang in sorted(report["languages"])) + " | P | R | F1 | threshold |",
        "|---|---|" + "---|" * len(report["languages"]) + "---|---|---|---|",
    ]
    for code in cb.code_ids:
        m = chosen["per_code"][code]
        per_lang = " | ".join(str(report["positives_per_language"].get(lang, {}).get(code, 0)) for lang in sorted(report["languages"]))
        thr = "rules" if code in report["rule_codes"] else f"{report['thresholds'][code]:.2f}"
        lines.append(f"| {code} | {report['positives'][code]} | {per_lang} | {m['p']:.2f} | {m['r']:.2f} | {m['f1']:.2f} | {thr} |")
    lines += ["", "## Rule fallback", "",
              (", ".join(report["rule_codes"]) if report["rule_codes"] else "none: every code had enough examples"),
              "", "## Known limits", "", LIMITS, ""]
    with atomic_write(directory / "MODEL_CARD.md") as fh:
        fh.write("\n".join(lines))
