"""The kept uploads: every file received, as it came, with its validation report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carepool.problems import NotFound
from carepool.services.chain import stamp
from carepool.services.ports import Database
from carepool.services.records import UploadRecord


@dataclass(frozen=True, slots=True)
class UploadSummary:
    id: int
    filename: str
    size: int
    sha256: str
    received_at: datetime
    actor: str
    outcome: str
    plan_id: str | None
    version: int | None
    report: dict[str, Any]

    @classmethod
    def of(cls, u: UploadRecord) -> UploadSummary:
        report = json.loads(u.report)
        return cls(
            u.id,
            u.filename,
            u.size,
            u.sha256,
            u.received_at,
            u.actor,
            u.outcome,
            u.plan_id,
            u.version,
            report,
        )

    @property
    def problems(self) -> int:
        return len(self.report.get("problems", []))

    def to_dict(self, with_report: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "filename": self.filename,
            "size": self.size,
            "sha256": self.sha256,
            "received_at": stamp(self.received_at),
            "actor": self.actor,
            "outcome": self.outcome,
            "plan": self.plan_id,
            "version": self.version,
            "problems": self.problems,
        }
        if with_report:
            data["report"] = self.report
        return data


def list_uploads(db: Database, plan_id: str | None = None) -> list[UploadSummary]:
    with db.transaction() as store:
        return [UploadSummary.of(u) for u in store.uploads(plan_id)]


def get_upload(db: Database, upload_id: int) -> tuple[UploadSummary, bytes]:
    """An upload's details and its bytes exactly as received."""
    with db.transaction() as store:
        upload = store.upload(upload_id)
    if upload is None:
        raise NotFound(f"there is no upload {upload_id} (see `carepool upload list`)")
    return UploadSummary.of(upload), upload.content
