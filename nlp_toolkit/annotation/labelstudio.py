"""Drive a Label Studio server (SDK 2.x): create/update a project, push segments, pull annotations.

Tasks carry the segment id as their stable key, so pushing twice adds nothing; pushing never edits
or deletes annotations. Offsets: Label Studio (>= 1.x frontend) stores span offsets in Unicode code
points, the same as Python `str` indices; annotations made by older frontends counted UTF-16 units,
so pull accepts those too when (and only when) they reproduce the region's text exactly.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Iterable, Iterator

import httpx
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

from ..codebook import Codebook, load_codebook
from ..errors import ToolkitError
from . import lsconfig
from .lsconfig import ATTRIBUTES, CODES, LABELS, TEXT
from .server import ENV_TOKEN, ENV_URL

META_KEYS = ("interview_id", "turn", "respondent", "gender", "age", "home_region", "place", "date", "lang")
ADJUDICATOR = "adjudicated"


@contextlib.contextmanager
def api(what: str) -> Iterator[None]:
    """Turn SDK/HTTP failures into one ToolkitError line (never echoing headers, cookies or the token)."""
    try:
        yield
    except ApiError as exc:
        if exc.status_code in (401, 403):
            raise ToolkitError(f"{what}: Label Studio rejected the API token (HTTP {exc.status_code}); "
                               f"check {ENV_TOKEN}") from None
        body = exc.body if isinstance(exc.body, dict) else {"detail": str(exc.body)[:300]}
        detail = body.get("validation_errors") or body.get("detail") or body
        raise ToolkitError(f"{what}: Label Studio answered HTTP {exc.status_code}: {detail}") from None
    except httpx.HTTPError as exc:
        raise ToolkitError(f"{what}: Label Studio not reachable ({type(exc).__name__}); start it with "
                           f"`nlp-toolkit ls serve` or set {ENV_URL}") from None


def connect(url: str | None = None, api_key: str | None = None, timeout: float = 60) -> LabelStudio:
    """A client for `url` (default $LABEL_STUDIO_URL) with `api_key` (default $LABEL_STUDIO_API_KEY), checked."""
    url = url or os.environ.get(ENV_URL)
    api_key = api_key or os.environ.get(ENV_TOKEN)
    if not url or not api_key:
        raise ToolkitError(f"set {ENV_URL} and {ENV_TOKEN} (or start a server with `nlp-toolkit ls serve`)")
    client = LabelStudio(base_url=url.rstrip("/"), api_key=api_key, timeout=timeout)
    with api(f"connecting to {url}"):
        client.users.whoami()
    return client


def find_project(client: LabelStudio, title: str):
    """The project titled exactly `title`, or None."""
    with api("listing projects"):
        return next((p for p in client.projects.list(title=title) if p.title == title), None)


def require_project(client: LabelStudio, title: str, cb: Codebook):
    """The project `title`, checked to still use the config generated from the codebook."""
    project = find_project(client, title)
    if project is None:
        raise ToolkitError(f"Label Studio has no project {title!r} (push segments first)")
    with api(f"reading project {title!r}"):
        config = client.projects.get(project.id).label_config
    if (config or "").strip() != lsconfig.generate_config(cb).strip():  # the server drops the final newline
        raise ToolkitError(f"project {title!r}: its labeling config no longer matches the codebook {cb.path}; "
                           f"run `nlp-toolkit ls push` to update it")
    return project


def ensure_project(client: LabelStudio, title: str, cb: Codebook):
    """Create project `title` with the codebook's config, or update its config when it differs."""
    config = lsconfig.generate_config(cb)
    project = find_project(client, title)
    with api(f"creating/updating project {title!r}"):
        if project is None:
            return client.projects.create(title=title, label_config=config,
                                          description="Segments of interview testimony (nlp-toolkit)")
        if (client.projects.get(project.id).label_config or "").strip() != config.strip():
            client.projects.update(project.id, label_config=config)
    return project


def task_data(rec: dict) -> dict:
    """Task data for one segment: the passage, its stable key, a metadata line and the full record."""
    meta = " · ".join(f"{k}: {rec[k]}" for k in META_KEYS if rec.get(k) not in (None, ""))
    record = {k: v for k, v in rec.items() if not k.startswith("_") and k not in ("codes", "entities", "scores",
                                                                                     "model_version")}
    return {"text": rec["text"], "segment_id": str(rec["id"]), "meta": f"{rec['id']} · {meta}",
            "question": rec.get("question") or "", "record": record}


def to_result(rec: dict) -> list[dict]:
    """Label Studio result items for a record's entities (with attributes) and codes."""
    out: list[dict] = []
    for i, ent in enumerate(rec.get("entities") or ()):
        rid = f"{rec['id']}-e{i}"
        span = {"start": ent["start"], "end": ent["end"], "text": ent["text"]}
        out.append({"id": rid, "from_name": LABELS, "to_name": TEXT, "type": "labels",
                    "value": {**span, "labels": [ent["label"]]}})
        for name, key, kind, _values in ATTRIBUTES.get(ent["label"], ()):
            if ent.get(key) is None:
                continue
            value = {"choices": [ent[key]]} if kind == "choices" else (
                {"number": ent[key]} if kind == "number" else {"text": [str(ent[key])]})
            out.append({"id": rid, "from_name": name, "to_name": TEXT, "type": kind,
                        "value": {"start": ent["start"], "end": ent["end"], **value}})
    if rec.get("codes"):
        out.append({"id": f"{rec['id']}-codes", "from_name": CODES, "to_name": TEXT, "type": "choices",
                    "value": {"choices": list(rec["codes"])}})
    return out


def _field(obj, key: str):
    """SDK items are dicts or pydantic models depending on the endpoint."""
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _all_tasks(client: LabelStudio, project_id: int) -> list:
    with api("listing tasks"):
        return list(client.tasks.list(project=project_id, fields="all", page_size=500))


def push(client: LabelStudio, title: str, segments: Iterable[dict], predictions: Iterable[dict] = (),
         cb: Codebook | None = None) -> dict[str, int]:
    """Create/update the project, import new segments, attach new predictions; returns counts.

    Idempotent: segments whose id is already a task are skipped (their text must be unchanged),
    a prediction is added only if the task has none with the same model_version; annotations are
    never touched.
    """
    cb = cb or load_codebook()
    segments = list(segments)
    preds = {str(p["id"]): p for p in predictions}
    for p in preds.values():
        for code in p.get("codes") or ():
            cb.check_code(code, f"prediction {p['id']}")
        for ent in p.get("entities") or ():
            cb.check_label(ent.get("label"), f"prediction {p['id']}")
    project = ensure_project(client, title, cb)
    existing = {t.data.get("segment_id"): t for t in _all_tasks(client, project.id)}
    new = []
    for rec in segments:
        old = existing.get(str(rec["id"]))
        if old is None:
            new.append(task_data(rec))
        elif old.data.get("text") != rec["text"]:
            raise ToolkitError(f"segment {rec['id']}: text differs from the task already in project {title!r}; "
                               f"existing annotations would no longer fit (use a new project)")
    if new:
        with api(f"importing tasks into {title!r}"):
            client.projects.import_tasks(project.id, request=new)
    tasks = {t.data.get("segment_id"): t for t in _all_tasks(client, project.id)}
    added = 0
    for sid, pred in preds.items():
        task = tasks.get(sid)
        if task is None:
            raise ToolkitError(f"prediction {sid}: no segment with this id was pushed to {title!r}")
        version = str(pred.get("model_version") or "unknown")
        if any(_field(p, "model_version") == version for p in (task.predictions or [])):
            continue
        with api(f"adding prediction for {sid}"):
            client.predictions.create(task=task.id, result=to_result({**pred, "text": task.data["text"]}),
                                      model_version=version, score=_mean_score(pred))
        added += 1
    return {"tasks_new": len(new), "tasks_total": len(tasks), "predictions_new": added}


def _mean_score(pred: dict) -> float | None:
    scores = [v for c, v in (pred.get("scores") or {}).items() if c in (pred.get("codes") or ())]
    return sum(scores) / len(scores) if scores else None


def code_point_span(text: str, start: int, end: int, span_text: str | None) -> tuple[int, int]:
    """(start, end) as Python indices: as given, or converted from UTF-16 units if that reproduces the text."""
    if span_text is None or text[start:end] == span_text:
        return start, end
    units = [0]
    for ch in text:
        units.append(units[-1] + (2 if ord(ch) > 0xFFFF else 1))
    pos = {u: i for i, u in enumerate(units)}
    s, e = pos.get(start), pos.get(end)
    if s is not None and e is not None and text[s:e] == span_text:
        return s, e
    raise ValueError(f"span [{start}, {end}) does not reproduce its text {span_text!r}")


def _number(v):
    return int(v) if isinstance(v, float) and v.is_integer() else v


def from_result(text: str, result: list[dict], cb: Codebook, where: str) -> tuple[list[str], list[dict]]:
    """(codes, entities) from one annotation's result items; unknown labels/codes raise ToolkitError."""
    codes: list[str] = []
    spans: dict[str, dict] = {}
    attrs: dict[str, dict] = {}
    for item in result:
        name, value = item.get("from_name"), item.get("value") or {}
        if name == CODES:
            codes = [cb.check_code(c, where) for c in value.get("choices") or ()]
        elif name == LABELS:
            label = cb.check_label((value.get("labels") or [None])[0], where)
            try:
                s, e = code_point_span(text, value["start"], value["end"], value.get("text"))
            except ValueError as exc:
                raise ToolkitError(f"{where}: {exc}") from None
            spans[item["id"]] = {"start": s, "end": e, "text": text[s:e], "label": label}
        else:
            attrs.setdefault(item["id"], {})[name] = value
    entities = []
    for rid, ent in spans.items():
        given = attrs.get(rid, {})
        for name, key, kind, _values in ATTRIBUTES.get(ent["label"], ()):
            v = given.get(name, {})
            raw = {"choices": (v.get("choices") or [None])[0], "number": v.get("number"),
                   "textarea": (v.get("text") or [None])[0] if isinstance(v.get("text"), list) else None}[kind]
            ent[key] = _number(raw)
        entities.append(ent)
    entities.sort(key=lambda e: (e["start"], e["end"], e["label"]))
    return codes, entities


def adjudicate(records: list[dict]) -> dict:
    """Majority codes and the spans a majority of annotators agree on (same offsets and label)."""
    n = len(records)
    code_votes = Counter(c for r in records for c in set(r["codes"]))
    span_votes = Counter((e["start"], e["end"], e["label"]) for r in records for e in r["entities"])
    first = {}
    for r in records:
        for e in r["entities"]:
            first.setdefault((e["start"], e["end"], e["label"]), e)
    codes = [c for c in records[0]["codes"] + [c for r in records[1:] for c in r["codes"]] if code_votes[c] * 2 > n]
    return {**{k: v for k, v in records[0].items() if k not in ("annotation_id", "created_at", "updated_at")},
            "codes": list(dict.fromkeys(codes)),
            "entities": sorted((first[k] for k, v in span_votes.items() if v * 2 > n),
                               key=lambda e: (e["start"], e["end"], e["label"])),
            "annotator": ADJUDICATOR, "adjudicated": True, "annotators": [r["annotator"] for r in records]}


def pull(client: LabelStudio, title: str, cb: Codebook | None = None) -> list[dict]:
    """Segment records from the project's annotations: one per annotator, plus an adjudicated one when several."""
    cb = cb or load_codebook()
    project = require_project(client, title, cb)
    with api("listing users"):
        users = {u.id: (u.email or u.username or str(u.id)) for u in client.users.list()}
    out: list[dict] = []
    for task in sorted(_all_tasks(client, project.id), key=lambda t: t.id):
        data = task.data
        base = dict(data.get("record") or {"id": data.get("segment_id"), "text": data["text"]})
        per_task = []
        for ann in task.annotations or []:
            if _field(ann, "was_cancelled"):
                continue
            where = f"project {title!r}, segment {base['id']}, annotation {_field(ann, 'id')}"
            codes, entities = from_result(data["text"], _field(ann, "result") or [], cb, where)
            who = _field(ann, "completed_by")
            who = who.get("email") if isinstance(who, dict) else users.get(who, str(who))
            per_task.append({**base, "codes": codes, "entities": entities, "annotator": who,
                             "annotation_id": _field(ann, "id"), "created_at": _field(ann, "created_at"),
                             "updated_at": _field(ann, "updated_at")})
        out.extend(per_task)
        if len(per_task) > 1:
            out.append(adjudicate(per_task))
    return out


def to_docbin(records: list[dict]):
    """A spaCy DocBin for training: the adjudicated record of each segment, else its only annotation.

    Codes become doc.cats (1.0/0.0 over the codebook), entities doc.ents (overlaps: longest first wins).
    """
    import spacy
    from spacy.tokens import DocBin
    cb = load_codebook()
    chosen: dict[str, dict] = {}
    for r in records:
        if r.get("adjudicated") or r["id"] not in chosen:
            chosen[r["id"]] = r
    nlp = spacy.blank("xx")
    db = DocBin(store_user_data=True)
    for rec in chosen.values():
        doc = nlp.make_doc(rec["text"])
        spans, taken = [], set()
        for e in sorted(rec["entities"], key=lambda e: e["start"] - e["end"]):
            span = doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="expand")
            if span is not None and not taken & set(range(span.start, span.end)):
                spans.append(span)
                taken |= set(range(span.start, span.end))
        doc.ents = sorted(spans, key=lambda s: s.start)
        doc.cats = {c: float(c in rec["codes"]) for c in cb.codes}
        doc.user_data["id"] = rec["id"]
        db.add(doc)
    return db

