"""Events and uploads are append-only; versions only ever go draft → submitted; nothing is deleted.

Enforced twice: ORM guards (``carepool.store.guards``) refuse the write before any SQL is sent, and
database triggers installed by the migration refuse raw SQL on SQLite and PostgreSQL. The limit:
someone with rights to drop or disable triggers can still change rows; ``audit verify`` detects that
(see ``test_services_audit.py``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, delete, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from carepool.model import pretty_json
from carepool.services import imports, workflow
from carepool.services.ports import Database
from carepool.store.db import SqlDatabase
from carepool.store.guards import ImmutableRecord
from carepool.store.tables import EventRow, PlanVersionRow, UploadRow
from factories import small_plan

PLAN_ID = small_plan().id


@pytest.fixture
def stored(db: Database) -> SqlDatabase:
    """One imported plan: version 1 (draft), its upload and its events."""
    imports.import_plan_bytes(db, pretty_json(small_plan()).encode(), "plan.json", "tester")
    assert isinstance(db, SqlDatabase)
    return db


def in_session(db: SqlDatabase, action: Callable[[Session], None]) -> None:
    with db.sessions() as session, session.begin():
        action(session)


def event_row(session: Session) -> EventRow:
    return session.scalars(select(EventRow).limit(1)).one()


def upload_row(session: Session) -> UploadRow:
    return session.scalars(select(UploadRow).limit(1)).one()


def version_row(session: Session) -> PlanVersionRow:
    return session.scalars(select(PlanVersionRow).limit(1)).one()


# --- through the ORM -------------------------------------------------------------------------------


def test_orm_refuses_to_update_an_event(stored: SqlDatabase) -> None:
    def change(session: Session) -> None:
        event_row(session).actor = "someone else"

    with pytest.raises(ImmutableRecord):
        in_session(stored, change)


def test_orm_refuses_to_update_an_upload(stored: SqlDatabase) -> None:
    def change(session: Session) -> None:
        upload_row(session).content = b"something else"

    with pytest.raises(ImmutableRecord):
        in_session(stored, change)


@pytest.mark.parametrize("pick", [event_row, upload_row, version_row])
def test_orm_refuses_to_delete(stored: SqlDatabase, pick: Callable[[Session], object]) -> None:
    with pytest.raises(ImmutableRecord):
        in_session(stored, lambda session: session.delete(pick(session)))


@pytest.mark.parametrize("table", [EventRow, UploadRow, PlanVersionRow])
def test_orm_refuses_bulk_update_and_delete(stored: SqlDatabase, table: type[EventRow]) -> None:
    with pytest.raises(ImmutableRecord):
        in_session(stored, lambda session: session.execute(update(table).values(id=table.id)))
    with pytest.raises(ImmutableRecord):
        in_session(stored, lambda session: session.execute(delete(table)))


@pytest.mark.parametrize("table", [EventRow, UploadRow, PlanVersionRow])
def test_orm_refuses_legacy_bulk_updates(stored: SqlDatabase, table: type[EventRow]) -> None:
    with pytest.raises(ImmutableRecord):
        in_session(stored, lambda session: session.bulk_update_mappings(table, [{"id": 1}]))


def test_orm_refuses_bulk_save_of_a_changed_row(stored: SqlDatabase) -> None:
    def change(session: Session) -> None:
        row = event_row(session)
        row.actor = "someone else"
        session.bulk_save_objects([row])

    with pytest.raises(ImmutableRecord):
        in_session(stored, change)


def test_orm_refuses_to_change_a_draft_document(stored: SqlDatabase) -> None:
    def change(session: Session) -> None:
        version_row(session).document = "{}"

    with pytest.raises(ImmutableRecord):
        in_session(stored, change)


def test_orm_allows_only_draft_to_submitted(stored: SqlDatabase) -> None:
    assert workflow.submit(stored, PLAN_ID, actor="tester").submitted

    def back_to_draft(session: Session) -> None:
        version_row(session).status = "draft"

    with pytest.raises(ImmutableRecord):
        in_session(stored, back_to_draft)


def test_nothing_changed_after_refusals(stored: SqlDatabase, engine: Engine) -> None:
    def change(session: Session) -> None:
        event_row(session).kind = "forged"

    with pytest.raises(ImmutableRecord):
        in_session(stored, change)
    with engine.connect() as conn:
        assert "forged" not in conn.execute(text("SELECT kind FROM events")).scalars().all()


# --- past the ORM: raw SQL meets the database triggers ----------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE events SET actor = 'someone else'",
        "DELETE FROM events",
        "UPDATE uploads SET filename = 'other.json'",
        "DELETE FROM uploads",
        "UPDATE plan_versions SET document = '{}'",
        "UPDATE plan_versions SET sha256 = 'x'",
        "DELETE FROM plan_versions",
    ],
)
def test_database_refuses_raw_sql_changes(stored: SqlDatabase, engine: Engine, sql: str) -> None:
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text(sql))


def test_database_refuses_to_reopen_a_submitted_version(stored: SqlDatabase, engine: Engine) -> None:
    assert workflow.submit(stored, PLAN_ID, actor="tester").submitted
    with pytest.raises(DBAPIError), engine.begin() as conn:
        conn.execute(text("UPDATE plan_versions SET status = 'draft'"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT status FROM plan_versions")).scalar_one() == "submitted"


def test_database_allows_draft_to_submitted(stored: SqlDatabase, engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE plan_versions SET status = 'submitted'"))
