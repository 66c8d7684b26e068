"""Components registered by name, so one config (or a CLI option) can pick them.

    @extractors.register("money")
    class MoneyExtractor: ...

    extractors.create("money")  # -> instance
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import ToolkitError


class Registry:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def deco(factory: Callable[..., Any]) -> Callable[..., Any]:
            self._items[name] = factory
            return factory
        return deco

    def get(self, name: str) -> Callable[..., Any]:
        if name not in self._items:
            raise ToolkitError(f"unknown {self.kind} {name!r} (available: {', '.join(sorted(self._items)) or 'none'})")
        return self._items[name]

    def create(self, name: str, **config: Any) -> Any:
        return self.get(name)(**config)

    def names(self) -> list[str]:
        return sorted(self._items)


extractors = Registry("extractor")
