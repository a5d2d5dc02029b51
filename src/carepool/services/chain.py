"""The hash chain over events: each event's hash covers its fields and the previous event's hash.

Editing, deleting or reordering any stored event breaks the chain from that point on, which
``carepool.services.audit.verify_audit_chain`` reports.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from carepool.services.records import ChainedEvent

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def stamp(at: datetime) -> str:
    """One spelling of a moment, whatever the database gave back (naive UTC on SQLite)."""
    moment = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def event_body(
    plan_id: str | None, version: int | None, kind: str, actor: str, at: datetime, payload: str
) -> str:
    return canonical(
        {
            "plan_id": plan_id,
            "version": version,
            "kind": kind,
            "actor": actor,
            "at": stamp(at),
            "payload": payload,
        }
    )


def event_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def chain_event(
    prev_hash: str | None,
    *,
    plan_id: str | None,
    version: int | None,
    kind: str,
    actor: str,
    at: datetime,
    payload: dict[str, Any],
) -> ChainedEvent:
    prev = prev_hash or GENESIS
    text = canonical(payload)
    body = event_body(plan_id, version, kind, actor, at, text)
    return ChainedEvent(plan_id, version, kind, actor, at, text, prev, event_hash(prev, body))


def recompute(event: ChainedEvent) -> str:
    body = event_body(event.plan_id, event.version, event.kind, event.actor, event.at, event.payload)
    return event_hash(event.prev_hash, body)
