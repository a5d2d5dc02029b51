"""The charts of a year's monitoring position, each with its data table: admissions (history, plan,
actuals and the simulated range), performance money released and retained, and spend against profile.

Shared by the plan's monitoring page and the board paper, so both show the same figures drawn the same
way. Every figure comes from ``monitoring.position`` (the cycle) and ``modelling`` (the Monte Carlo).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from carepool.modelling.history import NEL_METRIC, plan_history
from carepool.modelling.montecarlo import FAN_PERCENTILES, SimulationResult
from carepool.modelling.quarters import is_quarter
from carepool.modelling.scenarios import BASE_NAME, Scenario, ScenarioSet, run_scenarios
from carepool.money import ZERO, fmt_pounds
from carepool.monitoring.position import YearPosition
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected
from carepool.reports.charts import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    RED,
    Chart,
    Series,
    bar_chart,
    fan_chart,
    short_money,
    trajectory_chart,
)


@dataclass(frozen=True, slots=True)
class MonitoringFigures:
    admissions: Chart | None
    money: Chart | None
    spend: Chart
    distribution: Chart | None  # money released across the simulated years
    exposure: Chart | None  # each partner's contribution and share of unearned money

    def all(self) -> list[Chart]:
        found = (self.admissions, self.money, self.spend, self.distribution, self.exposure)
        return [c for c in found if c is not None]


def admissions_chart(
    position: YearPosition, pack: PolicyPack, outlook: SimulationResult | None, chart_id: str = "admissions"
) -> Chart | None:
    """The fan chart when the model could run; otherwise the metric's trajectory (plan and actuals)."""
    plan = position.plan
    metric = pack.performance.metric or NEL_METRIC
    actual = {a.quarter: a.admissions for a in plan.performance.actuals}
    planned = {p.quarter: p.admissions for p in plan.performance.planned}
    if outlook is not None:
        history = list(plan_history(plan, list(pack.performance.quarters), metric).items())
        bands = [(q.quarter, {p: q.bands[p] for p in FAN_PERCENTILES}) for q in outlook.quarters]
        return fan_chart(
            chart_id,
            "Emergency admissions: history, plan, actuals and the simulated range",
            history,
            bands,
            planned,
            actual,
        )
    series = next((m for m in plan.metrics if m.metric == metric), None)
    if series is None:
        return None
    quarterly = [v for v in series.actuals if is_quarter(v.period)]
    return trajectory_chart(
        chart_id, "Emergency admissions: plan and actuals", series.baseline, list(series.plan), quarterly
    )


def money_chart(position: YearPosition, chart_id: str = "released") -> Chart | None:
    """Per payment quarter: the pot, what was released and what was retained (nothing yet if pending)."""
    release = position.latest.release
    if release is None:
        return None
    qs = release.quarters
    return bar_chart(
        chart_id,
        "Performance money released and retained",
        "For each payment quarter the money at risk (the pot), the amount released and the amount "
        "retained; quarters not yet assessed show nothing released or retained.",
        [q.quarter if q.assessed else f"{q.quarter} (pending)" for q in qs],
        [
            Series("At risk (pot)", GREY, tuple(q.pot for q in qs)),
            Series("Released", GREEN, tuple(q.released if q.assessed else ZERO for q in qs)),
            Series("Retained", RED, tuple(q.retained if q.assessed else ZERO for q in qs)),
        ],
        "Payment quarter",
    )


def spend_chart(position: YearPosition, chart_id: str = "spend") -> Chart:
    """Per scheme: the straight-line profile to the latest quarter against the spend reported."""
    schemes = position.schemes
    quarter = position.latest.quarter
    return bar_chart(
        chart_id,
        f"Spend to the end of {quarter} against profile",
        f"For each scheme the budget profiled to the end of {quarter} (a quarter of the year's budget per "
        "quarter) and the spend to date reported; schemes not reported show no spend.",
        [f"{s.scheme} {s.name}" for s in schemes],
        [
            Series("Profile", BLUE, tuple(s.profile_to_date for s in schemes)),
            Series("Spend to date", ORANGE, tuple(s.spend_to_date or Decimal(0) for s in schemes)),
        ],
        "Scheme",
    )


def distribution_chart(outlook: SimulationResult, chart_id: str = "distribution") -> Chart:
    """How many simulated years released each band of money, from nothing to the whole pot."""
    bins = outlook.histogram
    return bar_chart(
        chart_id,
        f"Performance money released across {outlook.runs:,} simulated years",
        "For each band of money released in a year, how many of the simulated years fell in it; the "
        f"expected release is {fmt_pounds(outlook.expected_released)} of a {fmt_pounds(outlook.pot)} pot.",
        [f"{short_money(b.lower)} to {short_money(b.upper)}" for b in bins],
        [Series("Simulated years", BLUE, tuple(Decimal(b.years) for b in bins))],
        "Money released",
        money=False,
    )


NONE_MET = "none met"


def exposure_chart(position: YearPosition, pack: PolicyPack, chart_id: str = "exposure") -> Chart | None:
    """Each partner's contribution and its share of the performance money not earned, by the plan's
    risk share, if the ambition is met and if none of it is (the scenarios engine's own figures)."""
    worst = Scenario(name=NONE_MET, achievement_pct=Decimal(0))
    try:
        results = run_scenarios(position.plan, pack, ScenarioSet(year=position.year, scenarios=[worst]))
    except InputRejected:
        return None
    case = {BASE_NAME: "met", NONE_MET: NONE_MET}
    labels = [f"{e.partner}, {case[r.name]}" for r in results for e in r.exposure]
    if not labels:
        return None
    return bar_chart(
        chart_id,
        f"Partners' exposure in {position.year}",
        "For each partner, its contribution to the pooled budget and the share of unearned performance "
        "money the risk share gives it, if the ambition is met and if none of it is.",
        labels,
        [
            Series("Contribution", BLUE, tuple(e.contribution for r in results for e in r.exposure)),
            Series(
                "Share of unearned money", RED, tuple(e.shortfall_share for r in results for e in r.exposure)
            ),
        ],
        "Partner, ambition",
    )


def monitoring_figures(
    position: YearPosition, pack: PolicyPack, outlook: SimulationResult | None, prefix: str = ""
) -> MonitoringFigures:
    return MonitoringFigures(
        admissions=admissions_chart(position, pack, outlook, f"{prefix}admissions"),
        money=money_chart(position, f"{prefix}released"),
        spend=spend_chart(position, f"{prefix}spend"),
        distribution=distribution_chart(outlook, f"{prefix}distribution") if outlook else None,
        exposure=exposure_chart(position, pack, f"{prefix}exposure"),
    )
