"""Build the coded dataset: segments/entities/interviews as Parquet plus one SQLite db with FTS5.

Human annotations override model codes per segment; every row says where its codes came from
(source = model / human / adjudicated) and where the text came from (source_file, line range).
Rows are computed chunk by chunk through the engine (local processes or Dask), so the segments and
entities tables are partitioned Parquet directories (`segments.parquet/part-*.parquet`, read by
pandas as one table) and memory stays flat. Everything is written into a temporary directory and
renamed into place, so a failed build never leaves a half-written table or database behind.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..classify.ilo import CARRIED, interview_key, roll_up
from ..codebook import ACTOR_LABELS, Codebook, load_codebook
from ..errors import ToolkitError
from ..extract.places import coordinates
from ..extract.rates import RateTable
from ..segments import year_of
from .citation import citation
from .load import DB_NAME, TABLES

HUMAN_SOURCES = ("human", "adjudicated")
_STR, _INT, _FLOAT, _LIST = pa.string(), pa.int64(), pa.float64(), pa.list_(pa.string())
# Fixed column types, so parts written by different workers always form one table.
SEGMENT_COLUMNS = {
    "id": _STR, "interview_id": _STR, "turn": _INT, "speaker": _STR, "respondent": _STR, "interviewer": _STR,
    "gender": _STR, "age": _INT, "home_region": _STR, "sector": _STR, "place": _STR, "date": _STR,
    "language": _STR, "lang": _STR, "text": _STR, "question": _STR, "source_file": _STR, "line_start": _INT,
    "line_end": _INT, "year": _INT, "codes": _LIST, "actors": _LIST, "places": _LIST, "usd_max": _FLOAT,
    "source": _STR, "annotator": _STR, "model_version": _STR, "citation": _STR, "place_key": _STR}
META = tuple(k for k in SEGMENT_COLUMNS if k in CARRIED or k in (
    "turn", "speaker", "interviewer", "lang", "text", "question", "source_file", "line_start", "line_end"))
ENTITY_ATTRS = {"low": _FLOAT, "high": _FLOAT, "currency": _STR, "role": _STR, "usd_low": _FLOAT,
                "usd_high": _FLOAT, "kzt_low": _FLOAT, "kzt_high": _FLOAT, "norm": _STR, "country": _STR,
                "kind": _STR, "lat": _FLOAT, "lon": _FLOAT}
ENTITY_COLUMNS = {"segment_id": _STR, "interview_id": _STR, "label": _STR, "start": _INT, "end": _INT, "text": _STR,
                  **ENTITY_ATTRS, "norm_key": _STR, "year": _INT, "source": _STR, "source_file": _STR,
                  "line_start": _INT, "line_end": _INT}


def _int(value) -> int | None:
    """Integers as given or as digit strings ("34"); anything else (e.g. "около 40") is unknown."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    return int(value) if str(value).strip().isdigit() else None


def overlay(model: dict, human: dict | None) -> dict:
    """One segment: the model record with its human annotation (if any) laid over it."""
    if human is None:
        return dict(model, source=model.get("source") if model.get("source") in HUMAN_SOURCES else "model")
    src = human.get("source") if human.get("source") in HUMAN_SOURCES else "human"
    merged = {**model, **{k: v for k, v in human.items() if v is not None}, "source": src}
    merged["scores"] = model.get("scores")
    merged["model_version"] = model.get("model_version")
    return merged


def merge(model: Iterable[dict], human: Iterable[dict] = ()) -> list[dict]:
    """Model records with human codes/entities laid over them by segment id; marks `source`."""
    by_id = {r["id"]: r for r in model}
    humans = {h["id"]: h for h in human}
    return [overlay(r, humans.get(i)) for i, r in by_id.items()] + \
           [overlay({}, h) for i, h in humans.items() if i not in by_id]


def _place(ent: dict) -> dict:
    """Fill coordinates a place span lacks (hand-coded gold has norm, country and kind only)."""
    if ent.get("label") != "LOC" or ent.get("lat") is not None or not ent.get("norm"):
        return ent
    lat, lon = coordinates(ent["norm"], ent.get("country"), ent.get("kind"))
    return ent if lat is None else {**ent, "lat": lat, "lon": lon}


def _money(ent: dict, year: int | None, rates: RateTable) -> dict:
    """Fill USD/KZT values a record lacks (e.g. hand-coded gold) from the shipped rate table."""
    if ent.get("label") != "MONEY" or ent.get("usd_low") is not None or not ent.get("currency"):
        return ent
    ent = dict(ent)
    try:
        for side in ("low", "high"):
            if ent.get(side) is not None:
                ent[f"usd_{side}"] = rates.to_usd(ent[side], ent["currency"], year)
                ent[f"kzt_{side}"] = rates.to_kzt(ent[side], ent["currency"], year)
    except ToolkitError:
        pass  # an unknown currency stays unconverted; the raw amount is still in the table
    return ent


def segment_schema(cb: Codebook) -> pa.Schema:
    return pa.schema([*SEGMENT_COLUMNS.items(), *((f"code_{c}", pa.bool_()) for c in cb.codes),
                      *((f"score_{c}", _FLOAT) for c in cb.codes)])


ENTITY_SCHEMA = pa.schema(list(ENTITY_COLUMNS.items()))


class TableRows:
    """Engine stage: coded records of one chunk -> their rows of the segments and entities tables."""

    def __init__(self, human_files: tuple[str, ...] = (), codebook: Codebook | None = None) -> None:
        from ..io import read_jsonl
        self.cb = codebook or load_codebook()
        self.rates = RateTable.load()
        self.human = {h["id"]: h for f in human_files for h in read_jsonl(f)}
        self.schemas = {"segments": segment_schema(self.cb), "entities": ENTITY_SCHEMA}

    def rows(self, rec: dict) -> tuple[dict, list[dict]]:
        cb, year = self.cb, year_of(rec)
        codes = [cb.check_code(c, rec["id"]) for c in rec.get("codes") or ()]
        ents = [_place(_money(e, year, self.rates)) for e in rec.get("entities") or ()]
        for e in ents:
            cb.check_label(e["label"], rec["id"])
        usd = [v for e in ents if e["label"] == "MONEY" for v in (e.get("usd_low"), e.get("usd_high")) if v is not None]
        scores = rec.get("scores") or {}
        row = {"id": rec["id"], **{k: rec.get(k) for k in META}, "interview_id": interview_key(rec), "year": year,
               "age": _int(rec.get("age")), "turn": _int(rec.get("turn")),
               "codes": codes, "actors": sorted({e["label"] for e in ents if e["label"] in ACTOR_LABELS}),
               "places": sorted({e.get("norm") or e["text"] for e in ents if e["label"] == "LOC"}),
               "usd_max": max(usd) if usd else None, "source": rec.get("source", "model"),
               "annotator": rec.get("annotator"), "model_version": rec.get("model_version"),
               "citation": citation(rec), "place_key": str(rec.get("place") or "").casefold()}
        for c in cb.codes:
            row[f"code_{c}"] = c in codes
            row[f"score_{c}"] = scores.get(c)
        entities = [{"segment_id": rec["id"], "interview_id": row["interview_id"], "label": e["label"],
                     "start": e["start"], "end": e["end"], "text": e["text"], **{k: e.get(k) for k in ENTITY_ATTRS},
                     "norm_key": str(e.get("norm") or e["text"]).casefold(), "year": year, "source": row["source"],
                     "source_file": rec.get("source_file"), "line_start": rec.get("line_start"),
                     "line_end": rec.get("line_end")} for e in ents]
        return row, entities

    def process(self, records: list[dict]) -> dict[str, pa.Table]:
        segs, ents = [], []
        for rec in records:
            seg, spans = self.rows(overlay(rec, self.human.get(rec["id"])))
            segs.append(seg)
            ents.extend(spans)
        return {"segments": pa.Table.from_pylist(segs, self.schemas["segments"]),
                "entities": pa.Table.from_pylist(ents, self.schemas["entities"])}

    def write_part(self, tables: dict[str, pa.Table], out_dir: Path, name: str) -> tuple[int, Path]:
        """One part per table (`segments.parquet/part-NAME.parquet`); the count is segments."""
        for table, data in tables.items():
            (out_dir / f"{table}.parquet").mkdir(exist_ok=True)
            pq.write_table(data, out_dir / f"{table}.parquet" / f"part-{name}.parquet")
        return tables["segments"].num_rows, out_dir / "segments.parquet" / f"part-{name}.parquet"


def _interviews(parts: Path, cb: Codebook) -> pd.DataFrame:
    """ILO roll-up per interview from the segments table (only the columns it needs are read)."""
    cols = ["id", "interview_id", "codes", "source", "source_file", "year", *(c for c in CARRIED if c in SEGMENT_COLUMNS)]
    table = pq.read_table(parts, columns=cols)
    records = [{k: v for k, v in r.items() if v is not None} for r in table.drop_columns(["source", "source_file", "year"]).to_pylist()]
    seg = table.select(["interview_id", "source", "source_file", "year"]).to_pandas()
    rows = []
    first = seg.groupby("interview_id", sort=False).agg(source_file=("source_file", "first"), year=("year", "first"),
                                                          sources=("source", lambda s: sorted(set(s))))
    for iv in roll_up(records, cb):
        dims = iv.pop("ilo_dimensions")
        iv.pop("note")
        iv.update({f"ilo_{d}": v["evidence"] for d, v in dims.items()})
        info = first.loc[iv["interview_id"]]
        iv.update(year=year_of(iv) or _int(info.year), source_file=info.source_file, sources=info.sources)
        rows.append(iv)
    return pd.DataFrame(rows)


def _flat(df: pd.DataFrame) -> pd.DataFrame:
    """List columns as JSON arrays (Datasette facets them)."""
    df = df.copy()
    for col in df.columns:
        if df[col].map(lambda v: hasattr(v, "__len__") and not isinstance(v, str)).any():
            df[col] = df[col].map(lambda v: json.dumps(list(v), ensure_ascii=False) if v is not None else None)
    return df


def _sqlite(out: Path, path: Path) -> None:
    """The tables streamed part by part into SQLite; FTS5 indexes segment text."""
    con = sqlite3.connect(path)
    try:
        for name in TABLES:
            src = out / f"{name}.parquet"
            parts = sorted(src.glob("part-*.parquet")) if src.is_dir() else [src]
            for part in parts:
                _flat(pq.read_table(part).to_pandas()).to_sql(name, con, index=False, if_exists="append")
        # Filters join on the segments' rowid (integers, in input order), so a query reads its first
        # matches in order and stops at the limit instead of sorting every match.
        con.executescript("""
            CREATE UNIQUE INDEX ix_seg ON segments(id);
            CREATE TABLE segment_codes AS SELECT s.rowid AS seg_rowid, s.id AS segment_id, j.value AS code
                FROM segments s, json_each(s.codes) j;
            CREATE INDEX ix_sc ON segment_codes(code, seg_rowid);
            ALTER TABLE entities ADD COLUMN seg_rowid INTEGER;
            UPDATE entities SET seg_rowid = (SELECT rowid FROM segments WHERE id = entities.segment_id);
            CREATE INDEX ix_seg_lang ON segments(lang, year);
            CREATE INDEX ix_ent_seg ON entities(segment_id);
            CREATE INDEX ix_ent_label ON entities(label, seg_rowid);
            CREATE INDEX ix_ent_norm ON entities(norm_key, label, seg_rowid);
            CREATE INDEX ix_seg_place ON segments(place_key);
            CREATE VIRTUAL TABLE segments_fts USING fts5(text, content='segments', content_rowid='rowid',
                tokenize='unicode61 remove_diacritics 2');
            INSERT INTO segments_fts(rowid, text) SELECT rowid, text FROM segments;
        """)
        con.commit()
    finally:
        con.close()


def _publish(tmp: Path, out: Path) -> None:
    """Move the finished tables and database into `out`, replacing an older build."""
    for name in (*[f"{t}.parquet" for t in TABLES], DB_NAME):
        target = out / name
        if target.is_dir():
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=out))
            target.rename(old / name)
        os.replace(tmp / name, target)


def _finish(tmp: Path, out: Path, cb: Codebook) -> dict[str, int]:
    """Interviews table, database, then publish; returns row counts per table."""
    seg_dir = tmp / "segments.parquet"
    if not any(seg_dir.glob("part-*.parquet")):
        raise ToolkitError("no segment records to build a dataset from")
    _interviews(seg_dir, cb).to_parquet(tmp / "interviews.parquet", index=False)
    _sqlite(tmp, tmp / DB_NAME)
    counts = {t: pq.ParquetDataset(tmp / f"{t}.parquet").read(columns=[]).num_rows for t in TABLES}
    _publish(tmp, out)
    return counts


def _staging(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".build-", dir=out))


def _cleanup(out: Path, tmp: Path) -> None:
    shutil.rmtree(tmp, ignore_errors=True)
    for old in out.glob(".old-*"):
        shutil.rmtree(old, ignore_errors=True)


def build(records: list[dict], out_dir: str | os.PathLike, cb: Codebook | None = None) -> dict[str, int]:
    """Build from records in memory (already merged with `merge`); returns row counts per table."""
    if not records:
        raise ToolkitError("no segment records to build a dataset from")
    out, stage = Path(out_dir), TableRows(codebook=cb)
    tmp = _staging(out)
    try:
        stage.write_part(stage.process(records), tmp, "memory")
        return _finish(tmp, out, stage.cb)
    finally:
        _cleanup(out, tmp)


def build_from(inputs: list[str | os.PathLike], out_dir: str | os.PathLike, human: Iterable[str | os.PathLike] = (),
               engine: str = "local", processes: int = 0, scheduler: str | None = None,
               progress: bool = False) -> dict[str, int]:
    """Build from coded shards (files, directories or globs of JSONL/Parquet) through the engine.

    `human`: JSONL files or directories of them. Segments only in the human files (not in the model
    output) are added too. A failing chunk stops
    the build with its shard and line, and the previous dataset stays in place.
    """
    from ..engine.run import run
    out = Path(out_dir)
    human = tuple(str(f) for h in map(Path, human) for f in (sorted(h.glob("*.jsonl")) if h.is_dir() else [h]))
    factory = functools.partial(TableRows, human)
    tmp = _staging(out)
    try:
        report = run(factory, list(inputs), tmp, engine=engine, processes=processes, scheduler=scheduler,
                     progress=progress)
        if report.failed:
            raise ToolkitError(f"{len(report.failed)} chunk(s) failed, dataset not written: " + "; ".join(report.failed))
        stage = factory()
        seen = set(pq.read_table(tmp / "segments.parquet", columns=["id"]).column("id").to_pylist())
        extra = [overlay({}, h) for i, h in stage.human.items() if i not in seen]
        if extra:
            stage.write_part(stage.process(extra), tmp, "human-only")
        return _finish(tmp, out, stage.cb)
    finally:
        _cleanup(out, tmp)
