"""Reading stored plans: list, show, versions, export."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carepool.model import Plan, pretty_json
from carepool.money import total
from carepool.services.chain import stamp
from carepool.services.diff import Change, differences
from carepool.services.documents import load_document, require_plan, require_version
from carepool.services.ports import Database
from carepool.services.records import EventRecord, VersionRecord
from carepool.services.status import PlanStatus, derive_status


def signatories_of(document: str) -> list[str]:
    data = json.loads(document)
    return [str(s.get("signs_for", "")) for s in data.get("signatories", [])]


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


def list_plans(db: Database) -> list[PlanSummary]:
    with db.transaction() as store:
        headers = store.plans()
        latest = store.latest_versions()
        by_plan: dict[str, list[EventRecord]] = defaultdict(list)
        for ev in store.events():
            if ev.plan_id is not None:
                by_plan[ev.plan_id].append(ev)
    out = []
    for h in headers:
        v = latest[h.id]
        status = derive_status(by_plan[h.id], signatories_of(v.document))
        out.append(
            PlanSummary(
                h.id, h.title, h.area_code, h.area_name, h.policy, v.number, v.sha256, status, v.created_at
            )
        )
    return out


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


def show_plan(db: Database, plan_id: str) -> PlanDetail:
    with db.transaction() as store:
        h = require_plan(store, plan_id)
        versions = store.versions(plan_id)
        events = store.events(plan_id)
    latest = versions[-1]
    plan = load_document(latest.document)
    status = derive_status(events, [s.signs_for for s in plan.signatories])
    summary = PlanSummary(
        h.id,
        h.title,
        h.area_code,
        h.area_name,
        h.policy,
        latest.number,
        latest.sha256,
        status,
        latest.created_at,
    )
    per_year = {
        year: str(total([c.amount for c in plan.contributions if c.year == year])) for year in plan.years
    }
    figures = {
        "years": plan.years,
        "partners": len(plan.partners),
        "pools": len(plan.pools),
        "schemes": len(plan.schemes),
        "contributions_by_year": per_year,
        "risks": len(plan.risks),
        "milestones": len(plan.milestones),
    }
    signatories = [
        {"signs_for": s.signs_for, "name": s.name, "position": s.position} for s in plan.signatories
    ]
    return PlanDetail(summary, [VersionSummary.of(v) for v in versions], signatories, figures)


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
