"""Plain data (JSON-ready dicts) and text for cycle results: money as strings with pence, never floats."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from carepool.finance.performance import ReleaseSchedule
from carepool.finance.risk_share import Settlement
from carepool.money import fmt_pounds
from carepool.monitoring.cycle import CycleResult


def money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"


def count(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def release_dict(schedule: ReleaseSchedule) -> dict[str, Any]:
    d = schedule.design
    return {
        "unit_cost": money(d.unit_cost),
        "pot": money(d.pot),
        "ambition_pct": None if d.ambition_pct is None else str(d.ambition_pct),
        "ring_fence": money(d.ring_fence),
        "cap_pct": str(schedule.cap * 100),
        "released": money(schedule.released),
        "retained": money(schedule.retained),
        "pending": money(schedule.pending),
        "quarters": [
            {
                "quarter": q.quarter,
                "pot": money(q.pot),
                "planned_reduction": count(q.planned_reduction),
                "actual_reduction": count(q.actual_reduction),
                "achievement_pct": None if q.achievement_pct is None else str(q.achievement_pct),
                "released": money(q.released),
                "retained": money(q.retained),
                "released_to_date": money(q.released_to_date),
                "retained_to_date": money(q.retained_to_date),
                "assessed": q.assessed,
            }
            for q in schedule.quarters
        ],
    }


def settlement_dict(s: Settlement) -> dict[str, Any]:
    return {
        "year": s.year,
        "method": s.method.value,
        "budget": money(s.budget),
        "actual": money(s.actual),
        "overspend": money(s.overspend),
        "underspend": money(s.underspend),
        "to_settle": money(s.to_settle),
        "steps": [
            {
                "step": st.step,
                "amount": money(st.amount),
                "partner": st.partner,
                "scheme": st.scheme,
                "note": st.note,
            }
            for st in s.steps
        ],
        "uncovered": money(s.uncovered),
        "underspend_retained": money(s.underspend_retained),
        "by_partner": {k: money(v) for k, v in sorted(s.by_partner().items())},
        "reconciles": s.reconciles(),
    }


def cycle_dict(c: CycleResult) -> dict[str, Any]:
    return {
        "plan": c.plan_id,
        "quarter": c.quarter,
        "year": c.year,
        "performance": {
            "assessed_now": list(c.assessed_now),
            "released_now": money(c.released_now),
            "retained_now": money(c.retained_now),
            "note": c.performance_note,
            "schedule": None if c.release is None else release_dict(c.release),
        },
        "position": {
            "budget": money(c.budget),
            "profile_to_date": money(c.profile_to_date),
            "spend_to_date": money(c.spend_to_date),
            "schemes": [
                {
                    "scheme": s.scheme,
                    "name": s.name,
                    "budget": money(s.budget),
                    "profile_to_date": money(s.profile_to_date),
                    "spend_to_date": money(s.spend_to_date),
                    "variance_to_date": money(s.variance_to_date),
                    "forecast_outturn": money(s.forecast_outturn),
                }
                for s in c.schemes
            ],
        },
        "settlement": {
            "basis": c.settlement_basis,
            "note": c.settlement_note,
            "result": None if c.settlement is None else settlement_dict(c.settlement),
        },
    }


def settlement_lines(s: Settlement) -> list[str]:
    """Each step of a settlement as a sentence, in order."""
    lines = [
        f"{s.year} ({s.method.value}): budget {fmt_pounds(s.budget)}, outturn {fmt_pounds(s.actual)}; "
        f"to settle {fmt_pounds(s.to_settle)}."
    ]
    for i, st in enumerate(s.steps, 1):
        who = f" by {st.partner}" if st.partner else ""
        where = f" (scheme {st.scheme})" if st.scheme else ""
        lines.append(f"{i}. {st.step.replace('_', ' ')}{who}{where}: {fmt_pounds(st.amount)} — {st.note}")
    if s.uncovered:
        lines.append(f"Not covered by any step: {fmt_pounds(s.uncovered)}")
    if s.underspend_retained:
        lines.append(f"Underspend retained in the pool: {fmt_pounds(s.underspend_retained)}")
    return lines
