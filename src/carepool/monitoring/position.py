"""A year's cumulative monitoring position from the returns received so far.

The returns of one financial year (the latest revision of each quarter) are applied to the plan in
quarter order with ``cycle.apply_return``, each on the plan the one before left (its admissions, metric
actuals and condition status recorded). The last step is the position now: the performance money
released and retained per payment quarter, spend to date against the straight-line profile per scheme,
and the settlement (year end, or forecast). Nothing is recomputed here: every figure is the cycle's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from carepool.model.plan import Plan
from carepool.modelling.quarters import quarter_index
from carepool.money import ZERO
from carepool.monitoring.cycle import CycleResult, SchemeProgress, apply_return
from carepool.monitoring.returns import QuarterlyReturn
from carepool.monitoring.views import cycle_dict, money
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem


@dataclass(frozen=True, slots=True)
class YearPosition:
    plan_id: str
    year: str
    steps: tuple[CycleResult, ...]  # one per quarter reported, in quarter order

    @property
    def latest(self) -> CycleResult:
        return self.steps[-1]

    @property
    def quarters(self) -> tuple[str, ...]:
        return tuple(s.quarter for s in self.steps)

    @property
    def plan(self) -> Plan:
        """The plan with every return of the year recorded."""
        return self.latest.plan

    @property
    def schemes(self) -> tuple[SchemeProgress, ...]:
        return self.latest.schemes

    @property
    def released(self) -> Decimal:
        return ZERO if self.latest.release is None else self.latest.release.released

    @property
    def retained(self) -> Decimal:
        return ZERO if self.latest.release is None else self.latest.release.retained

    @property
    def pending(self) -> Decimal:
        return ZERO if self.latest.release is None else self.latest.release.pending

    def assessed_by(self) -> dict[str, str]:
        """Payment quarter → the return quarter whose admissions figure for it counts (the latest)."""
        found: dict[str, str] = {}
        for step in self.steps:
            for q in step.assessed_now:
                found[q] = step.quarter
        return found

    def to_dict(self) -> dict[str, Any]:
        latest = cycle_dict(self.latest)
        return {
            "plan": self.plan_id,
            "year": self.year,
            "quarters": [
                {
                    "quarter": s.quarter,
                    "assessed": list(s.assessed_now),
                    "budget": money(s.budget),
                    "profile_to_date": money(s.profile_to_date),
                    "spend_to_date": money(s.spend_to_date),
                }
                for s in self.steps
            ],
            "performance": {
                "released": money(self.released),
                "retained": money(self.retained),
                "pending": money(self.pending),
                "assessed_by": self.assessed_by(),
                "note": self.latest.performance_note,
                "schedule": latest["performance"]["schedule"],
            },
            "position": latest["position"],
            "settlement": latest["settlement"],
        }


def year_position(plan: Plan, pack: PolicyPack, returns: Sequence[QuarterlyReturn]) -> YearPosition:
    """Apply one year's returns (one per quarter) in quarter order. Raises InputRejected naming the
    quarter's return and the field when one of them no longer fits the plan."""
    if not returns:
        raise InputRejected([Problem("reference", "returns", "no returns to build a position from")])
    ordered = sorted(returns, key=lambda r: quarter_index(r.quarter))
    years = {r.year for r in ordered}
    quarters = [r.quarter for r in ordered]
    if len(years) != 1 or len(set(quarters)) != len(quarters):
        raise InputRejected(
            [
                Problem(
                    "reference",
                    "returns",
                    "a position is built from one return per quarter of one year",
                    ", ".join(quarters),
                )
            ]
        )
    steps: list[CycleResult] = []
    current = plan
    for ret in ordered:
        try:
            step = apply_return(current, pack, ret)
        except InputRejected as exc:
            raise InputRejected(
                [
                    Problem(p.stage, f"{ret.quarter} return: {p.location}", p.message, p.found, p.expected)
                    for p in exc.problems
                ]
            ) from None
        steps.append(step)
        current = step.plan
    return YearPosition(plan.id, ordered[0].year, tuple(steps))
