"""Saving a plan document as a new version: never overwriting, and never on top of a version the
caller did not see (optimistic concurrency: the caller names the version it edited)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from carepool.model import Plan, canonical_json
from carepool.problems import InputRejected, Problem
from carepool.services.chain import stamp
from carepool.services.diff import changed_paths
from carepool.services.documents import sha256_text, short
from carepool.services.errors import Conflict
from carepool.services.events import Kind, actor_name, record
from carepool.services.ports import Store
from carepool.services.records import PlanHeader, VersionRecord
from carepool.services.status import derive_status


@dataclass(frozen=True, slots=True)
class Saved:
    plan_id: str
    number: int
    sha256: str
    result: str  # created | new_version | unchanged

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_id, "version": self.number, "sha256": self.sha256, "result": self.result}


def find_base(store: Store, plan_id: str, based_on: int | str) -> VersionRecord:
    """A version by number (``3``) or by hash or hash prefix of at least 8 characters. A plan changed and
    changed back has two versions with one hash: the same content, so the latest of them is meant."""
    text = str(based_on).strip()
    if text.isdigit():
        version = store.version(plan_id, int(text))
    else:
        matches = [v for v in store.versions(plan_id) if len(text) >= 8 and v.sha256.startswith(text.lower())]
        version = matches[-1] if len({v.sha256 for v in matches}) == 1 else None
    if version is None:
        raise InputRejected(
            [
                Problem(
                    "reference",
                    "based_on",
                    f"plan {plan_id} has no such version",
                    text,
                    "a version number or hash",
                )
            ]
        )
    return version


def ensure_latest(store: Store, base: VersionRecord, latest: VersionRecord) -> None:
    """Refuse to build on a version that is no longer the latest, saying what moved on."""
    if base.number == latest.number:
        return
    changed = changed_paths(json.loads(base.document), json.loads(latest.document))
    what = ", ".join(changed) if changed else "nothing in the document (only its status)"
    raise Conflict(
        [
            Problem(
                "conflict",
                "based_on",
                (
                    f"you edited version {base.number}, but version {latest.number} was saved by "
                    f"{latest.created_by} at {stamp(latest.created_at)}; it changed: {what}. Nothing was "
                    f"written: export version {latest.number}, reapply your edits and save again."
                ),
                found=f"v{base.number} {short(base.sha256)}",
                expected=f"v{latest.number} {short(latest.sha256)}",
            )
        ]
    )


def identity_problems(header: PlanHeader, plan: Plan) -> list[Problem]:
    """A plan id stays with one area and one policy year; a different one is almost certainly a mistake."""
    problems = []
    if plan.area.ons_code != header.area_code:
        problems.append(
            Problem(
                "reference",
                "area.ons_code",
                f"plan id {plan.id} belongs to another area; give this plan a new id",
                plan.area.ons_code,
                header.area_code,
            )
        )
    if plan.policy != header.policy:
        problems.append(
            Problem(
                "reference",
                "policy",
                f"plan id {plan.id} is a {header.policy} plan; a plan for another policy year needs a new id",
                plan.policy,
                header.policy,
            )
        )
    return problems


def save_version(
    store: Store,
    plan: Plan,
    *,
    actor: str,
    at: datetime,
    based_on: int | str | None,
    source: dict[str, Any],
) -> Saved:
    """Store ``plan`` as the next version of its plan (or the first). Identical content saves nothing."""
    actor = actor_name(actor)
    document = canonical_json(plan)
    sha = sha256_text(document)
    header = store.plan(plan.id)
    if header is None:
        if based_on is not None:
            raise InputRejected([Problem("reference", "id", "there is no stored plan to build on", plan.id)])
        store.add_plan(PlanHeader(plan.id, plan.area.ons_code, plan.area.name, plan.policy, plan.title, at))
        store.add_version(VersionRecord(plan.id, 1, "draft", document, sha, at, actor, None))
        record(
            store,
            Kind.CREATED,
            actor=actor,
            plan_id=plan.id,
            version=1,
            at=at,
            payload={"sha256": sha, **source},
        )
        return Saved(plan.id, 1, sha, "created")
    problems = identity_problems(header, plan)
    if problems:
        raise InputRejected(problems)
    latest = store.version(plan.id)
    if latest is None:  # a header without versions cannot be made by the services
        raise InputRejected([Problem("reference", "id", "stored plan has no versions", plan.id)])
    if based_on is not None:
        ensure_latest(store, find_base(store, plan.id, based_on), latest)
    if latest.sha256 == sha:
        return Saved(plan.id, latest.number, sha, "unchanged")
    number = latest.number + 1
    if latest.status == "submitted":
        voided = derive_status(store.events(plan.id), [s.signs_for for s in plan.signatories]).signatures
        record(
            store,
            Kind.REOPENED,
            actor=actor,
            plan_id=plan.id,
            version=latest.number,
            at=at,
            payload={"superseded_by": number, "sha256": latest.sha256, "signatures_lapsed": len(voided)},
        )
    store.add_version(VersionRecord(plan.id, number, "draft", document, sha, at, actor, latest.number))
    store.update_plan_header(
        PlanHeader(plan.id, header.area_code, plan.area.name, header.policy, plan.title, at)
    )
    record(
        store,
        Kind.DRAFT_SAVED,
        actor=actor,
        plan_id=plan.id,
        version=number,
        at=at,
        payload={"sha256": sha, "based_on": latest.number, **source},
    )
    return Saved(plan.id, number, sha, "new_version")
