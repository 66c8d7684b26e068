"""Training time of the code classifier on 5k segments (demo gold turns recombined, codes united).

    python benchmarks/train.py [--n 5000] [--candidates cues,tfidf_lr+cues[,tfidf_lr,spacy_textcat]]

Prints seconds per candidate (grouped 5-fold CV + threshold tuning) and for the whole `train` call
(CV of every candidate, then the final fit of the chosen one and the card). Target: < 60 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from nlp_toolkit.classify.train import DEFAULT_CANDIDATES, train

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import records  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--candidates", default=",".join(DEFAULT_CANDIDATES), help="default: as `nlp-toolkit train`")
    a = ap.parse_args()
    data = list(records(a.n, coded=True))
    candidates = tuple(a.candidates.split(","))
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        report = train(data, out, candidates, source="benchmark")
        total = time.perf_counter() - t0
    print(f"{'candidate':>15} {'CV seconds':>11} {'micro-F1':>9}")
    for kind, res in report["candidates"].items():
        print(f"{kind:>15} {res['seconds']:>11.1f} {res['micro_f1']:>9.3f}")
    print(f"train on {a.n} segments ({report['interviews']} interviews), chosen {report['chosen']}: "
          f"{total:.1f} s in all (target < 60 s)")


if __name__ == "__main__":
    main()
