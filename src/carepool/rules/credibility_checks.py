"""Credibility of the emergency-admissions ambition, judged against the area's own history.

P4P-101 fits trend and seasonality to the quarterly admissions the plan records before the payment year
(``performance.baseline`` and the quarterly actuals of the ``nel_admissions`` metric; see
``carepool.modelling.history``) and simulates the payment year (``carepool.modelling.montecarlo``). When the
probability that the year's admissions come in at or under plan is below the threshold, it warns. With
fewer than 8 quarters of history (or a plan whose pot cannot be computed) it finds nothing: P4P-004 and
the baseline checks speak for an incomplete plan.

Before: ten quarters of history rising 5% a year and an ambition of a 3.5% cut → P4P-101 warns at
``performance.planned`` ("… reduction is under 0.1% likely to be met …").
After: the ambition lowered to what history supports, or a trend already falling → no finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from carepool.modelling.montecarlo import simulate_plan
from carepool.modelling.trend import NotEnoughHistory
from carepool.money import fmt_pounds
from carepool.problems import InputRejected
from carepool.rules.base import CheckContext, Draft, Severity, check

THRESHOLD_PCT = Decimal(20)  # "ambitions that history makes unlikely (say, under 20% probability)"
RUNS = 20_000  # Monte Carlo error of a 20% probability is then about ±0.3 percentage points
SEED = 20140725  # fixed, so a plan's findings never change between runs (date of the revised guidance)


def credibility(ctx: CheckContext, threshold_pct: Decimal = THRESHOLD_PCT) -> Iterator[Draft]:
    """The check with its threshold as a parameter (the registered check uses 20%)."""
    if ctx.pack.performance.mechanism != "nel_reduction":
        return
    try:
        result = simulate_plan(ctx.plan, ctx.pack, RUNS, SEED)
    except (NotEnoughHistory, InputRejected):
        return
    probability = Decimal(repr(result.probability_year)) * 100
    if probability >= threshold_pct:
        return
    model = result.model
    shown = f"{probability.quantize(Decimal('0.1'))}%" if probability >= Decimal("0.1") else "under 0.1%"
    yield Draft(
        message=(
            f"On the area's history ({len(model.quarters)} quarters, {model.quarters[0]} to "
            f"{model.quarters[-1]}, trend {model.annual_growth_pct:+.1f}% a year) the planned "
            f"{result.design.ambition_pct}% reduction is {shown} likely to be met for the year. "
            f"Expected release {fmt_pounds(result.expected_released)} of a {fmt_pounds(result.design.pot)} pot. "
            "Revisit the ambition, or record why the schemes will break the trend."
        ),
        location="performance.planned",
        found=shown,
        expected=f"≥ {threshold_pct}% probability",
    )


@check(
    "P4P-101",
    "Ambition credible against the area's admissions history",
    Severity.WARNING,
    "Ambition set locally and credible (July 2014); areas planned −3% while admissions rose ~5% a year",
)
def ambition_credible(ctx: CheckContext) -> Iterator[Draft]:
    """Warns when history makes meeting the year's admissions plan less than 20% likely.

    Before: history rising 5% a year, plan 3.5% fewer → warning at performance.planned.
    After: an ambition history supports → no finding.
    """
    yield from credibility(ctx)
