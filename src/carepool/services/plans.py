"""Reading stored plans: list, show, versions, export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carepool.model import Plan, pretty_json
from carepool.services.chain import stamp
from carepool.services.diff import Change, differences
from carepool.services.documents import load_document, require_plan, require_version
from carepool.services.facts import facts_of
from carepool.services.portfolio import portfolio
from carepool.services.ports import Database
from carepool.services.records import EventRecord, PlanHeader, VersionRecord
from carepool.services.summaries import PlanSummary, summary_of


def list_plans(db: Database) -> list[PlanSummary]:
    """Every stored plan's latest summary, in plan id order."""
    return [entry.summary for entry in portfolio(db)]


@dataclass(frozen=True, slots=True)
class VersionSummary:
    number: int
    status: str
    sha256: str
    created_at: datetime
    created_by: str
    based_on: int | None

    @classmethod
    def of(cls, v: VersionRecord) -> VersionSummary:
        return cls(v.number, v.status, v.sha256, v.created_at, v.created_by, v.based_on)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.number,
            "status": self.status,
            "sha256": self.sha256,
            "created_at": stamp(self.created_at),
            "created_by": self.created_by,
            "based_on": self.based_on,
        }


def list_versions(db: Database, plan_id: str) -> list[VersionSummary]:
    with db.transaction() as store:
        require_plan(store, plan_id)
        return [VersionSummary.of(v) for v in store.versions(plan_id)]


@dataclass(frozen=True, slots=True)
class PlanDetail:
    summary: PlanSummary
    versions: list[VersionSummary]
    signatories: list[dict[str, str]]
    figures: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary.to_dict(),
            "status_detail": self.summary.status.to_dict(),
            "signatories": self.signatories,
            "figures": self.figures,
            "versions": [v.to_dict() for v in self.versions],
        }


@dataclass(frozen=True, slots=True)
class PlanRecords:
    """Everything stored about one plan, read in one transaction."""

    header: PlanHeader
    versions: list[VersionRecord]
    events: list[EventRecord]

    @property
    def latest(self) -> VersionRecord:
        return self.versions[-1]


def plan_header(db: Database, plan_id: str) -> PlanHeader:
    with db.transaction() as store:
        return require_plan(store, plan_id)


def plan_records(db: Database, plan_id: str) -> PlanRecords:
    with db.transaction() as store:
        header = require_plan(store, plan_id)
        return PlanRecords(header, store.versions(plan_id), store.events(plan_id))


def detail_of(records: PlanRecords) -> PlanDetail:
    facts = facts_of(records.latest)
    summary = summary_of(records.header, records.latest, records.events, facts.signs_for)
    signatories = [
        {"signs_for": s.signs_for, "name": s.name, "position": s.position} for s in facts.signatories
    ]
    return PlanDetail(
        summary, [VersionSummary.of(v) for v in records.versions], signatories, dict(facts.figures)
    )


def show_plan(db: Database, plan_id: str) -> PlanDetail:
    return detail_of(plan_records(db, plan_id))


@dataclass(frozen=True, slots=True)
class Exported:
    plan_id: str
    version: int
    sha256: str
    text: str
    canonical: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "version": self.version,
            "sha256": self.sha256,
            "canonical": self.canonical,
        }


def export_plan(db: Database, plan_id: str, version: int | None = None, canonical: bool = False) -> Exported:
    """Pretty JSON for people and diffs, or the canonical text whose SHA-256 is the version's hash."""
    with db.transaction() as store:
        v = require_version(store, plan_id, version)
    text = v.document if canonical else pretty_json(load_document(v.document))
    return Exported(plan_id, v.number, v.sha256, text, canonical)


def stored_plan(db: Database, plan_id: str, version: int | None = None) -> tuple[VersionSummary, Plan]:
    """A stored version and its plan, for the commands that compute over it (checks, finance)."""
    with db.transaction() as store:
        v = require_version(store, plan_id, version)
    return VersionSummary.of(v), load_document(v.document)


@dataclass(frozen=True, slots=True)
class VersionDiff:
    plan_id: str
    old: VersionSummary
    new: VersionSummary
    changes: list[Change]

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "from": self.old.to_dict(),
            "to": self.new.to_dict(),
            "changes": [c.to_dict() for c in self.changes],
        }


def diff_versions(db: Database, plan_id: str, old: int, new: int | None = None) -> VersionDiff:
    """What changed between two versions, field by field (``new`` defaults to the latest)."""
    with db.transaction() as store:
        a = require_version(store, plan_id, old)
        b = require_version(store, plan_id, new)
    changes = differences(json.loads(a.document), json.loads(b.document))
    return VersionDiff(plan_id, VersionSummary.of(a), VersionSummary.of(b), changes)
