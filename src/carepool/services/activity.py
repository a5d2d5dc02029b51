"""Metrics computed from records become a stored plan's actuals, as a new draft version."""

from __future__ import annotations

from collections.abc import Iterable

from carepool.activity.actuals import apply_actuals
from carepool.activity.definitions import MetricResult
from carepool.services.plans import stored_plan
from carepool.services.ports import Database
from carepool.services.versioning import Saved
from carepool.services.workflow import save_draft


def apply_metric_actuals(db: Database, plan_id: str, results: Iterable[MetricResult], actor: str) -> Saved:
    """Write the area's computed actuals into the latest version of ``plan_id`` (optimistic: based on it)."""
    latest, plan = stored_plan(db, plan_id)
    return save_draft(db, apply_actuals(plan, results), based_on=latest.number, actor=actor)
