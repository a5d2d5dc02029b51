"""Changing a stored plan: save a draft (optimistic), submit (blocked by errors), sign (bound to a hash)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carepool.io.plan_json import reference_problems
from carepool.model import Plan
from carepool.policy import load_pack
from carepool.problems import InputRejected, Problem
from carepool.rules import Finding, has_errors, run_checks
from carepool.services.clock import now
from carepool.services.documents import load_document, require_version, short
from carepool.services.errors import Conflict
from carepool.services.events import Kind, record
from carepool.services.ports import Database, Store
from carepool.services.records import VersionRecord
from carepool.services.status import PlanStatus, derive_status
from carepool.services.units import write
from carepool.services.versioning import Saved, find_base, save_version


def save_draft(db: Database, plan: Plan, *, based_on: int | str, actor: str) -> Saved:
    """Save an edited plan as a new draft. ``based_on`` is the number or hash of the version edited;
    if another version was saved since, raise ``Conflict`` naming what changed. Never overwrites.
    Every code the plan uses must resolve (the importer's rule), whichever face the edit came from."""
    problems = reference_problems(plan)
    if problems:
        raise InputRejected(problems)

    def work(store: Store) -> Saved:
        require_version(store, plan.id)
        return save_version(store, plan, actor=actor, at=now(), based_on=based_on, source={"source": "edit"})

    return write(db, work)


@dataclass(frozen=True, slots=True)
class SubmitResult:
    plan_id: str
    version: int
    sha256: str
    submitted: bool
    findings: list[Finding]

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.submitted,
            "plan": self.plan_id,
            "version": self.version,
            "sha256": self.sha256,
            "submitted": self.submitted,
            "findings": [f.to_dict() for f in self.findings],
        }


def _expect(store: Store, latest: VersionRecord, expected: int | str | None) -> None:
    """The caller may say which version it means; refuse if the plan moved on since."""
    if expected is None:
        return
    base = find_base(store, latest.plan_id, expected)
    if base.number != latest.number:
        raise Conflict(
            [
                Problem(
                    "conflict",
                    "version",
                    f"version {base.number} is no longer the latest; version {latest.number} was saved since",
                    f"v{base.number} {short(base.sha256)}",
                    f"v{latest.number} {short(latest.sha256)}",
                )
            ]
        )


def submit(db: Database, plan_id: str, *, actor: str, expected: int | str | None = None) -> SubmitResult:
    """Freeze the latest version. Refused (nothing written) while the checks report errors."""

    def work(store: Store) -> SubmitResult:
        latest = require_version(store, plan_id)
        _expect(store, latest, expected)
        if latest.status == "submitted":
            raise Conflict(
                [
                    Problem(
                        "conflict",
                        "status",
                        f"version {latest.number} is already submitted",
                        "submitted",
                        "draft",
                    )
                ]
            )
        plan = load_document(latest.document)
        findings = run_checks(plan, load_pack(plan.policy))
        if has_errors(findings):
            return SubmitResult(plan_id, latest.number, latest.sha256, False, findings)
        store.mark_submitted(plan_id, latest.number)
        record(
            store,
            Kind.SUBMITTED,
            actor=actor,
            plan_id=plan_id,
            version=latest.number,
            payload={"sha256": latest.sha256, "warnings": len(findings)},
        )
        return SubmitResult(plan_id, latest.number, latest.sha256, True, findings)

    return write(db, work)


def sign(
    db: Database,
    plan_id: str,
    *,
    name: str,
    role: str,
    organisation: str,
    actor: str,
    expected: int | str | None = None,
) -> PlanStatus:
    """Sign the latest, submitted version for one signatory organisation; the signature binds to its hash."""
    name, role, organisation = name.strip(), role.strip(), organisation.strip()
    blank = [
        Problem("reference", label, f"{label} is required")
        for label, v in (("name", name), ("role", role))
        if not v
    ]
    if blank:
        raise InputRejected(blank)

    def work(store: Store) -> PlanStatus:
        latest = require_version(store, plan_id)
        _expect(store, latest, expected)
        if latest.status != "submitted":
            raise Conflict(
                [
                    Problem(
                        "conflict",
                        "status",
                        f"version {latest.number} is a draft; submit it before anyone signs",
                        "draft",
                        "submitted",
                    )
                ]
            )
        plan = load_document(latest.document)
        required = [s.signs_for for s in plan.signatories]
        if organisation not in required:
            raise InputRejected(
                [
                    Problem(
                        "reference",
                        "signatories",
                        f"{organisation!r} is not one of the plan's signatories",
                        organisation,
                        ", ".join(dict.fromkeys(required)) or "the plan lists no signatories",
                    )
                ]
            )
        status = derive_status(store.events(plan_id), required)
        already = next((s for s in status.signatures if s.organisation == organisation), None)
        if already is not None:
            raise Conflict(
                [
                    Problem(
                        "conflict",
                        "organisation",
                        f"{organisation} has already signed version {latest.number} ({already.name}, {already.role})",
                    )
                ]
            )
        record(
            store,
            Kind.SIGNED,
            actor=actor,
            plan_id=plan_id,
            version=latest.number,
            payload={"sha256": latest.sha256, "name": name, "role": role, "organisation": organisation},
        )
        return derive_status(store.events(plan_id), required)

    return write(db, work)
