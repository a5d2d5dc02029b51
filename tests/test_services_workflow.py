"""Drafts with optimistic concurrency, submission blocked by errors, signatures bound to a hash."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from carepool.model import Plan, content_hash, pretty_json
from carepool.problems import InputRejected, NotFound
from carepool.services import audit, imports, plans, workflow
from carepool.services.errors import Conflict
from carepool.services.ports import Database
from conftest import row_counts
from factories import small_plan

SIGNERS = [("E06000901", "Ann Council"), ("99X", "Bob Ccg"), ("hwb", "Cllr Chair")]


def stored(db: Database, plan: Plan | None = None) -> Plan:
    plan = plan or small_plan()
    imports.import_plan_bytes(db, pretty_json(plan).encode(), "plan.json", "alice")
    return plan


def sign_all(db: Database, plan_id: str) -> None:
    for org, name in SIGNERS:
        workflow.sign(db, plan_id, name=name, role="Chief Executive", organisation=org, actor=name)


# --- drafts and optimistic concurrency -----------------------------------------------------------


def test_save_draft_on_the_latest_version_makes_a_new_version(db: Database) -> None:
    plan = stored(db)
    saved = workflow.save_draft(db, small_plan(title="Edited"), based_on=1, actor="bob")
    assert (saved.number, saved.result) == (2, "new_version")
    assert [v.number for v in plans.list_versions(db, plan.id)] == [1, 2]


def test_save_draft_accepts_a_hash_prefix_as_the_base(db: Database) -> None:
    plan = stored(db)
    saved = workflow.save_draft(db, small_plan(title="Edited"), based_on=content_hash(plan)[:10], actor="bob")
    assert saved.number == 2


def test_a_plan_changed_and_changed_back_is_found_by_its_hash(db: Database) -> None:
    """Versions 1 and 3 share a hash (same content): the latest of them is meant (found in a browser test)."""
    plan = stored(db)
    workflow.save_draft(db, small_plan(title="Edited"), based_on=1, actor="bob")
    back = workflow.save_draft(db, plan, based_on=2, actor="bob")
    assert back.number == 3 and back.sha256 == content_hash(plan)
    result = workflow.submit(db, plan.id, actor="bob", expected=content_hash(plan))
    assert result.submitted and result.version == 3
    again = workflow.save_draft(db, small_plan(title="Again"), based_on=content_hash(plan)[:10], actor="bob")
    assert again.number == 4  # based on version 3, the latest: no conflict


def test_concurrent_edit_is_refused_naming_what_changed(db: Database, engine: Engine) -> None:
    plan = stored(db)
    workflow.save_draft(db, small_plan(title="Alice's title"), based_on=1, actor="alice")
    before = row_counts(engine)
    bobs = small_plan(narrative={**plan.narrative, "engagement": "Bob's text"})
    with pytest.raises(Conflict) as refused:
        workflow.save_draft(db, bobs, based_on=1, actor="bob")
    message = refused.value.problems[0].message
    assert "version 2 was saved by alice" in message
    assert "title" in message
    assert row_counts(engine) == before  # nothing written, nothing overwritten
    assert plans.export_plan(db, plan.id).sha256 == content_hash(small_plan(title="Alice's title"))


def test_import_with_a_stale_base_is_refused_and_the_file_kept(db: Database, engine: Engine) -> None:
    stored(db)
    workflow.save_draft(db, small_plan(title="Newer"), based_on=1, actor="alice")
    before = row_counts(engine)
    with pytest.raises(Conflict):
        imports.import_plan_bytes(
            db, pretty_json(small_plan(title="Older edit")).encode(), "x.json", "bob", "1"
        )
    after = row_counts(engine)
    assert after == {**before, "uploads": before["uploads"] + 1, "events": before["events"] + 1}


def test_unknown_base_is_refused(db: Database) -> None:
    stored(db)
    with pytest.raises(InputRejected):
        workflow.save_draft(db, small_plan(title="x"), based_on=7, actor="bob")


def test_save_draft_of_an_unknown_plan_is_not_found(db: Database) -> None:
    with pytest.raises(NotFound):
        workflow.save_draft(db, small_plan(), based_on=1, actor="bob")


# --- submission ------------------------------------------------------------------------------------


def test_submit_is_blocked_by_errors_and_writes_nothing(db: Database, engine: Engine) -> None:
    broken = small_plan()
    broken.contributions[0].amount += Decimal("1")
    stored(db, broken)
    before = row_counts(engine)
    result = workflow.submit(db, broken.id, actor="alice")
    assert not result.submitted
    assert any(f.severity.value == "error" for f in result.findings)
    assert row_counts(engine) == before
    assert plans.show_plan(db, broken.id).summary.status.label == "draft"


def test_submit_freezes_the_version(db: Database) -> None:
    plan = stored(db)
    result = workflow.submit(db, plan.id, actor="alice")
    assert result.submitted and result.sha256 == content_hash(plan)
    assert plans.list_versions(db, plan.id)[0].status == "submitted"
    assert plans.list_plans(db)[0].status.label == "submitted"
    with pytest.raises(Conflict):
        workflow.submit(db, plan.id, actor="alice")


def test_submit_refuses_when_the_reviewed_version_is_stale(db: Database) -> None:
    plan = stored(db)
    workflow.save_draft(db, small_plan(title="Edited"), based_on=1, actor="bob")
    with pytest.raises(Conflict):
        workflow.submit(db, plan.id, actor="alice", expected=1)


# --- signatures -------------------------------------------------------------------------------------


def test_cannot_sign_a_draft(db: Database) -> None:
    plan = stored(db)
    with pytest.raises(Conflict):
        workflow.sign(db, plan.id, name="Ann", role="CE", organisation="E06000901", actor="ann")


def test_only_listed_signatories_may_sign(db: Database) -> None:
    plan = stored(db)
    workflow.submit(db, plan.id, actor="alice")
    with pytest.raises(InputRejected) as refused:
        workflow.sign(db, plan.id, name="Eve", role="CE", organisation="XYZ", actor="eve")
    assert "hwb" in refused.value.problems[0].expected
    with pytest.raises(InputRejected):
        workflow.sign(db, plan.id, name=" ", role="CE", organisation="hwb", actor="eve")


def test_signing_progresses_to_fully_signed(db: Database) -> None:
    plan = stored(db)
    workflow.submit(db, plan.id, actor="alice")
    status = workflow.sign(db, plan.id, name="Ann", role="CE", organisation="E06000901", actor="ann")
    assert status.label == "signed by E06000901 (1 of 3)"
    assert status.awaiting == ["99X", "hwb"]
    with pytest.raises(Conflict):
        workflow.sign(db, plan.id, name="Ann again", role="CE", organisation="E06000901", actor="ann")
    workflow.sign(db, plan.id, name="Bob", role="CE", organisation="99X", actor="bob")
    status = workflow.sign(db, plan.id, name="Chair", role="Chair", organisation="hwb", actor="chair")
    assert (status.state, status.label) == ("fully_signed", "fully signed")
    assert {s.sha256 for s in status.signatures} == {content_hash(plan)}


def test_signature_binds_to_the_hash_and_lapses_with_a_new_draft(db: Database) -> None:
    plan = stored(db)
    workflow.submit(db, plan.id, actor="alice")
    sign_all(db, plan.id)
    signed_events = [e for e in audit.timeline(db, plan.id) if e.kind == "signed"]
    assert {e.detail["sha256"] for e in signed_events} == {content_hash(plan)}

    saved = workflow.save_draft(db, small_plan(title="After signing"), based_on=1, actor="alice")
    assert saved.number == 2
    status = plans.show_plan(db, plan.id).summary.status
    assert (status.state, status.version, status.signatures) == ("draft", 2, [])
    reopened = [e for e in audit.timeline(db, plan.id) if e.kind == "reopened"]
    assert reopened[0].detail["signatures_lapsed"] == 3
    assert plans.list_versions(db, plan.id)[0].status == "submitted"  # version 1 stays frozen

    workflow.submit(db, plan.id, actor="alice")
    assert plans.show_plan(db, plan.id).summary.status.label == "submitted"  # old signatures do not count


def test_sign_refuses_a_stale_expected_hash(db: Database) -> None:
    plan = stored(db)
    workflow.submit(db, plan.id, actor="alice")
    with pytest.raises(InputRejected):
        workflow.sign(db, plan.id, name="A", role="CE", organisation="hwb", actor="a", expected="deadbeef00")


def test_timeline_tells_the_story_in_order(db: Database) -> None:
    plan = stored(db)
    workflow.submit(db, plan.id, actor="alice")
    sign_all(db, plan.id)
    entries = audit.timeline(db, plan.id)
    assert [e.kind for e in entries] == ["created", "imported", "submitted", "signed", "signed", "signed"]
    assert entries[-1].summary == "signed for hwb by Cllr Chair, Chief Executive"
    assert json.dumps([e.to_dict() for e in entries])
