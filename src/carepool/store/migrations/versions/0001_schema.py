"""The first schema: plans, plan versions, the append-only event chain and kept uploads.

Also installs database triggers (SQLite and PostgreSQL) that refuse UPDATE and DELETE on events and
uploads, any change to a submitted plan version, any change to a version's document or hash, and any
delete of a version. The ORM guards in ``carepool.store.guards`` refuse the same things earlier.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER events_no_update BEFORE UPDATE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TRIGGER events_no_delete BEFORE DELETE ON events
       BEGIN SELECT RAISE(ABORT, 'events are append-only'); END""",
    """CREATE TRIGGER uploads_no_update BEFORE UPDATE ON uploads
       BEGIN SELECT RAISE(ABORT, 'uploads are kept as they came'); END""",
    """CREATE TRIGGER uploads_no_delete BEFORE DELETE ON uploads
       BEGIN SELECT RAISE(ABORT, 'uploads are kept as they came'); END""",
    """CREATE TRIGGER plan_versions_frozen BEFORE UPDATE ON plan_versions
       WHEN OLD.status = 'submitted' OR NEW.status <> 'submitted'
         OR NEW.document IS NOT OLD.document OR NEW.sha256 IS NOT OLD.sha256
         OR NEW.number IS NOT OLD.number OR NEW.plan_id IS NOT OLD.plan_id
         OR NEW.created_at IS NOT OLD.created_at OR NEW.created_by IS NOT OLD.created_by
         OR NEW.based_on IS NOT OLD.based_on
       BEGIN SELECT RAISE(ABORT, 'a plan version can only go from draft to submitted'); END""",
    """CREATE TRIGGER plan_versions_no_delete BEFORE DELETE ON plan_versions
       BEGIN SELECT RAISE(ABORT, 'plan versions are never deleted'); END""",
]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION carepool_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END $$""",
    """CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
       FOR EACH ROW EXECUTE FUNCTION carepool_refuse_change()""",
    """CREATE TRIGGER uploads_append_only BEFORE UPDATE OR DELETE ON uploads
       FOR EACH ROW EXECUTE FUNCTION carepool_refuse_change()""",
    """CREATE FUNCTION carepool_version_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'plan versions are never deleted'; END IF;
         IF OLD.status = 'submitted' OR NEW.status <> 'submitted'
            OR NEW.document IS DISTINCT FROM OLD.document OR NEW.sha256 IS DISTINCT FROM OLD.sha256
            OR NEW.number IS DISTINCT FROM OLD.number OR NEW.plan_id IS DISTINCT FROM OLD.plan_id
            OR NEW.created_at IS DISTINCT FROM OLD.created_at OR NEW.created_by IS DISTINCT FROM OLD.created_by
            OR NEW.based_on IS DISTINCT FROM OLD.based_on THEN
           RAISE EXCEPTION 'a plan version can only go from draft to submitted';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER plan_versions_frozen BEFORE UPDATE OR DELETE ON plan_versions
       FOR EACH ROW EXECUTE FUNCTION carepool_version_frozen()""",
]


def upgrade() -> None:
    op.create_table(
        "plans",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("area_code", sa.String(length=64), nullable=False),
        sa.Column("area_name", sa.Text(), nullable=False),
        sa.Column("policy", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plans"),
    )
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("based_on", sa.Integer(), nullable=True),
        sa.CheckConstraint("status in ('draft', 'submitted')", name="ck_plan_versions_status"),
        sa.CheckConstraint("number >= 1", name="ck_plan_versions_number_positive"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_plan_versions_plan_id_plans"),
        sa.PrimaryKeyConstraint("id", name="pk_plan_versions"),
        sa.UniqueConstraint("plan_id", "number", name="uq_plan_versions_plan_id_number"),
    )
    op.create_index("ix_plan_versions_plan_id", "plan_versions", ["plan_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("hash", name="uq_events_hash"),
        sa.UniqueConstraint("prev_hash", name="uq_events_prev_hash"),
    )
    op.create_index("ix_events_plan_id", "events", ["plan_id"])
    op.create_table(
        "uploads",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("filename", sa.String(length=500), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("report", sa.Text(), nullable=False),
        sa.CheckConstraint("outcome in ('accepted', 'rejected')", name="ck_uploads_outcome"),
        sa.PrimaryKeyConstraint("id", name="pk_uploads"),
    )
    op.create_index("ix_uploads_plan_id", "uploads", ["plan_id"])
    dialect = op.get_bind().dialect.name
    # Other databases get the ORM guards only (see the README's storage section).
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, [])
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS plan_versions_frozen ON plan_versions")
        op.execute("DROP TRIGGER IF EXISTS uploads_append_only ON uploads")
        op.execute("DROP TRIGGER IF EXISTS events_append_only ON events")
        op.execute("DROP FUNCTION IF EXISTS carepool_version_frozen()")
        op.execute("DROP FUNCTION IF EXISTS carepool_refuse_change()")
    op.drop_index("ix_uploads_plan_id", table_name="uploads")
    op.drop_table("uploads")
    op.drop_index("ix_events_plan_id", table_name="events")
    op.drop_table("events")
    op.drop_index("ix_plan_versions_plan_id", table_name="plan_versions")
    op.drop_table("plan_versions")
    op.drop_table("plans")
