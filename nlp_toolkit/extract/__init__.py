"""Entity extraction: money amounts, actors, places. Each extractor is a registered callable

    extractor(text: str, lang: str | None = None) -> list[dict]

returning entity dicts in the segment format (start, end, text, label + the label's attributes).
"""
