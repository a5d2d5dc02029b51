"""Assurance as events: a decision on a submitted version bound to its hash, conditions cleared later,
a new round for each resubmission, the right people only, and the audit chain intact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from carepool.model import content_hash, pretty_json
from carepool.problems import InputRejected
from carepool.services import assurance, audit, imports, workflow
from carepool.services.assurance import ConditionInput, clear_condition, record_assurance
from carepool.services.errors import Conflict
from carepool.services.permissions import Assignment, Role
from carepool.services.ports import Database
from conftest import row_counts
from factories import small_plan

PLAN = small_plan()
REGION = PLAN.area.region  # the test area is not in the reference data: the plan's own region counts
ASSURER = [Assignment(Role.REGIONAL_ASSURER, region=REGION)]
OUTSIDER = [Assignment(Role.REGIONAL_ASSURER, region="Somewhere Else")]
EDITOR = [Assignment(Role.AREA_EDITOR, area_code=PLAN.area.ons_code)]
ADMIN = [Assignment(Role.NATIONAL_ADMIN)]
NOTES = {"finance": "Pooled totals reconcile.", "national_conditions": "Seven-day services unclear."}


def later(days: int = 30) -> date:
    return date.today() + timedelta(days=days)


@pytest.fixture
def submitted(db: Database) -> Database:
    imports.import_plan_bytes(db, pretty_json(PLAN).encode(), "plan.json", "alice")
    assert workflow.submit(db, PLAN.id, actor="alice").submitted
    return db


def with_conditions(db: Database, n: int = 2) -> None:
    record_assurance(
        db,
        PLAN.id,
        category="approved_subject_to_conditions",
        notes=NOTES,
        conditions=[ConditionInput(f"Condition {i}", later(i)) for i in range(1, n + 1)],
        actor="Ruth Assurer",
        by=ASSURER,
    )


def test_a_decision_with_conditions_shows_in_the_status(submitted: Database) -> None:
    with_conditions(submitted)
    status = assurance.assurance_view(submitted, PLAN.id).status
    assert status.state == "assured"
    assert status.label == "assured: approved subject to conditions (2 open)"
    assert status.assurance is not None
    assert status.assurance.notes == NOTES
    assert [c.number for c in status.assurance.open_conditions] == [1, 2]


def test_the_decision_binds_to_the_submitted_hash(submitted: Database) -> None:
    with_conditions(submitted)
    view = assurance.assurance_view(submitted, PLAN.id)
    assert view.current is not None
    assert (view.current.version, view.current.sha256) == (1, content_hash(PLAN))


def test_a_stale_expected_hash_is_refused(submitted: Database) -> None:
    with pytest.raises(Conflict, match="moved on"):
        record_assurance(
            submitted, PLAN.id, category="approved", notes=NOTES, actor="r", by=ASSURER, expected="0" * 64
        )


def test_clearing_conditions_one_by_one(submitted: Database) -> None:
    with_conditions(submitted)
    status = clear_condition(submitted, PLAN.id, 1, actor="Ruth", by=ASSURER, note="s75 signed")
    assert status.label == "assured: approved subject to conditions (1 open)"
    with pytest.raises(Conflict, match="already cleared"):
        clear_condition(submitted, PLAN.id, 1, actor="Ruth", by=ASSURER)
    with pytest.raises(InputRejected, match="no condition 9"):
        clear_condition(submitted, PLAN.id, 9, actor="Ruth", by=ASSURER)
    status = clear_condition(submitted, PLAN.id, 2, actor="Ruth", by=ADMIN)
    assert status.label == "assured: approved subject to conditions (all conditions cleared)"


def test_an_assurer_outside_the_region_and_an_editor_are_refused(submitted: Database, engine: Engine) -> None:
    before = row_counts(engine)
    for who in (OUTSIDER, EDITOR):
        with pytest.raises(Conflict, match="regional assurer for this plan's region"):
            record_assurance(submitted, PLAN.id, category="approved", notes=NOTES, actor="x", by=who)
    assert row_counts(engine) == before
    assert assurance.may_assure(ASSURER) and not assurance.may_assure(EDITOR)


def test_a_draft_cannot_be_assured(db: Database) -> None:
    imports.import_plan_bytes(db, pretty_json(PLAN).encode(), "plan.json", "alice")
    with pytest.raises(Conflict, match="is a draft"):
        record_assurance(db, PLAN.id, category="approved", notes=NOTES, actor="r", by=ASSURER)


@pytest.mark.parametrize(
    ("category", "notes", "conditions", "message"),
    [
        ("great", NOTES, [], "assurance category"),
        ("approved", {}, [], "at least one key line of enquiry"),
        ("approved", {"vibes": "good"}, [], "not a key line of enquiry"),
        ("approved_subject_to_conditions", NOTES, [], "needs at least one condition"),
        ("approved", NOTES, [ConditionInput("x", later())], "conditions apply only"),
        ("approved_subject_to_conditions", NOTES, [ConditionInput(" ", later())], "describe the condition"),
        ("approved_subject_to_conditions", NOTES, [ConditionInput("x", later(-1))], "today or later"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    submitted: Database,
    engine: Engine,
    category: str,
    notes: dict[str, str],
    conditions: list[ConditionInput],
    message: str,
) -> None:
    before = row_counts(engine)
    with pytest.raises(InputRejected, match=message):
        record_assurance(
            submitted, PLAN.id, category=category, notes=notes, conditions=conditions, actor="r", by=ASSURER
        )
    assert row_counts(engine) == before


def test_one_decision_per_round(submitted: Database) -> None:
    record_assurance(submitted, PLAN.id, category="approved", notes=NOTES, actor="r", by=ASSURER)
    with pytest.raises(Conflict, match="already assured"):
        record_assurance(submitted, PLAN.id, category="not_approved", notes=NOTES, actor="r", by=ASSURER)


def test_a_resubmission_starts_a_new_round(submitted: Database) -> None:
    with_conditions(submitted)
    workflow.save_draft(submitted, small_plan(title="Revised"), based_on=1, actor="alice")
    view = assurance.assurance_view(submitted, PLAN.id)
    assert view.status.state == "draft" and view.current is None
    assert [a.version for a in view.history] == [1]  # the first round stays on record
    with pytest.raises(Conflict, match="is a draft"):
        record_assurance(submitted, PLAN.id, category="approved", notes=NOTES, actor="r", by=ASSURER)
    with pytest.raises(Conflict, match="no assurance decision"):
        clear_condition(submitted, PLAN.id, 1, actor="r", by=ASSURER)
    assert workflow.submit(submitted, PLAN.id, actor="alice").submitted
    assert assurance.assurance_view(submitted, PLAN.id).status.state == "submitted"
    status = record_assurance(submitted, PLAN.id, category="approved", notes=NOTES, actor="r", by=ASSURER)
    assert status.label == "assured: approved" and status.assurance is not None
    assert status.assurance.version == 2
    history = assurance.assurance_view(submitted, PLAN.id).history
    assert [(a.version, a.category) for a in history] == [
        (1, "approved_subject_to_conditions"),
        (2, "approved"),
    ]


def test_the_chain_verifies_and_assurance_events_are_append_only(submitted: Database, engine: Engine) -> None:
    with_conditions(submitted)
    clear_condition(submitted, PLAN.id, 1, actor="r", by=ASSURER)
    report = audit.verify_audit_chain(submitted)
    assert report.ok, report.problems
    kinds = [e.kind for e in audit.timeline(submitted, PLAN.id)]
    assert kinds[-2:] == ["assured", "condition_cleared"]
    with pytest.raises(DBAPIError), engine.begin() as conn:  # the database trigger refuses it
        conn.execute(text("UPDATE events SET payload = '{}' WHERE kind = 'assured'"))
    assert audit.verify_audit_chain(submitted).ok
