"""Demo quarterly returns (SYNTHETIC): the first two quarters of 2015-16 for the city, so the monitoring
pages, ``carepool monitor position`` and the board paper have a year in progress to show.

Spend to date is each scheme's straight-line profile nudged by a fixed pattern (some schemes ahead, some
behind); the forecast outturn is the year's budget nudged the same way, in whole pounds. Admissions for the
payment quarters come in a little either side of plan.
"""

from __future__ import annotations

from decimal import Decimal

from carepool.model import Plan
from carepool.money import POUND, round_to
from carepool.monitoring.cycle import scheme_budget
from carepool.monitoring.returns import ConditionUpdate, MetricActual, QuarterlyReturn, SchemeSpend

YEAR = "2015-16"
SPEND_PATTERN = tuple(Decimal(x) for x in ("0.97", "1.03", "0.92", "1.00", "1.06", "0.99", "1.01", "0.95"))
FORECAST_PATTERN = tuple(Decimal(x) for x in ("1.00", "1.02", "0.98", "1.00", "1.04", "1.00", "0.99", "1.01"))
# Payment quarter → admissions reported (the plan already holds 2014-15 Q4 and 2015-16 Q1).
ADMISSIONS = {"2015-16 Q1": Decimal(7162), "2015-16 Q2": Decimal(7096)}
DTOC = {"2015-16 Q1": Decimal("829.4"), "2015-16 Q2": Decimal("815.2")}
NARRATIVE = {
    "2015-16 Q1": (
        "SYNTHETIC. The integrated discharge team reached full strength in May. Emergency admissions in the "
        "quarter were 21 above plan; the falls service started its winter preparation early."
    ),
    "2015-16 Q2": (
        "SYNTHETIC. Admissions came in 45 below plan. Reablement spend runs ahead of profile because the "
        "new community beds opened in August; the board is asked to note the forecast overspend there."
    ),
}


def _return(plan: Plan, quarter: str) -> QuarterlyReturn:
    elapsed = Decimal(int(quarter[-1]))
    spend = []
    for i, s in enumerate(plan.schemes):
        budget = scheme_budget(plan, s.ref, YEAR)
        if budget == 0:
            continue
        factor = SPEND_PATTERN[(i + int(elapsed)) % len(SPEND_PATTERN)]
        spend.append(
            SchemeSpend(
                scheme=s.ref,
                spend_to_date=round_to(budget * elapsed / 4 * factor, POUND),
                forecast_outturn=round_to(budget * FORECAST_PATTERN[i % len(FORECAST_PATTERN)], POUND),
            )
        )
    return QuarterlyReturn(
        plan=plan.id,
        quarter=quarter,
        spend=spend,
        metrics=[
            MetricActual(metric="nel_admissions", period=quarter, value=ADMISSIONS[quarter]),
            MetricActual(metric="dtoc", period=quarter, value=DTOC[quarter]),
        ],
        conditions=[ConditionUpdate(condition=c.condition, status=c.status) for c in plan.conditions],
        narrative=NARRATIVE[quarter],
    )


def build_demo_returns(plans: list[Plan]) -> list[QuarterlyReturn]:
    """The demo returns, oldest first, for the demo plans that have them (the city's)."""
    city = next((p for p in plans if p.id == "demo-brackenford-2015-16"), None)
    if city is None:
        return []
    return [_return(city, q) for q in ADMISSIONS]
