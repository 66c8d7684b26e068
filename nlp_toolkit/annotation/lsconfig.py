"""The Label Studio labeling config, generated from the codebook so the two never drift apart.

Names used here (control names, attribute names) are also the contract for push/pull in
labelstudio.py: a span is a `Labels` region on `text`; its MONEY/LOC attributes are per-region
controls sharing the region id; the codes are one multi-choice `Choices` on the whole text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ..codebook import CURRENCIES, LOCATION_KINDS, Codebook, load_codebook

TEXT = "text"          # the <Text> holding the passage (task data key "text")
LABELS = "entities"    # span labels
CODES = "codes"        # segment-level multi-choice
META = "meta"          # interview metadata line shown above the passage (task data key "meta")
QUESTION = "question"  # the interviewer's question before the answer (task data key "question")

# Per-region attributes: (control name, record key, control kind, choices or None), by entity label.
ATTRIBUTES: dict[str, tuple[tuple[str, str, str, tuple[str, ...] | None], ...]] = {
    "MONEY": (("money_role", "role", "choices", None),  # choices filled from the codebook's money roles
              ("money_currency", "currency", "choices", CURRENCIES),
              ("money_low", "low", "number", None),
              ("money_high", "high", "number", None)),
    "LOC": (("loc_norm", "norm", "textarea", None),
            ("loc_country", "country", "textarea", None),
            ("loc_kind", "kind", "choices", LOCATION_KINDS)),
}

# Colour-blind-safe palette (Okabe-Ito plus two), one per label in codebook order.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#F0E442", "#999999", "#882255")


def attribute_choices(cb: Codebook, label: str) -> dict[str, tuple[str, ...]]:
    """Allowed values of each choice attribute of `label` (control name -> values)."""
    return {name: (cb.money_roles if name == "money_role" else values)
            for name, _key, kind, values in ATTRIBUTES.get(label, ()) if kind == "choices"}


def generate_config(cb: Codebook | None = None) -> str:
    """The labeling config XML for `cb` (default: the project codebook), deterministic text."""
    cb = cb or load_codebook()
    if len(cb.entities) > len(PALETTE):
        raise ValueError(f"{len(cb.entities)} entity labels but only {len(PALETTE)} colours in PALETTE")
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$meta", size="6")
    ET.SubElement(view, "Text", name=QUESTION, value="$question", granularity="word")
    ET.SubElement(view, "Text", name=TEXT, value="$text", granularity="symbol")
    labels = ET.SubElement(view, "Labels", name=LABELS, toName=TEXT)
    for i, (label, spec) in enumerate(cb.entities.items()):
        ET.SubElement(labels, "Label", value=label, background=PALETTE[i], hotkey=str(i + 1),
                      hint=" ".join(str(spec.get("definition", "")).split()))
    for label, attrs in ATTRIBUTES.items():
        if label not in cb.entities:
            continue
        box = ET.SubElement(view, "View", visibleWhen="region-selected", whenTagName=LABELS, whenLabelValue=label)
        ET.SubElement(box, "Header", value=f"{label} attributes", size="6")
        choices = attribute_choices(cb, label)
        for name, key, kind, _values in attrs:
            if kind == "choices":
                ctl = ET.SubElement(box, "Choices", name=name, toName=TEXT, perRegion="true", choice="single",
                                    showInline="true", required="false")
                for value in choices[name]:
                    ET.SubElement(ctl, "Choice", value=value)
            elif kind == "number":
                ET.SubElement(box, "Number", name=name, toName=TEXT, perRegion="true", placeholder=key)
            else:
                ET.SubElement(box, "TextArea", name=name, toName=TEXT, perRegion="true", maxSubmissions="1",
                              editable="true", placeholder=key)
    ET.SubElement(view, "Header", value="Codes (any number)", size="6")
    codes = ET.SubElement(view, "Choices", name=CODES, toName=TEXT, choice="multiple", showInline="false")
    for code in cb.codes.values():
        hint = f"ru: {code.ru} | ky: {code.ky} | en: {code.en} | {' '.join(code.definition.split())}"
        ET.SubElement(codes, "Choice", value=code.id, hint=hint)
    ET.indent(view, space="  ")
    return ET.tostring(view, encoding="unicode") + "\n"
