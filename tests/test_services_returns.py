"""Quarterly returns in the database: recorded all or nothing with the file kept, revisions append-only
(the latest counts), bound to a plan version, and the year's position built from what is stored."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from carepool.io.excel import messages as msg
from carepool.io.excel import plan_workbook_bytes, return_for_quarter, return_workbook_bytes
from carepool.model import Plan, content_hash, pretty_json
from carepool.model.plan import ConditionStatus
from carepool.monitoring.returns import canonical_return, load_canonical_return
from carepool.problems import InputRejected, NotFound
from carepool.services import imports, returns, uploads
from carepool.services.audit import timeline, verify_audit_chain
from carepool.services.errors import ImportRejected
from carepool.services.events import Kind
from carepool.services.ports import Database
from carepool.services.returns import latest_returns, list_returns, record_return_bytes, stored_position
from carepool.store.db import SqlDatabase
from carepool.store.guards import ImmutableRecord
from carepool.store.tables import QuarterlyReturnRow
from conftest import row_counts, tamper
from factories import small_plan
from hostile.workbooks import CSV_RENAMED

PLAN = small_plan().id  # riverton-2015-16: schemes S1 (£8m), S2 (£3.1m), S3 (£950k) in 2015-16


@pytest.fixture
def stored(db: Database) -> Database:
    imports.import_plan_bytes(db, pretty_json(small_plan()).encode(), "plan.json", "alice")
    return db


def json_return(quarter: str = "2015-16 Q1", **fields: Any) -> bytes:
    data = {"format": "carepool-return/1", "plan": PLAN, "quarter": quarter, **fields}
    return json.dumps(data).encode()


def spend(s1: str, s2: str = "1550000", s3: str = "475000", forecast: bool = False) -> list[dict[str, str]]:
    rows = [{"scheme": "S1", "spend_to_date": s1}, {"scheme": "S2", "spend_to_date": s2}]
    rows.append({"scheme": "S3", "spend_to_date": s3})
    if forecast:
        for row, amount in zip(rows, ("8000000", "3100000", "950000"), strict=True):
            row["forecast_outturn"] = amount
    return rows


ADMISSIONS_Q4 = [{"metric": "nel_admissions", "period": "2014-15 Q4", "value": "4895"}]


def filled_workbook(plan: Plan, quarter: str, **changes: Any) -> bytes:
    """The pre-filled template as a finance officer returns it."""
    data = return_for_quarter(plan, quarter).model_dump(mode="python")
    for row in data["spend"]:
        row["spent_to_date"] = row["planned"] / 4
    for row in data["metrics"]:
        row["value"] = Decimal("4900")
    data["conditions"][0]["status"] = ConditionStatus.IN_PROGRESS
    data["conditions"][0]["comment"] = "Awaiting the CCG's sign-off."
    data["narrative"] = "On track."
    data.update(changes)
    return return_workbook_bytes(type(return_for_quarter(plan, quarter)).model_validate(data))


def return_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM quarterly_returns")).scalar_one())


# --- recording ----------------------------------------------------------------------------------------


def test_a_json_return_is_recorded_as_revision_one_with_its_file_and_event(stored: Database) -> None:
    raw = json_return(spend=spend("2000000"), metrics=ADMISSIONS_Q4)
    recorded = record_return_bytes(stored, raw, "q1.json", "bob", PLAN)
    assert (recorded.result, recorded.stored.revision, recorded.stored.plan_version) == ("recorded", 1, 1)
    assert recorded.stored.plan_sha256 == content_hash(small_plan())
    assert recorded.position.released == Decimal("156450.00")  # as `monitor apply-return` computes it
    assert recorded.position.retained == Decimal("104300.00")
    [kept] = uploads.list_uploads(stored, PLAN)[-1:]
    assert (kept.id, kept.outcome, kept.filename) == (recorded.upload_id, "accepted", "q1.json")
    assert uploads.get_upload(stored, kept.id)[1] == raw  # the bytes exactly as they came
    [entry] = [e for e in timeline(stored, PLAN) if e.kind == Kind.RETURN_RECORDED]
    assert entry.detail["revision"] == 1 and entry.detail["sha256"] == recorded.stored.sha256
    assert "2015-16 Q1 return recorded as revision 1 against version 1" in entry.summary
    [back] = list_returns(stored, PLAN)
    assert canonical_return(back.document) == canonical_return(recorded.stored.document)
    assert verify_audit_chain(stored).ok


def test_a_correction_is_a_new_revision_and_the_latest_counts(stored: Database, engine: Engine) -> None:
    first = record_return_bytes(stored, json_return(spend=spend("2000000")), "q1.json", "bob", PLAN)
    again = record_return_bytes(stored, json_return(spend=spend("2000000")), "q1-again.json", "bob", PLAN)
    assert (again.result, again.stored.revision) == ("unchanged", 1)  # same document: nothing new stored
    fixed = record_return_bytes(stored, json_return(spend=spend("2100000")), "q1-fixed.json", "carol", PLAN)
    assert (fixed.result, fixed.stored.revision) == ("recorded", 2)
    assert [(r.quarter, r.revision) for r in list_returns(stored, PLAN)] == [
        ("2015-16 Q1", 1),
        ("2015-16 Q1", 2),
    ]
    [latest] = latest_returns(stored, PLAN)
    assert (latest.revision, latest.actor) == (2, "carol")
    position = stored_position(stored, PLAN)
    assert position is not None
    assert position.position.schemes[0].spend_to_date == Decimal("2100000.00")
    assert first.stored.sha256 != fixed.stored.sha256
    assert return_rows(engine) == 2
    assert len(uploads.list_uploads(stored, PLAN)) == 4  # the plan and three return files, all kept
    assert verify_audit_chain(stored).ok


def test_the_position_applies_each_quarter_in_order(stored: Database) -> None:
    q2 = json_return("2015-16 Q2", spend=spend("4000000", "1600000", "480000"))
    record_return_bytes(stored, q2, "q2.json", "bob", PLAN)  # quarters may arrive out of order
    record_return_bytes(stored, json_return(spend=spend("2000000"), metrics=ADMISSIONS_Q4), "q1.json", "bob")
    found = stored_position(stored, PLAN)
    assert found is not None
    assert found.position.quarters == ("2015-16 Q1", "2015-16 Q2")
    assert found.position.assessed_by() == {"2014-15 Q4": "2015-16 Q1"}
    assert found.position.latest.profile_to_date == Decimal("6025000.00")  # half of £12.05m
    assert found.position.latest.spend_to_date == Decimal("6080000.00")
    data = found.to_dict()
    assert data["year"] == "2015-16" and [r["quarter"] for r in data["returns"]] == [
        "2015-16 Q1",
        "2015-16 Q2",
    ]
    assert data["performance"]["released"] == "156450.00"
    assert json.loads(json.dumps(data)) == data  # JSON-ready: money as text, no floats
    assert stored_position(stored, PLAN, "2014-15") is None


def test_a_forecast_for_every_scheme_gives_an_in_year_settlement(stored: Database) -> None:
    record_return_bytes(stored, json_return(spend=spend("2000000", forecast=True)), "q1.json", "bob")
    found = stored_position(stored, PLAN)
    assert found is not None and found.position.latest.settlement_basis == "forecast"


# --- refusals: the file kept, nothing else ----------------------------------------------------------------


def refused(
    db: Database, engine: Engine, raw: bytes, name: str, plan_id: str | None = PLAN
) -> ImportRejected:
    before = row_counts(engine)
    returns_before = return_rows(engine)
    with pytest.raises(ImportRejected) as caught:
        record_return_bytes(db, raw, name, "bob", plan_id)
    after = row_counts(engine)
    assert after["uploads"] == before["uploads"] + 1 and after["events"] == before["events"] + 1
    assert after["plan_versions"] == before["plan_versions"] and return_rows(engine) == returns_before
    summary, content = uploads.get_upload(db, caught.value.upload_id or 0)
    assert (summary.outcome, content) == ("rejected", raw)
    assert summary.report["problems"]  # the refusal's reasons kept with the file
    assert verify_audit_chain(db).ok
    return caught.value


@pytest.mark.parametrize(
    ("raw", "name", "location", "words"),
    [
        (b"{not json", "q1.json", "line 1 column 2", "not valid JSON"),
        (
            json_return(spend=[{"scheme": "S9", "spend_to_date": "1"}]),
            "q1.json",
            "spend[0].scheme",
            "no scheme",
        ),
        (json_return("2016-17 Q1"), "q1.json", "quarter", "not in one of the plan's years"),
        (
            json_return(metrics=[{"metric": "bogus", "period": "2015-16 Q1", "value": "1"}]),
            "q.json",
            "metrics[0].metric",
            "unknown metric",
        ),
        (json_return(plan="someone-else"), "q1.json", "plan", "another plan"),
        (CSV_RENAMED, "q1.xlsx", "q1.xlsx", "CSV"),
        (b"%PDF-1.4", "q1.pdf", "q1.pdf", "Excel return template"),
    ],
)
def test_a_refused_return_keeps_only_the_file_and_names_the_problem(
    stored: Database, engine: Engine, raw: bytes, name: str, location: str, words: str
) -> None:
    problems = refused(stored, engine, raw, name).problems
    assert any(p.location == location and words in str(p) for p in problems), problems


def test_a_year_end_return_without_every_scheme_is_refused(stored: Database, engine: Engine) -> None:
    raw = json_return("2015-16 Q4", spend=[{"scheme": "S1", "spend_to_date": "8000000"}])
    [problem] = refused(stored, engine, raw, "q4.json").problems
    assert "year-end return needs spend for every scheme" in problem.message and "S2, S3" in problem.found


def test_a_return_for_a_plan_never_stored_is_refused(db: Database, engine: Engine) -> None:
    problems = refused(db, engine, json_return(), "q1.json", plan_id=None).problems
    assert problems[0].message == "there is no stored plan with this id"


def test_an_unreadable_path_keeps_nothing(stored: Database, engine: Engine, tmp_path: Path) -> None:
    before = row_counts(engine)
    with pytest.raises(InputRejected):
        returns.record_return_file(stored, tmp_path / "missing.json", "bob")
    assert row_counts(engine) == before


def test_unknown_plans_are_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        list_returns(db, "nope")
    with pytest.raises(NotFound):
        stored_position(db, "nope")


# --- the workbook template --------------------------------------------------------------------------------


def test_a_filled_template_is_recorded_against_the_version_it_was_made_from(stored: Database) -> None:
    name, blank = returns.return_template(stored, PLAN, "2015-16 Q1")
    assert name == f"{PLAN}-2015-16-Q1-return.xlsx" and blank[:2] == b"PK"
    recorded = record_return_bytes(
        stored, filled_workbook(small_plan(), "2015-16 Q1"), "q1.xlsx", "bob", PLAN
    )
    assert recorded.stored.plan_version == 1
    doc = recorded.stored.document
    assert [s.spend_to_date for s in doc.spend] == [
        Decimal("2000000.00"),
        Decimal("775000.00"),
        Decimal("237500.00"),
    ]
    assert doc.conditions[0].note == "Awaiting the CCG's sign-off."
    # A later version of the plan does not move the return: it stays bound to version 1.
    changed = small_plan(title="Riverton BCF plan (revised)")
    imports.import_plan_bytes(stored, pretty_json(changed).encode(), "v2.json", "alice")
    [back] = list_returns(stored, PLAN)
    assert (back.plan_version, back.plan_sha256) == (1, content_hash(small_plan()))


def test_template_problems_name_the_sheet_and_cell(stored: Database, engine: Engine) -> None:
    blank = returns.return_template(stored, PLAN, "2015-16 Q2")[1]
    where = {p.location: p.message for p in refused(stored, engine, blank, "q2.xlsx").problems}
    assert where["Income and expenditure!D5 to D7"] == msg.REQUIRED
    assert where["Cover!B11"] == msg.REQUIRED
    spend_rows = return_for_quarter(small_plan(), "2015-16 Q1").model_dump(mode="python")["spend"]
    spend_rows[1]["scheme"] = "S9"
    bad = filled_workbook(
        small_plan(), "2015-16 Q1", spend=[{**r, "spent_to_date": Decimal(1)} for r in spend_rows]
    )
    [problem] = refused(stored, engine, bad, "q1.xlsx").problems
    assert problem.location == "Income and expenditure!A6" and problem.found == "S9"


def test_a_template_from_a_version_never_stored_is_refused(stored: Database, engine: Engine) -> None:
    other = small_plan(title="A version nobody saved")
    [problem] = refused(stored, engine, filled_workbook(other, "2015-16 Q1"), "q1.xlsx").problems
    assert problem.location.startswith("Cover!") and "download the return template again" in problem.message
    assert problem.found == content_hash(other)[:12]


def test_the_template_for_a_quarter_outside_the_plan_is_refused(stored: Database) -> None:
    with pytest.raises(InputRejected):
        returns.return_template(stored, PLAN, "2019-20 Q1")
    with pytest.raises(InputRejected):
        returns.return_template(stored, PLAN, "2015-16 Q9")
    assert returns.plan_quarters(stored, PLAN)[:2] == ["2014-15 Q1", "2014-15 Q2"]


def test_an_older_return_that_no_longer_fits_the_plan_blocks_the_next(
    stored: Database, engine: Engine
) -> None:
    record_return_bytes(stored, json_return(spend=spend("2000000")), "q1.json", "bob")
    plan = small_plan()
    v2 = plan.model_copy(update={"schemes": [s for s in plan.schemes if s.ref != "S3"]}, deep=True)
    imports.import_plan_bytes(stored, pretty_json(v2).encode(), "v2.json", "alice")  # a draft with errors
    q2 = json_return("2015-16 Q2", spend=spend("4000000")[:2])  # JSON: recorded against the latest (v2)
    [problem] = refused(stored, engine, q2, "q2.json").problems
    assert problem.location == "2015-16 Q1 return: spend[2].scheme" and problem.found == "S3"
    assert "no scheme with this reference" in problem.message


# --- append-only ------------------------------------------------------------------------------------------


def _in_session(db: Database, action: Callable[[Session], None]) -> None:
    assert isinstance(db, SqlDatabase)
    with db.sessions() as session, session.begin():
        action(session)


def test_the_orm_refuses_to_change_or_delete_a_stored_return(stored: Database) -> None:
    record_return_bytes(stored, json_return(spend=spend("2000000")), "q1.json", "bob")

    def change(session: Session) -> None:
        session.scalars(select(QuarterlyReturnRow)).one().document = "{}"

    with pytest.raises(ImmutableRecord):
        _in_session(stored, change)
    with pytest.raises(ImmutableRecord):
        _in_session(stored, lambda s: s.delete(s.scalars(select(QuarterlyReturnRow)).one()))
    with pytest.raises(ImmutableRecord):
        _in_session(stored, lambda s: s.execute(update(QuarterlyReturnRow).values(revision=9)))


@pytest.mark.parametrize(
    "sql", ["UPDATE quarterly_returns SET document = '{}'", "DELETE FROM quarterly_returns"]
)
def test_the_database_refuses_raw_sql_changes(stored: Database, engine: Engine, sql: str) -> None:
    record_return_bytes(stored, json_return(spend=spend("2000000")), "q1.json", "bob")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(sql))
    assert return_rows(engine) == 1


def test_audit_verify_finds_a_return_altered_past_the_triggers(stored: Database, engine: Engine) -> None:
    record_return_bytes(stored, json_return(spend=spend("2000000")), "q1.json", "bob")
    tamper(engine, "UPDATE quarterly_returns SET document = replace(document, '2000000.00', '1.00')")
    report = verify_audit_chain(stored)
    assert not report.ok
    assert any("2015-16 Q1 return revision 1: its document does not match" in p for p in report.problems)


def test_stored_documents_load_back_exactly(stored: Database) -> None:
    raw = json_return(spend=spend("2000000.5"), narrative="Spend £2m")
    recorded = record_return_bytes(stored, raw, "q1.json", "bob")
    [back] = list_returns(stored, PLAN)
    assert load_canonical_return(canonical_return(back.document)) == recorded.stored.document
    assert back.document.spend[0].spend_to_date == Decimal("2000000.50")


# --- a folder of workbooks ---------------------------------------------------------------------------------


def test_a_folder_import_stores_every_accepted_return_and_keeps_every_file(
    stored: Database, engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-q1.xlsx").write_bytes(filled_workbook(small_plan(), "2015-16 Q1"))
    (folder / "b-q2-blank.xlsx").write_bytes(returns.return_template(stored, PLAN, "2015-16 Q2")[1])
    (folder / "c-renamed.xlsx").write_bytes(CSV_RENAMED)
    (folder / "d-q2.xlsx").write_bytes(filled_workbook(small_plan(), "2015-16 Q2"))
    (folder / "e-plan.xlsx").write_bytes(plan_workbook_bytes(small_plan(title="Riverton, revised")))
    uploads_before = len(uploads.list_uploads(stored))
    summary = tmp_path / "summary.csv"
    report = returns.import_folder_to_store(stored, folder, "importer", summary_csv=summary)
    outcomes = {o.file: o.outcome for o in report.outcomes}
    assert outcomes == {
        "a-q1.xlsx": "imported",
        "b-q2-blank.xlsx": "rejected",
        "c-renamed.xlsx": "rejected",
        "d-q2.xlsx": "imported",
        "e-plan.xlsx": "imported",
    }
    assert summary.read_text(encoding="utf-8").count("\n") == 6
    assert [(r.quarter, r.revision) for r in latest_returns(stored, PLAN)] == [
        ("2015-16 Q1", 1),
        ("2015-16 Q2", 1),
    ]
    kept = uploads.list_uploads(stored)[uploads_before:]
    assert sorted(u.filename for u in kept) == sorted(outcomes)  # every file, as received
    assert {u.filename: u.outcome for u in kept}["c-renamed.xlsx"] == "rejected"
    assert verify_audit_chain(stored).ok


# --- two senders at once, and any bytes at all -----------------------------------------------------------


def test_two_returns_for_the_same_quarter_at_once_become_revisions_one_and_two(
    stored: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_services_concurrency import gate_first_call, race

    monkeypatch.setattr(
        returns, "_plan_version", gate_first_call(returns._plan_version, threading.Barrier(2))
    )
    results = race(
        lambda: record_return_bytes(stored, json_return(spend=spend("2000000")), "a.json", "alice"),
        lambda: record_return_bytes(stored, json_return(spend=spend("2100000")), "b.json", "bob"),
    )
    assert all(isinstance(r, returns.Recorded) for r in results), results
    assert sorted(r.stored.revision for r in results if isinstance(r, returns.Recorded)) == [1, 2]
    assert [r.revision for r in list_returns(stored, PLAN)] == [1, 2]
    assert verify_audit_chain(stored).ok


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
FIELDS = st.fixed_dictionaries(
    {
        "format": st.just("carepool-return/1"),
        "plan": st.just(PLAN),
        "quarter": st.sampled_from(["2015-16 Q1", "2015-16 Q4", "Q1", ""]),
    },
    optional={"spend": JSONISH, "metrics": JSONISH, "conditions": JSONISH, "narrative": JSONISH},
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(FIELDS.map(lambda d: json.dumps(d).encode()), st.binary(max_size=200)))
def test_any_file_is_recorded_or_refused_whole_never_half(stored: Database, raw: bytes) -> None:
    before = [(r.quarter, r.revision) for r in list_returns(stored, PLAN)]
    try:
        recorded = record_return_bytes(stored, raw, "fuzz.json", "fuzzer", PLAN)
    except ImportRejected as exc:
        assert exc.problems and exc.upload_id is not None
        assert [(r.quarter, r.revision) for r in list_returns(stored, PLAN)] == before
    else:
        assert recorded.stored.plan_id == PLAN
