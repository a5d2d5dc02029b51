"""`carepool assure ...` through Typer's test runner on the sub-app, mounted as the main CLI will."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from carepool.cli_assurance import assurance_app
from carepool.cli_context import Session
from carepool.model import content_hash, pretty_json
from carepool.problems import InputRejected
from carepool.services import audit, imports, workflow
from carepool.services.errors import Conflict
from carepool.services.ports import Database
from factories import small_plan

PLAN = small_plan()
DUE = (date.today() + timedelta(days=60)).isoformat()
runner = CliRunner()


def root(url: str) -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def options(ctx: typer.Context) -> None:
        session = Session(url, "Ruth Assurer")
        ctx.obj = session
        ctx.call_on_close(session.close)

    app.add_typer(assurance_app, name="assure")
    return app


def run(url: str, *args: str) -> Any:
    result = runner.invoke(root(url), ["assure", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def submitted(db: Database) -> Database:
    imports.import_plan_bytes(db, pretty_json(PLAN).encode(), "plan.json", "alice")
    assert workflow.submit(db, PLAN.id, actor="alice").submitted
    return db


def test_record_show_and_clear_as_json(submitted: Database, database_url: str) -> None:
    recorded = json.loads(
        run(
            database_url,
            "record",
            PLAN.id,
            "--category",
            "approved subject to conditions",
            "--kloe",
            "finance=Totals reconcile",
            "--kloe",
            "engagement=Providers consulted",
            "--condition",
            f"Sign the s75 agreement|{DUE}",
            "--condition",
            f"Publish the 7-day plan|{DUE}",
            "--json",
        )
    )
    assert recorded["ok"] and recorded["label"] == "assured: approved subject to conditions (2 open)"
    assert recorded["assurance"]["sha256"] == content_hash(PLAN)
    assert recorded["assurance"]["notes"] == {
        "finance": "Totals reconcile",
        "engagement": "Providers consulted",
    }
    cleared = json.loads(run(database_url, "clear", PLAN.id, "1", "--note", "signed 9 Jan", "--json"))
    assert cleared["assurance"]["open_conditions"] == 1
    assert cleared["assurance"]["conditions"][0]["note"] == "signed 9 Jan"
    shown = json.loads(run(database_url, "show", PLAN.id, "--json"))
    assert [a["version"] for a in shown["history"]] == [1]
    assert "approved_with_support" in shown["categories"]
    entries = audit.timeline(submitted, PLAN.id)
    assert [e.actor for e in entries[-2:]] == ["Ruth Assurer", "Ruth Assurer"]
    assert audit.verify_audit_chain(submitted).ok


def test_tables_for_people(submitted: Database, database_url: str) -> None:
    text = run(database_url, "record", PLAN.id, "--category", "approved", "--kloe", "finance=Fine")
    assert "assured: approved" in text and "Finance" in text
    assert "metrics_and_ambition" in run(database_url, "lines")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--category", "approved", "--kloe", "finance"], "ID=TEXT"),
        (["--category", "approved", "--kloe", "x=y"], "not a key line of enquiry"),
        (
            [
                "--category",
                "approved_subject_to_conditions",
                "--kloe",
                "finance=a",
                "--condition",
                "x|2015-02-30",
            ],
            "real date",
        ),
        (["--category", "great", "--kloe", "finance=a"], "assurance category"),
    ],
)
def test_bad_input_is_refused(submitted: Database, database_url: str, args: list[str], message: str) -> None:
    with pytest.raises(InputRejected, match=message):
        run(database_url, "record", PLAN.id, *args)


def test_clearing_without_a_decision_is_a_conflict(submitted: Database, database_url: str) -> None:
    with pytest.raises(Conflict, match="no assurance decision"):
        run(database_url, "clear", PLAN.id, "1")
