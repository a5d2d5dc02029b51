"""Computed metrics become a plan's actuals (and the admissions actuals that drive performance payments)
and a quarterly return's metric figures."""

from __future__ import annotations

from collections.abc import Iterable

from carepool.activity.definitions import MetricResult
from carepool.model.plan import MetricPlan, MetricValue, Plan, QuarterCount
from carepool.monitoring.returns import MetricActual, QuarterlyReturn


def apply_actuals(plan: Plan, results: Iterable[MetricResult]) -> Plan:
    """A copy of ``plan`` whose metric actuals for its area are replaced by the computed ones.

    Periods the computation did not produce keep their recorded values; metrics the plan does not carry
    are added. Non-elective admissions also fill ``performance.actuals`` for the pack's payment quarters.
    """
    mine = [r for r in results if r.area_code == plan.area.ons_code]
    computed: dict[str, dict[str, MetricResult]] = {}
    for r in mine:
        computed.setdefault(r.metric, {})[r.period] = r
    metrics = []
    seen = set()
    for entry in plan.metrics:
        seen.add(entry.metric)
        fresh = computed.get(entry.metric, {})
        kept = [a for a in entry.actuals if a.period not in fresh]
        actuals = kept + [MetricValue(period=p, value=r.value) for p, r in fresh.items()]
        metrics.append(entry.model_copy(update={"actuals": sorted(actuals, key=lambda a: a.period)}))
    for metric_id, by_period in sorted(computed.items()):
        if metric_id not in seen:
            values = [MetricValue(period=p, value=r.value) for p, r in sorted(by_period.items())]
            metrics.append(MetricPlan(metric=metric_id, actuals=values))
    nel = computed.get("nel_admissions", {})
    quarters = {q.quarter for q in plan.performance.planned} | {q.quarter for q in plan.performance.baseline}
    perf_actuals = {a.quarter: a for a in plan.performance.actuals}
    for period, r in nel.items():
        if period in quarters:
            perf_actuals[period] = QuarterCount(quarter=period, admissions=r.value)
    performance = plan.performance.model_copy(
        update={"actuals": sorted(perf_actuals.values(), key=lambda a: a.quarter)}
    )
    return plan.model_copy(update={"metrics": metrics, "performance": performance})


def _four_quarters_to(quarter: str) -> set[str]:
    """The rolling year ending at ``quarter``: e.g. 2015-16 Q1 → 2014-15 Q2 … 2015-16 Q1."""
    start = int(quarter[:4])
    q = int(quarter[-1])
    out: set[str] = set()
    for _ in range(4):
        out.add(f"{start}-{(start + 1) % 100:02d} Q{q}")
        q -= 1
        if q == 0:
            q, start = 4, start - 1
    return out


def fill_return(ret: QuarterlyReturn, area_code: str, results: Iterable[MetricResult]) -> QuarterlyReturn:
    """A copy of a quarterly return whose metric actuals are the computed ones for ``area_code``.

    Periods reported: the four quarters ending at the return's quarter (payments are assessed on a lagged
    quarter, so the year before matters too). Values the computation did not produce are kept as entered.
    """
    window = _four_quarters_to(ret.quarter)
    fresh = {
        (r.metric, r.period): r.value for r in results if r.area_code == area_code and r.period in window
    }
    kept = [m for m in ret.metrics if (m.metric, m.period) not in fresh]
    computed = [MetricActual(metric=m, period=p, value=v) for (m, p), v in sorted(fresh.items())]
    return ret.model_copy(update={"metrics": kept + computed})
