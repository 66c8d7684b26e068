"""Quote search: filters, citations, highlighting, formats, bad input."""

from __future__ import annotations

import csv
import io
import json

import pytest
import typer
from docx import Document
from typer.testing import CliRunner

from dataset_records import records
from nlp_toolkit.dataset.build import build, merge
from nlp_toolkit.dataset.cli import quotes as quotes_cmd
from nlp_toolkit.dataset.quotes import Filters, no_match, render, search
from nlp_toolkit.errors import ToolkitError


@pytest.fixture(scope="module")
def ds(tmp_path_factory):
    out = tmp_path_factory.mktemp("ds")
    build(merge(records()), out)
    return out


def ids(ds, **kw) -> list[str]:
    return [q["id"] for q in search(ds, Filters(**kw))]


def test_filters(ds):
    assert ids(ds, code=["document_retention"]) == ["t01-s001", "t02-s001"]
    assert ids(ds, code=["document_retention"], lang="ky") == ["t02-s001"]
    assert ids(ds, actor=["POLICE"]) == ["t01-s001"]
    assert ids(ds, actor=["EMPLOYER"], place="алматы") == ["t01-s002"]
    assert ids(ds, place="Ош") == ["t02-s001"]
    assert ids(ds, min_usd=100) == ["t02-s001"]
    assert ids(ds, min_usd=20) == ["t01-s001", "t02-s001"]
    assert ids(ds, text="паспорт") == ["t01-s001", "t02-s001"]
    assert ids(ds, text="паспорт алып") == ["t02-s001"]
    assert ids(ds, year=2021) == ["t02-s001"]
    assert ids(ds, code=["bribery_extortion"], actor=["POLICE"], place="Алматы", lang="ru", min_usd=10,
               text="паспорт", year=2019) == ["t01-s001"]


def test_fts_syntax_in_user_text_is_harmless(ds):
    assert ids(ds, text='"паспорт*(:') == ["t01-s001", "t02-s001"]
    with pytest.raises(ToolkitError, match="no words"):
        search(ds, Filters(text="***"))


def test_unknown_code_and_actor_list_valid_ones(ds):
    with pytest.raises(ToolkitError, match=r"unknown code id 'bribes'.*valid ids:.*bribery_extortion"):
        search(ds, Filters(code=["bribes"]))
    with pytest.raises(ToolkitError, match=r"unknown actor label 'COP'.*POLICE"):
        search(ds, Filters(actor=["COP"]))


def test_no_match_echoes_filters(ds):
    f = Filters(code=["wage_theft"], lang="ky", min_usd=5.0)
    assert search(ds, f) == []
    assert no_match(f) == "no quotes match (filters: code=wage_theft, lang=ky, min-usd=5.0)"


def test_markdown_citation_and_highlight(ds):
    f = Filters(code=["bribery_extortion"])
    md = render(search(ds, f), "md", f)
    assert "**Полицейский**[POLICE]" in md and "**20 тысяч тенге**[MONEY]" in md
    assert ("[^1]: Interview with Айгуль (pseudonym), migrant worker (woman, 34, from Ошская область), "
            "Алматы, 3 April 2019. [t01.txt, line 2]") in md
    assert "20000 KZT (bribe, ≈ $" in md


def test_csv_json_docx(ds):
    f = Filters(code=["document_retention"])
    found = search(ds, f)
    rows = list(csv.DictReader(io.StringIO(render(found, "csv", f))))
    assert [r["id"] for r in rows] == ["t01-s001", "t02-s001"] and "Бакыт (pseudonym)" in rows[1]["citation"]
    assert rows[1]["amounts"] == "150 USD (fee, ≈ $150)"
    data = json.loads(render(found, "json", f))
    assert data[1]["entities"][0]["label"] == "INTERMEDIARY" and data[0]["codes"][0] == "bribery_extortion"
    doc = Document(io.BytesIO(render(search(ds, Filters()), "docx", Filters())))
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading 2")]
    assert heads == ["recruitment fees (recruitment_fees)", "document retention (document_retention)",
                     "wage theft (wage_theft)", "bribery extortion (bribery_extortion)"]
    cells = [[c.text for c in r.cells] for t in doc.tables for r in t.rows]
    assert ["Quote", "Citation", "Amounts"] in cells
    assert any(r[0].startswith("«Посредник") and "Бакыт" in r[1] and "150 USD" in r[2] for r in cells)
    with pytest.raises(ToolkitError, match="unknown format 'pdf'"):
        render(found, "pdf", f)


def test_cli_quotes(ds, tmp_path):
    app = typer.Typer()
    app.command("quotes")(quotes_cmd)
    app.command("noop")(lambda: None)
    run = CliRunner().invoke
    res = run(app, ["quotes", "-d", str(ds), "--code", "document_retention", "--lang", "ky", "-f", "json"])
    assert res.exit_code == 0 and json.loads(res.stdout)[0]["id"] == "t02-s001"
    res = run(app, ["quotes", "-d", str(ds), "--text", "зарплата"])
    assert res.exit_code == 1 and "no quotes match (filters: text=зарплата)" in res.output
    res = run(app, ["quotes", "-d", str(ds), "--code", "bribery_extortion", "-f", "docx", "-o", str(tmp_path / "e.docx")])
    assert res.exit_code == 0 and (tmp_path / "e.docx").stat().st_size > 1000
    res = run(app, ["quotes", "-d", str(ds), "--code", "nope"])
    assert isinstance(res.exception, ToolkitError) and "valid ids" in str(res.exception)
