"""Stored plan documents: canonical JSON text in, ``Plan`` out; lookups that raise ``NotFound``."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

from carepool.model import Plan
from carepool.problems import NotFound
from carepool.services.ports import Store
from carepool.services.records import PlanHeader, VersionRecord


def load_document(text: str) -> Plan:
    """A stored version was fully validated on the way in, so only the model is rebuilt here."""
    return Plan.model_validate(json.loads(text, parse_float=Decimal))


def document_data(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text, parse_float=Decimal)
    return data


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def require_plan(store: Store, plan_id: str) -> PlanHeader:
    header = store.plan(plan_id)
    if header is None:
        raise NotFound(f"there is no stored plan with id {plan_id!r} (see `carepool plan list`)")
    return header


def require_version(store: Store, plan_id: str, number: int | None = None) -> VersionRecord:
    require_plan(store, plan_id)
    version = store.version(plan_id, number)
    if version is None:
        raise NotFound(f"plan {plan_id!r} has no version {number} (see `carepool plan versions {plan_id}`)")
    return version


def short(sha: str) -> str:
    return sha[:12]
