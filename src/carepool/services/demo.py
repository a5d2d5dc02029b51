"""Load the demo plans through the ordinary import path, once: a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carepool.demo import build_demo_plans
from carepool.model import Plan, content_hash, pretty_json
from carepool.services.imports import import_plan_bytes
from carepool.services.ports import Database


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


def load_demo(db: Database, actor: str) -> list[Loaded]:
    """The demo areas (fictional, synthetic figures) from ``carepool.demo``."""
    return load_plans(db, build_demo_plans(), actor)
