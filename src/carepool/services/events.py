"""Writing to the audit trail: every change a service makes goes through ``record``."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from carepool.services.chain import chain_event
from carepool.services.clock import now
from carepool.services.ports import Store


class Kind(StrEnum):
    CREATED = "created"  # first version of a new plan
    DRAFT_SAVED = "draft_saved"  # a further version
    REOPENED = "reopened"  # a submitted version superseded by a new draft; its signatures lapse
    SUBMITTED = "submitted"
    SIGNED = "signed"
    IMPORTED = "imported"  # a file accepted (the version events say what it produced)
    IMPORT_REJECTED = "import_rejected"  # a file refused; only the file and this event were written
    ASSURED = "assured"  # an assurance decision on a submitted version (bound to its hash)
    CONDITION_CLEARED = "condition_cleared"  # one condition of that decision met
    SCENARIOS_SAVED = "scenarios_saved"  # a named set of what-if scenarios kept with the plan
    RETURN_RECORDED = "return_recorded"  # a quarterly return accepted (its file, quarter and revision)
    # Accounts (no plan): who may do what is part of the record too.
    ACCOUNT_CREATED = "account_created"
    ROLE_GRANTED = "role_granted"
    ROLE_REVOKED = "role_revoked"
    ACCOUNT_DISABLED = "account_disabled"
    ACCOUNT_ENABLED = "account_enabled"
    PASSWORD_RESET = "password_reset"  # by an admin; the person's sessions end


ACCOUNT_KINDS = frozenset(
    {
        Kind.ACCOUNT_CREATED,
        Kind.ROLE_GRANTED,
        Kind.ROLE_REVOKED,
        Kind.ACCOUNT_DISABLED,
        Kind.ACCOUNT_ENABLED,
        Kind.PASSWORD_RESET,
    }
)


ACTOR_MAX = 200  # the column width in the store


def actor_name(actor: str) -> str:
    """Who acted, as stored: trimmed, never empty, within the column (an absurd name is cut, not refused,
    so the audit trail still gets written)."""
    return actor.strip()[:ACTOR_MAX] or "unknown"


def record(
    store: Store,
    kind: Kind,
    *,
    actor: str,
    plan_id: str | None,
    version: int | None,
    payload: dict[str, Any],
    at: datetime | None = None,
) -> int:
    event = chain_event(
        store.last_event_hash(),
        plan_id=plan_id,
        version=version,
        kind=kind.value,
        actor=actor_name(actor),
        at=at or now(),
        payload=payload,
    )
    return store.append_event(event)
