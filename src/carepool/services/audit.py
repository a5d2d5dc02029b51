"""The audit trail: a plan's timeline, and verification that nothing stored was altered.

``verify_audit_chain`` recomputes every event hash and link, and cross-checks the other records
against the chain: each upload's bytes against its hash and against the event that logged it, each
version's document against its hash and the event that created it, each submitted status against
a ``submitted`` event, and each quarterly return's document against its hash and its
``return_recorded`` event. Someone able to rewrite rows with raw SQL can change one table, but cannot
make all of these agree without recomputing the chain to its end, which a kept copy of the last hash
(printed by ``carepool audit verify``, and passed back later as ``--anchor``) exposes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from carepool.services.chain import GENESIS, recompute, stamp
from carepool.services.documents import require_plan, sha256_bytes, sha256_text
from carepool.services.events import ACCOUNT_KINDS, Kind
from carepool.services.ports import Database
from carepool.services.records import EventRecord


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    id: int
    at: datetime
    kind: str
    actor: str
    version: int | None
    detail: dict[str, Any]

    @property
    def summary(self) -> str:
        d = self.detail
        match self.kind:
            case Kind.CREATED:
                return f"plan created as version {self.version}"
            case Kind.DRAFT_SAVED:
                return f"version {self.version} saved as a draft (based on version {d.get('based_on')})"
            case Kind.REOPENED:
                lapsed = d.get("signatures_lapsed", 0)
                return f"version {self.version} superseded by draft {d.get('superseded_by')}; {lapsed} signature(s) lapsed"
            case Kind.SUBMITTED:
                return f"version {self.version} submitted"
            case Kind.SIGNED:
                return f"signed for {d.get('organisation')} by {d.get('name')}, {d.get('role')}"
            case Kind.IMPORTED:
                return f"file {d.get('filename')} imported (upload {d.get('upload_id')}): {d.get('result')}"
            case Kind.IMPORT_REJECTED:
                return f"file {d.get('filename')} refused (upload {d.get('upload_id')}): {d.get('first_problem')}"
            case Kind.RETURN_RECORDED:
                if d.get("result") == "unchanged":
                    return (
                        f"{d.get('quarter')} return received again unchanged (revision {d.get('revision')}, "
                        f"upload {d.get('upload_id')})"
                    )
                return (
                    f"{d.get('quarter')} return recorded as revision {d.get('revision')} against version "
                    f"{self.version} (upload {d.get('upload_id')})"
                )
            case Kind.SCENARIOS_SAVED:
                names = ", ".join(str(sc.get("name")) for sc in d.get("scenarios", []))
                return f"scenarios saved as '{d.get('title')}': {names}"
            case Kind.ACCOUNT_CREATED:
                roles = "; ".join(str(r.get("describe")) for r in d.get("roles", []))
                return f"account {d.get('username')} created for {d.get('display_name')}" + (
                    f" as {roles}" if roles else ""
                )
            case Kind.ROLE_GRANTED:
                return f"{d.get('username')} given the role {d.get('role', {}).get('describe')}"
            case Kind.ROLE_REVOKED:
                return f"{d.get('username')} no longer has the role {d.get('role', {}).get('describe')}"
            case Kind.ACCOUNT_DISABLED:
                return f"account {d.get('username')} disabled; its sessions ended"
            case Kind.ACCOUNT_ENABLED:
                return f"account {d.get('username')} enabled"
            case Kind.PASSWORD_RESET:
                return f"password of {d.get('username')} reset; its sessions ended"
        return self.kind

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": stamp(self.at),
            "kind": self.kind,
            "actor": self.actor,
            "version": self.version,
            "summary": self.summary,
            "detail": self.detail,
        }


def timeline(db: Database, plan_id: str) -> list[TimelineEntry]:
    with db.transaction() as store:
        require_plan(store, plan_id)
        events = store.events(plan_id)
    return [TimelineEntry(e.id, e.at, e.kind, e.actor, e.version, json.loads(e.payload)) for e in events]


def account_timeline(db: Database) -> list[TimelineEntry]:
    """Every change to accounts and roles, oldest first."""
    with db.transaction() as store:
        events = [e for e in store.events() if e.plan_id is None and e.kind in ACCOUNT_KINDS]
    return [TimelineEntry(e.id, e.at, e.kind, e.actor, e.version, json.loads(e.payload)) for e in events]


@dataclass(frozen=True, slots=True)
class AuditReport:
    events: int
    uploads: int
    versions: int
    last_hash: str
    problems: list[str] = field(default_factory=list)
    returns: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "uploads": self.uploads,
            "versions": self.versions,
            "returns": self.returns,
            "last_hash": self.last_hash,
            "problems": self.problems,
        }


def _chain_problems(events: list[EventRecord]) -> list[str]:
    problems = []
    prev = GENESIS
    for ev in events:
        if ev.prev_hash != prev:
            problems.append(
                f"event {ev.id} ({ev.kind}): link to the previous event is broken (missing or reordered)"
            )
        if recompute(ev) != ev.hash:
            problems.append(f"event {ev.id} ({ev.kind}): its content does not match its hash (altered)")
        prev = ev.hash
    return problems


def verify_audit_chain(db: Database, anchors: Sequence[str] = ()) -> AuditReport:
    """Verify everything stored. ``anchors`` are last hashes printed by earlier runs and kept elsewhere:
    each must still be in the chain, which catches a history rewritten and re-hashed to its end."""
    with db.transaction() as store:
        events = store.events()
        uploads = store.uploads()
        versions = store.all_versions()
        returns = store.returns()
    problems = _chain_problems(events)
    hashes = {ev.hash for ev in events}
    problems += [
        f"anchor {a} is no longer in the chain: history up to it was rewritten"
        for a in anchors
        if a not in hashes
    ]
    payloads = [(ev, json.loads(ev.payload)) for ev in events]
    logged_uploads = {
        int(p["upload_id"]): str(p.get("file_sha256"))
        for ev, p in payloads
        if ev.kind in (Kind.IMPORTED, Kind.IMPORT_REJECTED, Kind.RETURN_RECORDED) and "upload_id" in p
    }
    for up in uploads:
        if sha256_bytes(up.content) != up.sha256:
            problems.append(f"upload {up.id} ({up.filename}): its bytes do not match its stored hash")
        if logged_uploads.get(up.id) != up.sha256:
            problems.append(
                f"upload {up.id} ({up.filename}): not logged in the event chain with this content"
            )
    created = {
        (ev.plan_id, ev.version): str(p.get("sha256"))
        for ev, p in payloads
        if ev.kind in (Kind.CREATED, Kind.DRAFT_SAVED)
    }
    submitted = {(ev.plan_id, ev.version) for ev in events if ev.kind == Kind.SUBMITTED}
    for v in versions:
        where = f"plan {v.plan_id} version {v.number}"
        if sha256_text(v.document) != v.sha256:
            problems.append(f"{where}: its document does not match its stored hash")
        if created.get((v.plan_id, v.number)) != v.sha256:
            problems.append(f"{where}: not logged in the event chain with this hash")
        if (v.status == "submitted") != ((v.plan_id, v.number) in submitted):
            problems.append(f"{where}: status {v.status!r} disagrees with the event chain")
    recorded = {
        (ev.plan_id, str(p.get("quarter")), p.get("revision")): str(p.get("sha256"))
        for ev, p in payloads
        if ev.kind == Kind.RETURN_RECORDED and p.get("result") == "recorded"
    }
    for r in returns:
        where = f"plan {r.plan_id} {r.quarter} return revision {r.revision}"
        if sha256_text(r.document) != r.sha256:
            problems.append(f"{where}: its document does not match its stored hash")
        if recorded.get((r.plan_id, r.quarter, r.revision)) != r.sha256:
            problems.append(f"{where}: not logged in the event chain with this hash")
    return AuditReport(
        len(events),
        len(uploads),
        len(versions),
        events[-1].hash if events else GENESIS,
        problems,
        len(returns),
    )
