"""Load the demo plans through the ordinary import path, once: a second run changes nothing.

The demo's quarterly returns follow the plans through the ordinary return path (``services.returns``),
so the monitoring pages have a year in progress to show; a return already stored is not sent again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carepool.demo import build_demo_plans
from carepool.demo.returns import build_demo_returns
from carepool.model import Plan, content_hash, pretty_json
from carepool.monitoring.returns import canonical_return
from carepool.services.documents import sha256_text
from carepool.services.imports import import_plan_bytes
from carepool.services.ports import Database
from carepool.services.returns import record_return_bytes


@dataclass(frozen=True, slots=True)
class Loaded:
    plan_id: str
    title: str
    version: int
    sha256: str
    result: str  # created | new_version | already_loaded

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan": self.plan_id,
            "title": self.title,
            "version": self.version,
            "sha256": self.sha256,
            "result": self.result,
        }


def load_plans(db: Database, plans: list[Plan], actor: str) -> list[Loaded]:
    loaded = []
    for plan in plans:
        sha = content_hash(plan)
        with db.transaction() as store:
            latest = store.version(plan.id)
        if latest is not None and latest.sha256 == sha:
            loaded.append(Loaded(plan.id, plan.title, latest.number, sha, "already_loaded"))
            continue
        result = import_plan_bytes(db, pretty_json(plan).encode("utf-8"), f"demo/{plan.id}.json", actor)
        loaded.append(
            Loaded(plan.id, plan.title, result.saved.number, result.saved.sha256, result.saved.result)
        )
    return loaded


def load_demo_returns(db: Database, plans: list[Plan], actor: str) -> int:
    """Record the demo returns not yet stored (the same document as a stored revision counts as stored);
    how many were recorded."""
    recorded = 0
    for ret in build_demo_returns(plans):
        text = canonical_return(ret)
        with db.transaction() as store:
            stored = {r.sha256 for r in store.returns(ret.plan) if r.quarter == ret.quarter}
        if sha256_text(text) in stored:
            continue
        name = f"demo/{ret.plan}-{ret.quarter.replace(' ', '-')}.json"
        record_return_bytes(db, text.encode("utf-8"), name, actor, ret.plan)
        recorded += 1
    return recorded


def load_demo(db: Database, actor: str) -> list[Loaded]:
    """The demo areas (fictional, synthetic figures) from ``carepool.demo``, and their returns."""
    plans = build_demo_plans()
    loaded = load_plans(db, plans, actor)
    load_demo_returns(db, plans, actor)
    return loaded
