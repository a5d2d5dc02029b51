"""Canonical JSON of a plan and its SHA-256 content hash (what sign-offs bind to)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from carepool.model.plan import Plan


def plan_to_data(plan: Plan) -> dict[str, Any]:
    data: dict[str, Any] = plan.model_dump(mode="json")
    return data


def canonical_json(plan: Plan) -> str:
    """Sorted keys, no insignificant white space, money as two-decimal strings: equal plans, equal text."""
    return json.dumps(plan_to_data(plan), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def content_hash(plan: Plan) -> str:
    return hashlib.sha256(canonical_json(plan).encode("utf-8")).hexdigest()


def pretty_json(plan: Plan) -> str:
    """The exchange file people read and diff: indented, keys in model order."""
    return json.dumps(plan_to_data(plan), indent=2, ensure_ascii=False) + "\n"
