"""Append-only and immutability rules, enforced in the ORM before anything reaches the database.

Events, uploads and quarterly returns are never updated or deleted. A plan version may change in one way only: its status
from ``draft`` to ``submitted``; it is never deleted. The migration installs database triggers that
refuse the same things for anyone bypassing the ORM (raw SQL on SQLite and PostgreSQL).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapper, ORMExecuteState, Session

from carepool.store.tables import EventRow, PlanVersionRow, QuarterlyReturnRow, UploadRow


class ImmutableRecord(RuntimeError):
    """A write that would change or remove a record that must never change."""


APPEND_ONLY: tuple[type[Any], ...] = (EventRow, UploadRow, QuarterlyReturnRow)
PROTECTED: tuple[type[Any], ...] = (EventRow, UploadRow, QuarterlyReturnRow, PlanVersionRow)


def _refuse_append_only(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    raise ImmutableRecord(f"{type(target).__tablename__} rows are append-only: they cannot be changed")


def _check_version_update(_mapper: Mapper[Any], _connection: Any, target: PlanVersionRow) -> None:
    state = inspect(target)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        if attr.key != "status":
            raise ImmutableRecord(f"plan version field {attr.key!r} cannot be changed once saved")
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != "draft" or new != "submitted":
            raise ImmutableRecord(f"a plan version can only go from draft to submitted, not {old} → {new}")


def _refuse_version_delete(_mapper: Mapper[Any], _connection: Any, target: PlanVersionRow) -> None:
    raise ImmutableRecord(f"plan version {target.plan_id} v{target.number} cannot be deleted")


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    """``session.execute(update(...))`` skips the per-object hooks above, so refuse it here."""
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, PROTECTED):
        raise ImmutableRecord(f"bulk update or delete of {mapper.class_.__tablename__} is not allowed")


class GuardedSession(Session):
    """Legacy bulk helpers write without the per-object hooks or ``do_orm_execute``: refuse them too."""

    def bulk_update_mappings(self, mapper: Any, mappings: Any) -> None:
        _refuse_bulk_class(mapper)
        super().bulk_update_mappings(mapper, mappings)

    def bulk_save_objects(self, objects: Any, *args: Any, **kwargs: Any) -> None:
        objects = list(objects)
        for obj in objects:
            if isinstance(obj, PROTECTED) and inspect(obj).has_identity:
                _refuse_bulk_class(type(obj))
        super().bulk_save_objects(objects, *args, **kwargs)


def _refuse_bulk_class(mapper: Any) -> None:
    cls = getattr(mapper, "class_", mapper)
    if isinstance(cls, type) and issubclass(cls, PROTECTED):
        raise ImmutableRecord(f"bulk update of {getattr(cls, '__tablename__', cls.__name__)} is not allowed")


def install() -> None:
    """Register the guards once (idempotent)."""
    for cls in APPEND_ONLY:
        if not event.contains(cls, "before_update", _refuse_append_only):
            event.listen(cls, "before_update", _refuse_append_only)
            event.listen(cls, "before_delete", _refuse_append_only)
    if not event.contains(PlanVersionRow, "before_update", _check_version_update):
        event.listen(PlanVersionRow, "before_update", _check_version_update)
        event.listen(PlanVersionRow, "before_delete", _refuse_version_delete)
    if not event.contains(Session, "do_orm_execute", _refuse_bulk_writes):
        event.listen(Session, "do_orm_execute", _refuse_bulk_writes)
