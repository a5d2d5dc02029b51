"""The time every record is stamped with: UTC, to the microsecond."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
