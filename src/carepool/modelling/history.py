"""Quarterly emergency-admissions history recorded in a plan.

Two places hold it: ``performance.baseline`` (each row is the payment quarter's baseline, i.e. the same
quarter one year earlier, so it is history for the quarter four before its label) and the quarterly
``actuals`` of the ``nel_admissions`` metric. Only quarters before the first payment quarter count: the
ambition is judged on what was known when it was set. Where both give a quarter, the baseline wins (it is
what the pot was computed from).
"""

from __future__ import annotations

from decimal import Decimal

from carepool.model.plan import Plan
from carepool.modelling.quarters import is_quarter, quarter_index, shift

NEL_METRIC = "nel_admissions"


def plan_history(plan: Plan, payment_quarters: list[str], metric: str = NEL_METRIC) -> dict[str, Decimal]:
    """Quarter label → admissions, oldest first, strictly before the first payment quarter."""
    if not payment_quarters:
        return {}
    first = min(quarter_index(q) for q in payment_quarters)
    found: dict[str, Decimal] = {}
    for recorded in plan.metrics:
        if recorded.metric != metric:
            continue
        for value in recorded.actuals:
            if is_quarter(value.period):
                found[value.period] = value.value
    for row in plan.performance.baseline:
        if is_quarter(row.quarter):
            found[shift(row.quarter, -4)] = row.admissions
    return {q: found[q] for q in sorted(found, key=quarter_index) if quarter_index(q) < first}
