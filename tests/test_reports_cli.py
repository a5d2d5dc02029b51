"""``report PLAN --format pdf|html --out FILE`` over stored plans, mounted the way the main CLI mounts it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from carepool.cli_context import Session
from carepool.cli_reports import report
from carepool.demo import build_demo_plans
from carepool.problems import NotFound
from carepool.services.demo import load_demo
from carepool.services.ports import Database


def app_for(database_url: str) -> typer.Typer:
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def root(ctx: typer.Context) -> None:
        session = Session(db_url=database_url, actor="tester")
        ctx.obj = session
        ctx.call_on_close(session.close)  # dispose the engine, or its connection leaks into later tests

    app.command("report")(report)
    return app


@pytest.fixture
def stored(db: Database, database_url: str) -> str:
    load_demo(db, "tester")
    return database_url


def test_html_and_pdf_for_a_stored_plan(stored: str, tmp_path: Path) -> None:
    plan_id = build_demo_plans()[0].id
    runner = CliRunner()
    html_out = tmp_path / "paper.html"
    result = runner.invoke(
        app_for(stored), ["report", plan_id, "--format", "html", "--out", str(html_out), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["plan"], data["version"], data["format"]) == (plan_id, 1, "html")
    text = html_out.read_text(encoding="utf-8")
    assert "version 1 (draft)" in text and data["sha256"][:16] in text

    pdf_out = tmp_path / "paper.pdf"
    result = runner.invoke(app_for(stored), ["report", plan_id, "--out", str(pdf_out), "--version", "1"])
    assert result.exit_code == 0, result.output
    assert pdf_out.read_bytes().startswith(b"%PDF-")
    assert "Wrote the PDF board report" in result.stderr


def test_unknown_plan_raises_not_found_for_the_main_cli_to_report(stored: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app_for(stored), ["report", "nope", "--out", str(tmp_path / "x.pdf")])
    assert isinstance(result.exception, NotFound)
    assert not (tmp_path / "x.pdf").exists()


def test_stored_returns_put_the_monitoring_section_in_the_paper(stored: str, tmp_path: Path) -> None:
    city, county = (p.id for p in build_demo_plans())
    for plan_id, expected in ((city, True), (county, False)):  # the demo stores returns for the city only
        out = tmp_path / f"{plan_id}.html"
        result = CliRunner().invoke(
            app_for(stored), ["report", plan_id, "--format", "html", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert ('<section id="monitoring"' in text) is expected
        assert ('id="monitoring-spend-table"' in text) is expected
