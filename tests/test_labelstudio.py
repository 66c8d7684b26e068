"""Label Studio integration against a REAL local server (started here on a free loopback port).

In CI (CI=true) a missing server install is a failure; elsewhere the server tests are skipped.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nlp_toolkit.annotation import labelstudio as ls
from nlp_toolkit.annotation.lsconfig import generate_config
from nlp_toolkit.annotation.server import free_port, find_label_studio, start_server
from nlp_toolkit.codebook import load_codebook
from nlp_toolkit.errors import ToolkitError

ROOT = Path(__file__).resolve().parent.parent
ADMIN = "admin@example.org"

# (text, codes, entities as (substring, label, attributes)); texts written for these tests.
SEGMENTS = [
    ("Хозяин забрал паспорта 😡 и не отдаёт.", ["document_retention"], [("Хозяин", "EMPLOYER", {})]),
    ("Кожоюн паспортторду алып койду 😢, үч ай акча бербей коюшту.", ["document_retention", "wage_theft"],
     [("Кожоюн", "EMPLOYER", {})]),
    ("На границе в Кордае 🚧 отдали 2000 тенге пограничникам.", ["bribery_extortion"],
     [("Кордае", "LOC", {"norm": "Кордай", "country": "KZ", "kind": "border_crossing"}),
      ("2000 тенге", "MONEY", {"low": 2000, "high": 2000, "currency": "KZT", "role": "bribe"}),
      ("пограничникам", "BORDER_GUARD", {})]),
    ("Ортомчуга 300 доллар төлөдүк 💸 Бишкекте.", ["recruitment_fees"],
     [("300 доллар", "MONEY", {"low": 300, "high": 300, "currency": "USD", "role": "fee"}),
      ("Бишкекте", "LOC", {"norm": "Бишкек", "country": "KG", "kind": "city"})]),
    ("Полиция 👮 остановила нас на рынке, требовали 5-10 тысяч тенге.", ["bribery_extortion"],
     [("Полиция", "POLICE", {}),
      ("5-10 тысяч тенге", "MONEY", {"low": 5000, "high": 10000, "currency": "KZT", "role": "bribe"})]),
    ("Өзгөн районунан келдим, үйдө эч ким жок.", [], [("Өзгөн", "LOC", {"norm": "Узген", "country": "KG",
                                                                         "kind": "district"})]),
    ("Прораб обещал договор, а работали без договора.", ["no_contract", "deceptive_recruitment"],
     [("Прораб", "EMPLOYER", {})]),
    ("Регистрации не было 🙈, боялись выходить.", ["irregular_status"], []),
    ("Консул 🇰🇬 ничем не помог.", [], [("Консул", "OFFICIAL", {})]),
    ("Айлыгыбызды 3 ай бербей коюшту, 45 миң теңге карыз.", ["wage_theft"],
     [("45 миң теңге", "MONEY", {"low": 45000, "high": 45000, "currency": "KZT", "role": "wage"})]),
]
SEGMENTS = SEGMENTS + [(t + " 👍🏽", c, e) for t, c, e in SEGMENTS]  # 20, with a skin-tone modifier too


def records() -> list[dict]:
    out = []
    for i, (text, codes, ents) in enumerate(SEGMENTS):
        entities = []
        for sub, label, attrs in ents:
            start = text.index(sub)
            entities.append({"start": start, "end": start + len(sub), "text": sub, "label": label, **attrs})
        out.append({"id": f"lst{i:02d}-s001", "interview_id": f"lst{i:02d}", "turn": 2, "speaker": "respondent",
                    "lang": "ky" if i % 10 in (1, 3, 5, 9) else "ru", "text": text, "question": "Эмне болду?",
                    "codes": codes, "entities": entities})
    return out


def strip_annotation(rec: dict) -> dict:
    return {k: v for k, v in rec.items() if k not in ("annotator", "annotation_id", "created_at", "updated_at")}


def test_committed_config_equals_generated():
    assert (ROOT / "annotation" / "labeling_config.xml").read_text(encoding="utf-8") == generate_config()


def test_config_covers_codebook():
    cb, xml = load_codebook(), generate_config()
    for label in cb.entities:
        assert f'<Label value="{label}"' in xml
    for code in cb.codes.values():
        assert f'<Choice value="{code.id}" hint="ru: {code.ru} | ky: {code.ky}' in xml
    assert xml.count('hotkey="') == len(cb.entities) and xml.count('perRegion="true"') == 7


def test_utf16_offsets_are_converted_only_when_they_fit():
    text = "😀 Ош"
    assert ls.code_point_span(text, 2, 4, "Ош") == (2, 4)       # code points: as given
    assert ls.code_point_span(text, 3, 5, "Ош") == (2, 4)       # UTF-16 units from an old frontend
    with pytest.raises(ValueError):
        ls.code_point_span(text, 0, 1, "Ош")


def test_unknown_label_in_annotation_is_an_error():
    item = {"id": "r1", "from_name": "entities", "type": "labels",
            "value": {"start": 0, "end": 2, "text": "Ош", "labels": ["WEAPON"]}}
    with pytest.raises(ToolkitError, match="unknown entity label 'WEAPON'"):
        ls.from_result("Ош", [item], load_codebook(), "segment x")


def test_docbin_keeps_spans_and_codes():
    from spacy.tokens import DocBin
    import spacy
    recs = records()
    adjudicated = {**recs[2], "codes": ["wage_theft"], "annotator": "adjudicated", "adjudicated": True}
    db = ls.to_docbin(recs + [adjudicated])
    docs = {d.user_data["id"]: d for d in DocBin().from_bytes(db.to_bytes()).get_docs(spacy.blank("xx").vocab)}
    assert len(docs) == 20
    assert [(e.text, e.label_) for e in docs["lst02-s001"].ents] == [
        ("Кордае", "LOC"), ("2000 тенге", "MONEY"), ("пограничникам", "BORDER_GUARD")]
    assert docs["lst02-s001"].cats["wage_theft"] == 1.0 and docs["lst02-s001"].cats["bribery_extortion"] == 0.0


def test_agreement_command_writes_csv(tmp_path):
    import typer
    from nlp_toolkit.annotation.cli import agreement
    from nlp_toolkit.io import write_jsonl
    recs = records()
    write_jsonl(tmp_path / "a.jsonl", [{**r, "annotator": a} for r in recs[:4] for a in ("x", "y")])
    app = typer.Typer()
    app.command()(agreement)
    app.command("noop")(lambda: None)
    res = CliRunner().invoke(app, ["agreement", str(tmp_path / "a.jsonl"), "-o", str(tmp_path / "a.csv")])
    assert res.exit_code == 0, res.output
    assert "code,wage_theft,kappa,1.000,4" in (tmp_path / "a.csv").read_text()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    try:
        find_label_studio()
    except ToolkitError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Label Studio must be installed in CI: {exc}")
        pytest.skip(str(exc))
    token = secrets.token_hex(20)
    srv = start_server(tmp_path_factory.mktemp("ls-data"), ADMIN, secrets.token_hex(8), token)
    yield srv.url, token
    srv.stop()
    assert token not in srv.log.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def client(server):
    return ls.connect(*server)


def test_round_trip_two_annotators(client, tmp_path):
    recs = records()
    preds = [{**r, "model_version": "codes-test-1", "scores": {c: 0.9 for c in r["codes"]}} for r in recs]
    first = ls.push(client, "Round trip", recs, preds)
    assert first == {"tasks_new": 20, "tasks_total": 20, "predictions_new": 20}
    users = [client.users.create(username=f"ann{i}", email=f"ann{i}@example.org") for i in (1, 2)]
    project = ls.find_project(client, "Round trip")
    tasks = {t.data["segment_id"]: t for t in ls._all_tasks(client, project.id)}
    by_id = {r["id"]: r for r in recs}
    second_view = {sid: dict(r) for sid, r in by_id.items()}
    second_view["lst00-s001"]["codes"] = ["document_retention", "wage_theft"]      # annotator 2 differs here
    second_view["lst02-s001"]["entities"] = second_view["lst02-s001"]["entities"][:2]  # and drops a span here
    for user, view in zip(users, (by_id, second_view)):
        for sid, task in tasks.items():
            client.annotations.create(task.id, result=ls.to_result(view[sid]), completed_by=user.id)

    pulled = ls.pull(client, "Round trip")
    assert len(pulled) == 60  # 20 x (2 annotators + adjudicated)
    got = {(r["id"], r["annotator"]): r for r in pulled}
    for sid, rec in by_id.items():
        assert strip_annotation(got[(sid, "ann1@example.org")]) == rec
        assert strip_annotation(got[(sid, "ann2@example.org")]) == second_view[sid]
        for ent in got[(sid, "ann1@example.org")]["entities"]:
            assert rec["text"][ent["start"]:ent["end"]] == ent["text"]
        assert got[(sid, "ann1@example.org")]["created_at"]
    adj = got[("lst02-s001", "adjudicated")]
    assert adj["adjudicated"] is True and adj["entities"] == by_id["lst02-s001"]["entities"][:2]
    assert got[("lst00-s001", "adjudicated")]["codes"] == ["document_retention"]  # 1 of 2 is no majority

    again = ls.push(client, "Round trip", recs, preds)
    assert again == {"tasks_new": 0, "tasks_total": 20, "predictions_new": 0}
    assert ls.pull(client, "Round trip") == pulled

    from nlp_toolkit.annotation.agreement import compute
    rep = compute(pulled)
    # wage_theft: ann1 has it on 4 segments, ann2 on 5 of 20: po = 19/20,
    # pe = (4/20)(5/20) + (16/20)(15/20) = 0.05 + 0.6 = 0.65, kappa = (0.95 - 0.65) / 0.35
    assert rep.codes["wage_theft"][1] == pytest.approx(0.3 / 0.35)
    assert rep.spans["BORDER_GUARD"] == (pytest.approx(2 / 3), 3)
    assert [d[0] for d in rep.disputed] == ["lst00-s001", "lst02-s001"]


def test_pull_errors(client, server):
    with pytest.raises(ToolkitError, match="no project 'Nope'"):
        ls.pull(client, "Nope")
    with ls.api("test"):
        client.projects.create(title="Stale config", label_config='<View><Text name="text" value="$text"/></View>')
    with pytest.raises(ToolkitError, match="no longer matches the codebook"):
        ls.pull(client, "Stale config")
    with pytest.raises(ToolkitError, match="rejected the API token"):
        ls.connect(server[0], "wrong-token-123456")
    with pytest.raises(ToolkitError, match="not reachable"):
        ls.connect(f"http://127.0.0.1:{free_port()}", "x" * 20)


def test_cli_pull_error_writes_nothing(server, tmp_path, monkeypatch):
    from nlp_toolkit.annotation.cli import ls_app
    monkeypatch.setenv("LABEL_STUDIO_URL", server[0])
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "wrong-token-123456")
    out = tmp_path / "a.jsonl"
    res = CliRunner().invoke(ls_app, ["pull", "--project", "Round trip", "-o", str(out)])
    assert res.exit_code == 2 and "rejected the API token" in res.output and not out.exists()
    assert "wrong-token" not in res.output
