"""Account repositories: users, role assignments and sign-in attempts, as plain records.

``open_accounts(db)`` shares the plan database's engine and sessions; each ``transaction()`` is one
unit of work, committed on success and rolled back on any exception.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from carepool.services.accounts import UserRecord
from carepool.services.permissions import Assignment, Role
from carepool.services.ports import Database
from carepool.store.accounts import LoginAttemptRow, RoleAssignmentRow, UserRow
from carepool.store.db import SqlDatabase
from carepool.store.repository import SqlStore


def _user(row: UserRow) -> UserRecord:
    return UserRecord(
        row.id, row.username, row.display_name, row.password_hash, row.active, row.session_epoch
    )


class SqlAccounts:
    """Implements ``carepool.services.accounts.AccountStore`` over one session; ``audit`` appends to the
    plan store's event chain in the same transaction, so a change and its record commit together."""

    def __init__(self, store: SqlStore) -> None:
        self.session: Session = store.session
        self.audit = store

    def user_by_name(self, username: str) -> UserRecord | None:
        row = self.session.scalars(select(UserRow).where(UserRow.username == username)).first()
        return _user(row) if row else None

    def user(self, user_id: int) -> UserRecord | None:
        row = self.session.get(UserRow, user_id)
        return _user(row) if row else None

    def users(self) -> list[UserRecord]:
        return [_user(r) for r in self.session.scalars(select(UserRow).order_by(UserRow.username))]

    def add_user(self, username: str, display_name: str, password_hash: str, at: datetime) -> int:
        row = UserRow(
            username=username,
            display_name=display_name,
            password_hash=password_hash,
            active=True,
            session_epoch=0,
            created_at=at,
        )
        self.session.add(row)
        self.session.flush()
        return row.id

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        row = self.session.get(UserRow, user_id)
        if row is not None:
            row.password_hash = password_hash

    def bump_session_epoch(self, user_id: int) -> None:
        row = self.session.get(UserRow, user_id)
        if row is not None:
            row.session_epoch += 1

    def assignments(self, user_id: int) -> list[Assignment]:
        rows = self.session.scalars(
            select(RoleAssignmentRow)
            .where(RoleAssignmentRow.user_id == user_id)
            .order_by(RoleAssignmentRow.id)
        )
        return [Assignment(Role(r.role), r.region, r.area_code, r.organisation) for r in rows]

    def add_assignment(self, user_id: int, assignment: Assignment) -> None:
        self.session.add(
            RoleAssignmentRow(
                user_id=user_id,
                role=assignment.role.value,
                region=assignment.region,
                area_code=assignment.area_code,
                organisation=assignment.organisation,
            )
        )
        self.session.flush()

    def remove_assignment(self, user_id: int, assignment: Assignment) -> bool:
        rows = self.session.scalars(
            select(RoleAssignmentRow).where(
                RoleAssignmentRow.user_id == user_id,
                RoleAssignmentRow.role == assignment.role.value,
                _same(RoleAssignmentRow.region, assignment.region),
                _same(RoleAssignmentRow.area_code, assignment.area_code),
                _same(RoleAssignmentRow.organisation, assignment.organisation),
            )
        ).all()
        for row in rows:
            self.session.delete(row)
        self.session.flush()
        return bool(rows)

    def set_active(self, user_id: int, active: bool) -> None:
        row = self.session.get(UserRow, user_id)
        if row is not None:
            row.active = active

    def add_attempt(self, username: str, ip: str, success: bool, at: datetime) -> None:
        self.session.add(LoginAttemptRow(username=username, ip=ip[:64], success=success, at=at))

    def failures(self, since: datetime, *, username: str | None = None, ip: str | None = None) -> int:
        query = select(func.count()).select_from(LoginAttemptRow).where(LoginAttemptRow.at >= since)
        query = query.where(LoginAttemptRow.success.is_(False))
        if username is not None:
            query = query.where(LoginAttemptRow.username == username)
        if ip is not None:
            query = query.where(LoginAttemptRow.ip == ip)
        return int(self.session.scalar(query) or 0)


def _same(column: InstrumentedAttribute[str | None], value: str | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


class SqlAccountsDatabase:
    """Implements ``carepool.services.accounts.AccountsDatabase`` (the plan database's transactions, so
    a writer that lost the race to the chain's tail gets ``Busy`` and the service runs again)."""

    def __init__(self, db: SqlDatabase) -> None:
        self.db = db

    @contextmanager
    def transaction(self) -> Iterator[SqlAccounts]:
        with self.db.transaction() as store:
            yield SqlAccounts(store)


def open_accounts(db: Database) -> SqlAccountsDatabase:
    if not isinstance(db, SqlDatabase):
        raise TypeError(f"accounts need the SQL store, not {type(db).__name__}")
    return SqlAccountsDatabase(db)
