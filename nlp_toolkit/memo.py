"""A bounded memory of computed values, for per-object caches on hot paths."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class Memo(dict):
    """`memo[key]` is `compute(key)`, computed once; at `limit` entries the memo forgets everything
    and starts afresh. A bound for long-lived processes that costs nothing on a hit (a dict look-up,
    unlike an LRU's bookkeeping); the stages' keys (words, segments) repeat within a batch."""

    def __init__(self, compute: Callable[[Any], Any], limit: int) -> None:
        super().__init__()
        self.compute, self.limit = compute, limit

    def __missing__(self, key: Hashable) -> Any:
        if len(self) >= self.limit:
            self.clear()
        value = self[key] = self.compute(key)
        return value
