"""Counts of the demo corpus and its gold: interviews, segments per language, codes, entity labels.

    .venv/bin/python eval/corpus_stats.py
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from _common import ROOT

from nlp_toolkit.io import read_jsonl


def main() -> None:
    files = sorted((ROOT / "annotation" / "gold").glob("*.jsonl"))
    recs = [r for f in files for r in read_jsonl(f)]
    declared = Counter(next(read_jsonl(f)).get("language", "?") for f in files)
    formats = Counter(Path(next(read_jsonl(f))["source_file"]).suffix for f in files)
    print(f"interviews {len(files)} by declared language {dict(declared)}; formats {dict(formats)}")
    print(f"gold segments {len(recs)} by language {dict(Counter(r['lang'] for r in recs))}")
    codes = Counter(c for r in recs for c in r["codes"])
    print(f"codes ({len(codes)} distinct, min {min(codes.values())}):", dict(codes.most_common()))
    print("entities:", dict(Counter(e["label"] for r in recs for e in r["entities"]).most_common()))
    print(f"segments with no code: {sum(not r['codes'] for r in recs)}")


if __name__ == "__main__":
    main()
