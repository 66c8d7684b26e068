"""Summaries of the coded dataset shared by the analyst notebooks (notebooks/), so each figure's
numbers come from one tested function instead of code repeated in cells.

All functions take the DataFrames of `nlp_toolkit.dataset.load()` and return DataFrames/Series.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import pandas as pd

from ..codebook import ACTOR_LABELS, load_codebook
from ..text import fold, normalise

CODE_PREFIX = "code_"
SOURCES = ("model", "human", "adjudicated")
PAYMENT_ROLES = ("bribe", "fee")
NO_ACTOR = "no actor named"
DATA_ENV = "NLP_TOOLKIT_DATA"
DEFAULT_DATA = "../data/coded"  # what `make demo` writes, seen from notebooks/


def data_dir() -> Path:
    """The dataset the notebooks read: $NLP_TOOLKIT_DATA, else ../data/coded (relative to notebooks/)."""
    return Path(os.environ.get(DATA_ENV) or DEFAULT_DATA)


def code_matrix(segments: pd.DataFrame) -> pd.DataFrame:
    """Segments x codes, True where the segment has the code (index: segment id)."""
    cols = [c for c in segments.columns if c.startswith(CODE_PREFIX)]
    out = segments.set_index("id")[cols].fillna(False).astype(bool)
    out.columns = [c.removeprefix(CODE_PREFIX) for c in cols]
    return out


def code_counts(segments: pd.DataFrame) -> pd.Series:
    """Segments per code, most frequent first."""
    return code_matrix(segments).sum().astype(int).sort_values(ascending=False, kind="stable")


def code_shares(segments: pd.DataFrame, by: str) -> pd.DataFrame:
    """Share of each group's segments that carry each code (groups x codes), so groups of different
    sizes compare; groups are the values of column `by` (missing values form no group)."""
    codes = code_matrix(segments)
    groups = segments.set_index("id")[by]
    return codes.groupby(groups).mean()


def co_occurrence(segments: pd.DataFrame) -> pd.DataFrame:
    """Codes x codes: segments carrying both codes; the diagonal is each code's own count.
    Codes no segment carries are left out, so the heatmap stays readable."""
    m = code_matrix(segments).astype(int)
    m = m.loc[:, m.sum() > 0]
    return m.T @ m


def coverage(segments: pd.DataFrame) -> pd.DataFrame:
    """Per interview: segments whose codes come from the model, a human annotator, or adjudication."""
    table = pd.crosstab(segments["interview_id"], segments["source"])
    return table.reindex(columns=list(SOURCES), fill_value=0)


def human_share(segments: pd.DataFrame) -> float:
    """Share of segments whose codes a person set (human or adjudicated), 0..1."""
    return float(segments["source"].isin(SOURCES[1:]).mean()) if len(segments) else 0.0


def sector_or_place(segments: pd.DataFrame) -> str:
    """`sector` when the interviews record one, else the interview place (the demo corpus has no sector)."""
    return "sector" if "sector" in segments and segments["sector"].notna().any() else "place"


@functools.lru_cache(maxsize=1)
def _places_extractor():
    from ..pipeline import DEFAULT_CONFIG, make_extractor
    return make_extractor("places", **DEFAULT_CONFIG["places"])


def _listed(name: str) -> list:
    """Gazetteer places that `name` (a norm, one of the names, or a Russian spelling) stands for."""
    from ..extract.places import load_gazetteer
    return load_gazetteer().by_key.get(fold(normalise(name)), [])


@functools.lru_cache(maxsize=4096)
def region_of(home: str) -> str:
    """The region (oblast) a free-text home place names, as the gazetteer's canonical norm, so that
    "Ош облусу, Ноокат району" and "Ошская область, ..." group together (and a Russian spelling such as
    Жалал-Абадская stays with Джалал-Абадская); else the text as written."""
    for found in _places_extractor()(home):
        if found.get("kind") == "region":
            same = [p for p in _listed(found["norm"]) if p.kind == "region"]
            return same[0].norm if same else found["norm"]
    return home


def home_regions(segments: pd.DataFrame) -> pd.Series:
    """`home_region` of every segment reduced to its region (see `region_of`)."""
    return segments["home_region"].map(lambda h: region_of(h) if isinstance(h, str) and h.strip() else None)


def ilo_evidence(segments: pd.DataFrame) -> pd.DataFrame:
    """Interviews x ILO dimensions: segments carrying a code that gives evidence of the dimension
    (the codebook maps codes to dimensions); > 0 exactly where the interviews table says True."""
    cb = load_codebook()
    codes = code_matrix(segments)
    dims = pd.DataFrame({d: codes[[c for c in codes.columns if d in cb.codes[c].ilo]].any(axis=1) for d in cb.ilo})
    return dims.groupby(segments.set_index("id")["interview_id"]).sum().astype(int).sort_index()


def usd(entities: pd.DataFrame) -> pd.Series:
    """One USD figure per amount: the middle of a range ("5-10 тысяч"), else the amount."""
    return entities[["usd_low", "usd_high"]].mean(axis=1)


def payments(entities: pd.DataFrame, roles: tuple[str, ...] = PAYMENT_ROLES) -> pd.DataFrame:
    """Amounts with one of `roles`, each given to the actor mentioned nearest to it in the same segment
    (NO_ACTOR when the segment names none): segment_id, interview_id, year, role, text, currency, usd, actor."""
    money = entities[(entities["label"] == "MONEY") & entities["role"].isin(roles)].reset_index(drop=True)
    money["usd"] = usd(money)
    actors = entities.loc[entities["label"].isin(ACTOR_LABELS), ["segment_id", "label", "start", "end"]]
    pairs = money.assign(row=money.index).merge(actors, on="segment_id", suffixes=("", "_actor"))
    pairs["gap"] = (pairs[["start", "start_actor"]].max(axis=1) - pairs[["end", "end_actor"]].min(axis=1)).clip(lower=0)
    nearest = pairs.sort_values(["row", "gap"], kind="stable").drop_duplicates("row").set_index("row")
    money["actor"] = nearest["label_actor"].reindex(money.index).fillna(NO_ACTOR)
    return money[["segment_id", "interview_id", "year", "role", "text", "currency", "usd", "actor"]]


def place_counts(segments: pd.DataFrame, entities: pd.DataFrame, coded_only: bool = True) -> pd.DataFrame:
    """Places mentioned (LOC entities, by norm) with the number of distinct segments mentioning them
    (only segments with at least one code when `coded_only`), most mentioned first. Coordinates are the
    entities' (the dataset build fills them from the gazetteer for hand-coded places); lat/lon stay empty
    for places the gazetteer does not list (e.g. rule-built market names)."""
    loc = entities[entities["label"] == "LOC"].copy()
    if coded_only:
        coded = segments.loc[segments["codes"].map(len) > 0, "id"]
        loc = loc[loc["segment_id"].isin(coded)]
    loc["norm"] = loc["norm"].fillna(loc["text"])
    table = (loc.groupby(["norm", "country", "kind"], dropna=False)
             .agg(segments=("segment_id", "nunique"), lat=("lat", "first"), lon=("lon", "first"))
             .reset_index().sort_values(["segments", "norm"], ascending=[False, True], kind="stable"))
    return table.reset_index(drop=True)


def heatmap(ax, frame: pd.DataFrame, fmt: str = "{:.0f}", cmap: str = "Blues") -> None:
    """`frame` drawn as a labelled grid with its values written in the cells (matplotlib axes `ax`)."""
    values = frame.astype(float).to_numpy()
    ax.imshow(values, cmap=cmap, aspect="auto")
    ax.set_xticks(range(frame.shape[1]), [str(c) for c in frame.columns], rotation=60, ha="right")
    ax.set_yticks(range(frame.shape[0]), [str(i) for i in frame.index])
    top = values.max() if values.size else 0
    for (r, c), v in pd.DataFrame(values).stack().items():
        ax.text(c, r, fmt.format(v), ha="center", va="center", fontsize=7,
                color="white" if top and v > top * 0.6 else "black")
