"""Quarterly returns received: append-only, one revision per correction, bound to a plan version.

Each row is a return as recorded (canonical JSON and its SHA-256), the plan version and hash it was made
against, the quarter and its revision number (unique per plan and quarter: the latest revision counts),
when it arrived, who sent it and the kept upload it came from. Database triggers (SQLite and PostgreSQL)
refuse UPDATE and DELETE, as for events and uploads; the ORM guards refuse them earlier.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER quarterly_returns_no_update BEFORE UPDATE ON quarterly_returns
       BEGIN SELECT RAISE(ABORT, 'quarterly returns are append-only: send a corrected return'); END""",
    """CREATE TRIGGER quarterly_returns_no_delete BEFORE DELETE ON quarterly_returns
       BEGIN SELECT RAISE(ABORT, 'quarterly returns are append-only: send a corrected return'); END""",
]

# carepool_refuse_change() comes from 0001.
POSTGRES_TRIGGERS = [
    """CREATE TRIGGER quarterly_returns_append_only BEFORE UPDATE OR DELETE ON quarterly_returns
       FOR EACH ROW EXECUTE FUNCTION carepool_refuse_change()""",
]


def upgrade() -> None:
    op.create_table(
        "quarterly_returns",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("quarter", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("plan_sha256", sa.String(length=64), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("upload_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("revision >= 1", name="ck_quarterly_returns_revision_positive"),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name="fk_quarterly_returns_plan_id_plans"),
        sa.ForeignKeyConstraint(
            ["plan_id", "plan_version"],
            ["plan_versions.plan_id", "plan_versions.number"],
            name="fk_quarterly_returns_plan_version_plan_versions",
        ),
        sa.ForeignKeyConstraint(["upload_id"], ["uploads.id"], name="fk_quarterly_returns_upload_id_uploads"),
        sa.PrimaryKeyConstraint("id", name="pk_quarterly_returns"),
        sa.UniqueConstraint(
            "plan_id", "quarter", "revision", name="uq_quarterly_returns_plan_id_quarter_revision"
        ),
    )
    op.create_index("ix_quarterly_returns_plan_id", "quarterly_returns", ["plan_id"])
    dialect = op.get_bind().dialect.name
    statements = {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS}.get(dialect, [])
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS quarterly_returns_append_only ON quarterly_returns")
    op.drop_index("ix_quarterly_returns_plan_id", table_name="quarterly_returns")
    op.drop_table("quarterly_returns")  # SQLite drops the table's triggers with it
