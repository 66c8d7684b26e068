"""What every evaluation script shares: where the shared material is, and its helper modules.

../shared/eval holds text written by others: it is read to measure, never copied into the project.
"""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
EXTERNAL = EVAL / "external"
GOLD_SOURCES = ROOT / "annotation" / "gold" / "source"


@functools.cache
def shared_module(name: str) -> ModuleType:
    """A helper script of ../shared by name: "score" (tools/score.py), "check_external" (eval/external)."""
    path = {"score": SHARED / "tools" / "score.py", "check_external": EXTERNAL / "check_external.py"}[name]
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod
