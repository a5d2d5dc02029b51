"""ORM tables. Only the store layer imports this module (an import-linter contract enforces it).

Five tables: ``plans`` (one row per plan document id, a header for listing), ``plan_versions`` (every
saved document, never overwritten), ``events`` (the append-only, hash-chained audit trail), ``uploads``
(every imported file exactly as it came, accepted or rejected, with its validation report) and
``quarterly_returns`` (every return received, append-only: a correction is a new revision).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations name the same things on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

VERSION_STATUSES = ("draft", "submitted")
UPLOAD_OUTCOMES = ("accepted", "rejected")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PlanRow(Base):
    __tablename__ = "plans"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_code: Mapped[str] = mapped_column(String(64))
    area_name: Mapped[str] = mapped_column(Text)  # the plan model sets no length: neither do we
    policy: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanVersionRow(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (
        UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_id_number"),
        CheckConstraint("status in ('draft', 'submitted')", name="status"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64), ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON, exactly the text that was hashed
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(200))
    based_on: Mapped[int | None] = mapped_column(Integer)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key: a rejected import may name a plan id that was never stored.
    plan_id: Mapped[str | None] = mapped_column(String(64), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON text, hashed as stored
    # Unique: two writers appending on the same tail cannot both commit, so the chain never forks.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class UploadRow(Base):
    __tablename__ = "uploads"
    __table_args__ = (CheckConstraint("outcome in ('accepted', 'rejected')", name="outcome"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    filename: Mapped[str] = mapped_column(String(500))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(16))
    plan_id: Mapped[str | None] = mapped_column(String(64), index=True)
    version: Mapped[int | None] = mapped_column(Integer)
    report: Mapped[str] = mapped_column(Text)  # JSON: problems found, or the check findings at import


class QuarterlyReturnRow(Base):
    """A quarterly return as received, bound to the plan version it was made against. Never changed: a
    corrected return for the same quarter is the next revision, and the latest revision counts."""

    __tablename__ = "quarterly_returns"
    __table_args__ = (
        UniqueConstraint(
            "plan_id", "quarter", "revision", name="uq_quarterly_returns_plan_id_quarter_revision"
        ),
        ForeignKeyConstraint(
            ["plan_id", "plan_version"],
            ["plan_versions.plan_id", "plan_versions.number"],
            name="fk_quarterly_returns_plan_version_plan_versions",
        ),
        CheckConstraint("revision >= 1", name="revision_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64), ForeignKey("plans.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    plan_version: Mapped[int] = mapped_column(Integer)
    plan_sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[str] = mapped_column(Text)  # canonical JSON (carepool-return/1), exactly as hashed
    sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    upload_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("uploads.id"))
