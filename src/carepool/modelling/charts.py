"""Data for the charts of issue 5, as plain data with a table form beside each (the report and web faces
draw them): the admissions fan chart, the distribution of released money, and partners' exposure.

Counts and probabilities are numbers; money is text with pence ("1234.50"), never a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from carepool.modelling.montecarlo import FAN_PERCENTILES, SimulationResult
from carepool.modelling.scenarios import ScenarioResult
from carepool.money import fmt_pounds


@dataclass(frozen=True, slots=True)
class ChartData:
    kind: str
    title: str
    series: dict[str, Any]
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "series": self.series,
            "table": {"columns": list(self.columns), "rows": [list(r) for r in self.rows]},
        }


def _m(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _n(value: Decimal | float) -> str:
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return f"{value:,.1f}"


def fan_chart(result: SimulationResult) -> ChartData:
    """History, the plan, and the simulated percentile bands of each payment quarter."""
    model = result.model
    history = [{"quarter": q, "admissions": v} for q, v in zip(model.quarters, model.history, strict=True)]
    plan = [
        {"quarter": q.quarter, "baseline": float(q.baseline), "planned": float(q.planned)}
        for q in result.quarters
    ]
    bands = [
        {"quarter": q.quarter, **{f"p{p}": q.bands[p] for p in FAN_PERCENTILES}} for q in result.quarters
    ]
    columns = ("quarter", "history", "baseline", "planned", *(f"p{p}" for p in FAN_PERCENTILES))
    rows = [
        (q, _n(v), "", "", *("" for _ in FAN_PERCENTILES))
        for q, v in zip(model.quarters, model.history, strict=True)
    ]
    rows += [
        (q.quarter, "", _n(q.baseline), _n(q.planned), *(_n(q.bands[p]) for p in FAN_PERCENTILES))
        for q in result.quarters
    ]
    return ChartData(
        "fan",
        "Emergency admissions: history, plan and simulated range",
        {"history": history, "plan": plan, "bands": bands},
        columns,
        tuple(rows),
    )


def release_distribution(result: SimulationResult) -> ChartData:
    """Histogram of the money released in a simulated year (bins of equal width from £0 to the pot)."""
    bins = [
        {"lower": _m(b.lower), "upper": _m(b.upper), "years": b.years, "share": b.years / result.runs}
        for b in result.histogram
    ]
    rows = tuple(
        (
            f"{fmt_pounds(b.lower)} to {fmt_pounds(b.upper)}",
            str(b.years),
            f"{100 * b.years / result.runs:.1f}%",
        )
        for b in result.histogram
    )
    return ChartData(
        "histogram",
        f"Performance money released: {result.runs:,} simulated years",
        {"bins": bins, "expected": _m(result.expected_released), "pot": _m(result.pot)},
        ("released", "years", "share"),
        rows,
    )


def partner_exposure(results: list[ScenarioResult]) -> ChartData:
    """Each partner's contribution and share of the expected shortfall, per scenario (stacked bars)."""
    series = [
        {
            "scenario": r.name,
            "partner": e.partner,
            "contribution": _m(e.contribution),
            "shortfall_share": _m(e.shortfall_share),
            "total": _m(e.total),
        }
        for r in results
        for e in r.exposure
    ]
    rows = tuple(
        (s["scenario"], s["partner"], s["contribution"], s["shortfall_share"], s["total"]) for s in series
    )
    return ChartData(
        "stacked_bar",
        "Partner exposure: contributions and share of unearned performance money",
        {"bars": series},
        ("scenario", "partner", "contribution", "shortfall share", "total"),
        rows,
    )
