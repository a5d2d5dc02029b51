"""A plan's summary line: header, latest version and status (derived from its events)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carepool.services.chain import stamp
from carepool.services.records import EventRecord, PlanHeader, VersionRecord
from carepool.services.status import PlanStatus, derive_status


@dataclass(frozen=True, slots=True)
class PlanSummary:
    id: str
    title: str
    area_code: str
    area_name: str
    policy: str
    version: int
    sha256: str
    status: PlanStatus
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "area_code": self.area_code,
            "area_name": self.area_name,
            "policy": self.policy,
            "version": self.version,
            "sha256": self.sha256,
            "status": self.status.label,
            "state": self.status.state,
            "updated_at": stamp(self.updated_at),
        }


def summary_of(
    header: PlanHeader, latest: VersionRecord, events: Sequence[EventRecord], signs_for: Sequence[str]
) -> PlanSummary:
    """A plan's summary from its header, latest version and events (oldest first)."""
    status = derive_status(events, signs_for)
    return PlanSummary(
        header.id,
        header.title,
        header.area_code,
        header.area_name,
        header.policy,
        latest.number,
        latest.sha256,
        status,
        latest.created_at,
    )
