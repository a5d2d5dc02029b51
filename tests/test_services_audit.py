"""The audit chain verifies when untouched and names what was altered when rows are tampered with."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from carepool.model import pretty_json
from carepool.services import audit, imports, workflow
from carepool.services.chain import GENESIS, recompute
from carepool.services.ports import Database
from carepool.services.records import ChainedEvent
from conftest import tamper
from factories import small_plan


@pytest.fixture
def history(db: Database) -> Database:
    plan = small_plan()
    imports.import_plan_bytes(db, pretty_json(plan).encode(), "plan.json", "alice")
    with pytest.raises(imports.ImportRejected):
        imports.import_plan_bytes(db, b"not json", "bad.json", "alice")
    workflow.submit(db, plan.id, actor="alice")
    workflow.sign(db, plan.id, name="Ann", role="CE", organisation="hwb", actor="ann")
    return db


def test_empty_database_verifies(db: Database) -> None:
    report = audit.verify_audit_chain(db)
    assert report.ok and report.events == 0 and report.last_hash == GENESIS


def test_untouched_history_verifies(history: Database) -> None:
    report = audit.verify_audit_chain(history)
    assert report.ok, report.problems
    assert (report.events, report.uploads, report.versions) == (5, 2, 1)


def test_edited_event_is_detected(history: Database, engine: Engine) -> None:
    tamper(engine, "UPDATE events SET actor = 'mallory' WHERE kind = 'signed'")
    report = audit.verify_audit_chain(history)
    assert not report.ok
    assert any("(signed): its content does not match its hash" in p for p in report.problems)


def test_edited_event_with_recomputed_hash_breaks_the_next_link(history: Database, engine: Engine) -> None:
    tamper(engine, "UPDATE events SET hash = :h WHERE kind = 'submitted'", {"h": "f" * 64})
    problems = audit.verify_audit_chain(history).problems
    assert any("link to the previous event is broken" in p for p in problems)


def test_deleted_event_is_detected(history: Database, engine: Engine) -> None:
    tamper(engine, "DELETE FROM events WHERE kind = 'submitted'")
    problems = audit.verify_audit_chain(history).problems
    assert any("(signed): link to the previous event is broken" in p for p in problems)
    assert any("status 'submitted' disagrees" in p for p in problems)


def test_altered_version_document_is_detected(history: Database, engine: Engine) -> None:
    tamper(engine, "UPDATE plan_versions SET document = replace(document, 'Riverton', 'Elsewhere')")
    problems = audit.verify_audit_chain(history).problems
    assert any("document does not match its stored hash" in p for p in problems)


def test_altered_version_with_matching_hash_is_still_detected(history: Database, engine: Engine) -> None:
    tamper(
        engine, "UPDATE plan_versions SET document = '{}', sha256 = :h", {"h": "44136fa355b3678a" + "0" * 48}
    )
    problems = audit.verify_audit_chain(history).problems
    assert any("not logged in the event chain with this hash" in p for p in problems)


def test_swapped_upload_is_detected(history: Database, engine: Engine) -> None:
    tamper(engine, "UPDATE uploads SET content = :c WHERE outcome = 'rejected'", {"c": b"something else"})
    problems = audit.verify_audit_chain(history).problems
    assert any("bytes do not match its stored hash" in p for p in problems)


def test_a_rewritten_and_rehashed_history_fails_its_anchor(history: Database, engine: Engine) -> None:
    anchor = audit.verify_audit_chain(history).last_hash
    assert audit.verify_audit_chain(history, [anchor]).ok
    with history.transaction() as store:
        events = store.events()
    # Rewrite the signature and re-hash every event from there on, as a careful forger would.
    prev = GENESIS
    for ev in events:
        actor = "mallory" if ev.kind == "signed" else ev.actor
        forged = recompute(ChainedEvent(ev.plan_id, ev.version, ev.kind, actor, ev.at, ev.payload, prev, ""))
        sql = "UPDATE events SET actor = :a, prev_hash = :p, hash = :h WHERE id = :i"
        tamper(engine, sql, {"a": actor, "p": prev, "h": forged, "i": ev.id})
        prev = forged
    assert audit.verify_audit_chain(history).ok  # self-consistent again...
    report = audit.verify_audit_chain(history, [anchor])
    assert not report.ok and "is no longer in the chain" in report.problems[0]  # ...but not with the anchor
