"""Named what-if scenarios kept with a plan: saved as events (so the audit trail has them and they are
never overwritten), compared side by side against the plan as it stands by the scenarios engine."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from carepool.io.plan_json import problems_from_validation
from carepool.modelling.scenarios import ScenarioResult, ScenarioSet, comparison_table, run_scenarios
from carepool.policy import load_pack
from carepool.problems import InputRejected, Problem
from carepool.services.documents import load_document, require_version
from carepool.services.events import Kind, record
from carepool.services.ports import Database, Store
from carepool.services.units import write

TITLE_MAX = 120


@dataclass(frozen=True, slots=True)
class SavedScenarios:
    title: str
    scenarios: ScenarioSet
    actor: str
    at: datetime
    event_id: int


@dataclass(frozen=True, slots=True)
class Comparison:
    plan_id: str
    version: int
    results: list[ScenarioResult]
    columns: list[str]
    rows: list[list[str]]


def parse_scenarios(data: dict[str, Any]) -> ScenarioSet:
    try:
        return ScenarioSet.model_validate(data)
    except ValidationError as exc:
        raise InputRejected(problems_from_validation(exc)) from None


def compare(db: Database, plan_id: str, scenarios: ScenarioSet) -> Comparison:
    """The scenarios against the plan's latest version ("As planned" first)."""
    with db.transaction() as store:
        latest = require_version(store, plan_id)
    plan = load_document(latest.document)
    results = run_scenarios(plan, load_pack(plan.policy), scenarios)
    columns, rows = comparison_table(results)
    return Comparison(plan_id, latest.number, results, columns, rows)


def save_scenarios(db: Database, plan_id: str, title: str, scenarios: ScenarioSet, *, actor: str) -> int:
    """Keep a named set: it must run on the plan as it stands (all or nothing). Returns its event id."""
    name = title.strip()
    if not name or len(name) > TITLE_MAX:
        raise InputRejected(
            [Problem("schema", "title", f"give the set a name of 1 to {TITLE_MAX} characters")]
        )
    compare(db, plan_id, scenarios)  # refuses what the engine cannot run, naming the field

    def work(store: Store) -> int:
        latest = require_version(store, plan_id)
        payload = {"title": name, **scenarios.model_dump(mode="json")}
        return record(
            store, Kind.SCENARIOS_SAVED, actor=actor, plan_id=plan_id, version=latest.number, payload=payload
        )

    return write(db, work)


def saved_scenarios(db: Database, plan_id: str) -> list[SavedScenarios]:
    """Every set saved for the plan, newest first."""
    with db.transaction() as store:
        require_version(store, plan_id)
        events = [e for e in store.events(plan_id) if e.kind == Kind.SCENARIOS_SAVED.value]
    out = []
    for ev in reversed(events):
        payload = json.loads(ev.payload)
        title = str(payload.pop("title", ""))
        out.append(SavedScenarios(title, ScenarioSet.model_validate(payload), ev.actor, ev.at, ev.id))
    return out
