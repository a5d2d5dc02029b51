"""ORM tables for people: local accounts, role assignments scoped to region, area and organisation, and
sign-in attempts (for throttling). Only the store layer imports this module.

A role is a row, not a flag on the user: one person may edit one area and view another. Check
constraints make each role carry exactly the scope it needs, so a scopeless "area editor" cannot exist.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from carepool.store.tables import Base

__all__ = ["ROLES", "Base", "LoginAttemptRow", "RoleAssignmentRow", "UserRow"]

ROLES = (
    "national_admin",
    "regional_assurer",
    "area_editor",
    "partner_signatory",
    "hwb_chair",
    "viewer",
)

# Which scope columns each role must fill (region, area_code, organisation); the rest must be NULL.
ROLE_SCOPE_RULE = (
    "(role = 'national_admin' AND region IS NULL AND area_code IS NULL AND organisation IS NULL)"
    " OR (role = 'regional_assurer' AND region IS NOT NULL AND area_code IS NULL AND organisation IS NULL)"
    " OR (role IN ('area_editor', 'hwb_chair') AND region IS NULL AND area_code IS NOT NULL"
    " AND organisation IS NULL)"
    " OR (role = 'partner_signatory' AND region IS NULL AND area_code IS NOT NULL"
    " AND organisation IS NOT NULL)"
    " OR (role = 'viewer' AND region IS NULL AND organisation IS NULL)"
)
ROLE_NAME_RULE = "role in (" + ", ".join(f"'{r}'" for r in ROLES) + ")"


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on sign-out: every session cookie issued before carries the old number and stops working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RoleAssignmentRow(Base):
    __tablename__ = "role_assignments"
    __table_args__ = (
        CheckConstraint(ROLE_NAME_RULE, name="role"),
        CheckConstraint(ROLE_SCOPE_RULE, name="scope"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(64))
    area_code: Mapped[str | None] = mapped_column(String(64))
    organisation: Mapped[str | None] = mapped_column(String(64))


class LoginAttemptRow(Base):
    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(Boolean)
