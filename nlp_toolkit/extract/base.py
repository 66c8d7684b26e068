"""What every extractor shares: building entity dicts and resolving overlapping spans."""

from __future__ import annotations

from collections.abc import Iterable


def entity(text: str, start: int, end: int, label: str, **attrs) -> dict:
    """An entity dict whose `text` is exactly `text[start:end]`."""
    return {"start": start, "end": end, "text": text[start:end], "label": label, **attrs}


def resolve_overlaps(entities: Iterable[dict], priority: dict[str, int] | None = None) -> list[dict]:
    """Keep a non-overlapping subset: longer spans win, then higher label priority, then earlier start."""
    priority = priority or {}
    ranked = sorted(entities, key=lambda e: (-(e["end"] - e["start"]), -priority.get(e["label"], 0), e["start"]))
    kept: list[dict] = []
    for e in ranked:
        if all(e["end"] <= k["start"] or k["end"] <= e["start"] for k in kept):
            kept.append(e)
    return sorted(kept, key=lambda e: (e["start"], e["end"]))
