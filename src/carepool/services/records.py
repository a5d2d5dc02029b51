"""Plain records that cross the line between services and the store (no ORM objects leave the store)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PlanHeader:
    """One row per plan document id: what a listing needs without opening a version."""

    id: str
    area_code: str
    area_name: str
    policy: str
    title: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class VersionRecord:
    plan_id: str
    number: int
    status: str  # draft | submitted
    document: str  # canonical JSON
    sha256: str
    created_at: datetime
    created_by: str
    based_on: int | None


@dataclass(frozen=True, slots=True)
class ChainedEvent:
    """An event ready to append: its hash covers every other field and the previous event's hash."""

    plan_id: str | None
    version: int | None
    kind: str
    actor: str
    at: datetime
    payload: str  # canonical JSON text
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class EventRecord(ChainedEvent):
    id: int


@dataclass(frozen=True, slots=True)
class NewUpload:
    filename: str
    content: bytes
    sha256: str
    received_at: datetime
    actor: str
    outcome: str  # accepted | rejected
    plan_id: str | None
    version: int | None
    report: str  # JSON


@dataclass(frozen=True, slots=True)
class UploadRecord(NewUpload):
    id: int
    size: int


@dataclass(frozen=True, slots=True)
class NewReturn:
    """A quarterly return to store: canonical JSON, bound to the plan version it was made against."""

    plan_id: str
    quarter: str
    revision: int
    plan_version: int
    plan_sha256: str
    document: str  # canonical JSON (carepool-return/1)
    sha256: str
    received_at: datetime
    actor: str
    upload_id: int | None


@dataclass(frozen=True, slots=True)
class ReturnRecord(NewReturn):
    id: int
