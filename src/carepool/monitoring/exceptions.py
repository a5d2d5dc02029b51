"""The board's exception report: a headline per scheme, metric, payment quarter and condition, with only
the exceptions (red and amber) escalated — the "light touch" report a governance group gives its board.

Status rules (thresholds are parameters, ``Thresholds``; defaults are local-governance conventions, not
national rules):
- scheme (or programme area: schemes summed by area of spend) spend: deviation = |spend to date − straight-line profile| ÷ profile, and |forecast − budget| ÷
  budget when a forecast is given; the larger counts. Red above ``spend_red_pct``, amber above
  ``spend_amber_pct``. A funded scheme with no spend reported is amber. Under- and overspend both count
  (an underspend is slippage in the schemes the plan relies on).
- metric vs trajectory: adverse deviation from the plan value for the same period, as % of plan, in the
  metric's direction. Red above ``metric_red_pct``, amber above ``metric_amber_pct``; a metric with no
  direction or no plan value for the period is "not rated".
- performance money: the achievement of each quarter assessed in this return (``finance.performance``).
  Red below ``release_red_pct``, amber below ``release_amber_pct``.
- national conditions: not met red, in progress amber, met green.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any, Literal

from carepool.model.plan import ConditionStatus, Plan
from carepool.money import fmt_pounds, total
from carepool.monitoring.cycle import CycleResult, SchemeProgress
from carepool.monitoring.returns import QuarterlyReturn
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


class Status(StrEnum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    NOT_RATED = "not rated"


RANK = {Status.RED: 0, Status.AMBER: 1, Status.GREEN: 2, Status.NOT_RATED: 3}


@dataclass(frozen=True, slots=True)
class Thresholds:
    spend_amber_pct: Decimal = Decimal(5)
    spend_red_pct: Decimal = Decimal(10)
    metric_amber_pct: Decimal = Decimal(0)
    metric_red_pct: Decimal = Decimal(5)
    release_amber_pct: Decimal = Decimal(100)
    release_red_pct: Decimal = Decimal(50)

    def to_dict(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}

    def problems(self) -> list[Problem]:
        """Each pair must run amber before red, and every threshold is a percentage ≥ 0."""
        found = []
        for amber, red, worse in (
            ("spend_amber_pct", "spend_red_pct", "above"),
            ("metric_amber_pct", "metric_red_pct", "above"),
            ("release_red_pct", "release_amber_pct", "below"),
        ):
            low, high = getattr(self, amber), getattr(self, red)
            if low < 0 or low > high:
                found.append(
                    Problem(
                        "policy",
                        f"thresholds.{amber}",
                        f"red must be further {worse} than amber",
                        f"{low}, {high}",
                    )
                )
        return found


@dataclass(frozen=True, slots=True)
class Headline:
    section: str  # scheme | metric | performance | condition
    key: str
    title: str
    status: Status
    plan: str
    actual: str
    variance: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class ExceptionReport:
    plan_id: str
    title: str
    quarter: str
    thresholds: Thresholds
    headlines: tuple[Headline, ...]
    narrative: str = ""
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def exceptions(self) -> list[Headline]:
        found = [h for h in self.headlines if h.status in (Status.RED, Status.AMBER)]
        return sorted(found, key=lambda h: RANK[h.status])

    @property
    def overall(self) -> Status:
        rated = [h.status for h in self.headlines if h.status is not Status.NOT_RATED]
        return min(rated, key=lambda s: RANK[s]) if rated else Status.NOT_RATED


def _pct(value: Decimal) -> str:
    return f"{value.quantize(TENTH, rounding=ROUND_HALF_UP)}%"


def _deviation(actual: Decimal, planned: Decimal) -> Decimal | None:
    if planned == 0:
        return None if actual == 0 else HUNDRED * 1000  # anything against nothing planned
    return abs(actual - planned) * HUNDRED / planned


def by_programme_area(plan: Plan, rows: tuple[SchemeProgress, ...]) -> tuple[SchemeProgress, ...]:
    """Schemes summed by area of spend (the programme area); one not reported leaves its area unreported."""
    area_of = {s.ref: s.area_of_spend or "unassigned" for s in plan.schemes}
    groups: dict[str, list[SchemeProgress]] = {}
    for row in rows:
        groups.setdefault(area_of[row.scheme], []).append(row)
    out = []
    for area, members in groups.items():
        spends = [m.spend_to_date for m in members]
        forecasts = [m.forecast_outturn for m in members]
        out.append(
            SchemeProgress(
                scheme=area,
                name=f"({', '.join(m.scheme for m in members)})",
                budget=total([m.budget for m in members]),
                profile_to_date=total([m.profile_to_date for m in members]),
                spend_to_date=None if None in spends else total([x for x in spends if x is not None]),
                forecast_outturn=None
                if None in forecasts
                else total([x for x in forecasts if x is not None]),
            )
        )
    return tuple(out)


def scheme_headline(row: SchemeProgress, t: Thresholds, section: str = "scheme") -> Headline:
    title = f"{row.scheme} {row.name}"
    if row.spend_to_date is None:
        return Headline(
            section,
            row.scheme,
            title,
            Status.AMBER,
            fmt_pounds(row.profile_to_date),
            "not reported",
            "",
            "No spend reported for a funded scheme.",
        )
    to_date = _deviation(row.spend_to_date, row.profile_to_date) or Decimal(0)
    forecast = Decimal(0)
    if row.forecast_outturn is not None:
        forecast = _deviation(row.forecast_outturn, row.budget) or Decimal(0)
    worst = max(to_date, forecast)
    status = (
        Status.RED if worst > t.spend_red_pct else Status.AMBER if worst > t.spend_amber_pct else Status.GREEN
    )
    variance = row.spend_to_date - row.profile_to_date
    word = "over" if variance > 0 else "under"
    message = f"Spend to date {fmt_pounds(row.spend_to_date)} against a profile of {fmt_pounds(row.profile_to_date)}"
    message += f" ({fmt_pounds(abs(variance))} {word}, {_pct(to_date)})." if variance else " (on profile)."
    if row.forecast_outturn is not None:
        message += (
            f" Forecast outturn {fmt_pounds(row.forecast_outturn)} against a budget of "
            f"{fmt_pounds(row.budget)} ({_pct(forecast)} off)."
        )
    return Headline(
        section,
        row.scheme,
        title,
        status,
        fmt_pounds(row.profile_to_date),
        fmt_pounds(row.spend_to_date),
        fmt_pounds(variance),
        message,
    )


def metric_headlines(plan: Plan, pack: PolicyPack, ret: QuarterlyReturn, t: Thresholds) -> list[Headline]:
    directions = {m.id: (m.direction, m.name) for m in pack.metrics}
    out = []
    for actual in ret.metrics:
        direction, name = directions.get(actual.metric, ("not_set", actual.metric))
        key = f"{actual.metric} {actual.period}"
        metric = next((m for m in plan.metrics if m.metric == actual.metric), None)
        planned = next((v.value for v in (metric.plan if metric else []) if v.period == actual.period), None)
        shown = f"{actual.value.normalize():f}"
        if planned is None or direction == "not_set" or planned == 0:
            why = "no plan value for this period" if planned is None else "no direction set for this metric"
            out.append(Headline("metric", key, name, Status.NOT_RATED, "", shown, "", f"Not rated: {why}."))
            continue
        adverse = (actual.value - planned) * HUNDRED / planned
        if direction == "higher_is_better":
            adverse = -adverse
        status = (
            Status.RED
            if adverse > t.metric_red_pct
            else Status.AMBER
            if adverse > t.metric_amber_pct
            else Status.GREEN
        )
        word = "worse" if adverse > 0 else "better"
        message = f"{actual.period}: {shown} against a trajectory of {planned.normalize():f} ({_pct(abs(adverse))} {word})."
        out.append(
            Headline(
                "metric",
                key,
                name,
                status,
                f"{planned.normalize():f}",
                shown,
                f"{(actual.value - planned).normalize():f}",
                message,
            )
        )
    return out


def performance_headlines(cycle: CycleResult, t: Thresholds) -> list[Headline]:
    out = []
    for q in cycle.quarters_now:
        title = f"Performance payment for {q.quarter}"
        if q.achievement_pct is None:
            out.append(
                Headline(
                    "performance",
                    q.quarter,
                    title,
                    Status.NOT_RATED,
                    fmt_pounds(q.pot),
                    fmt_pounds(q.released),
                    "",
                    "No reduction was planned for this quarter, so nothing is paid for it.",
                )
            )
            continue
        a = q.achievement_pct
        status = (
            Status.RED if a < t.release_red_pct else Status.AMBER if a < t.release_amber_pct else Status.GREEN
        )
        message = (
            f"Achieved {a}% of the planned reduction of {q.planned_reduction.normalize():f} admissions: "
            f"{fmt_pounds(q.released)} released to the pool, {fmt_pounds(q.retained)} retained for acute activity."
        )
        out.append(
            Headline(
                "performance",
                q.quarter,
                title,
                status,
                fmt_pounds(q.pot),
                fmt_pounds(q.released),
                fmt_pounds(-q.retained),
                message,
            )
        )
    return out


def condition_headlines(pack: PolicyPack, ret: QuarterlyReturn) -> list[Headline]:
    titles = {c.id: c.title for c in pack.national_conditions}
    status_of = {
        ConditionStatus.NOT_MET: Status.RED,
        ConditionStatus.IN_PROGRESS: Status.AMBER,
        ConditionStatus.MET: Status.GREEN,
    }
    return [
        Headline(
            "condition",
            c.condition,
            titles.get(c.condition, c.condition),
            status_of[c.status],
            "met",
            c.status.value,
            "",
            c.note or f"Reported as {c.status.value.replace('_', ' ')}.",
        )
        for c in ret.conditions
    ]


def exception_report(
    plan: Plan,
    pack: PolicyPack,
    ret: QuarterlyReturn,
    cycle: CycleResult,
    thresholds: Thresholds | None = None,
    by: Literal["scheme", "area"] = "scheme",
) -> ExceptionReport:
    """``by="area"`` gives one spend headline per programme area (area of spend) instead of per scheme."""
    t = thresholds or Thresholds()
    if t.problems():
        raise InputRejected(t.problems())
    rows = cycle.schemes if by == "scheme" else by_programme_area(plan, cycle.schemes)
    section = "scheme" if by == "scheme" else "programme area"
    headlines = [
        *(scheme_headline(row, t, section) for row in rows),
        *metric_headlines(plan, pack, ret, t),
        *performance_headlines(cycle, t),
        *condition_headlines(pack, ret),
    ]
    counts = {s.value: sum(1 for h in headlines if h.status is s) for s in Status}
    return ExceptionReport(plan.id, plan.title, ret.quarter, t, tuple(headlines), ret.narrative, counts)


# --- rendering -------------------------------------------------------------------------------------


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(report: ExceptionReport) -> str:
    counts = ", ".join(f"{n} {s}" for s, n in report.counts.items() if n)
    lines = [
        f"# Exception report: {report.title}, {report.quarter}",
        "",
        f"Overall: **{report.overall.value.upper()}** ({counts or 'nothing reported'})",
        "",
        "## Headlines",
        "",
        "| area | item | status | plan | actual | variance |",
        "|---|---|---|---|---|---|",
    ]
    for h in report.headlines:
        lines.append(
            f"| {h.section} | {_cell(h.title)} | {h.status.value} | {_cell(h.plan)} | {_cell(h.actual)} | {_cell(h.variance)} |"
        )
    lines += ["", "## Exceptions for the board", ""]
    if report.exceptions:
        lines += [
            f"- **{h.status.value.upper()}** {h.section} {_cell(h.title)}: {h.message}"
            for h in report.exceptions
        ]
    else:
        lines.append("None: every rated item is green.")
    if report.narrative:
        lines += ["", "## Narrative", "", report.narrative]
    t = report.thresholds
    lines += [
        "",
        "## Thresholds",
        "",
        f"Spend: amber above {t.spend_amber_pct}% off profile, red above {t.spend_red_pct}%. "
        f"Metrics: amber above {t.metric_amber_pct}% adverse, red above {t.metric_red_pct}%. "
        f"Performance: amber below {t.release_amber_pct}% achievement, red below {t.release_red_pct}%.",
    ]
    return "\n".join(lines) + "\n"


def to_dict(report: ExceptionReport) -> dict[str, Any]:
    return {
        "plan": report.plan_id,
        "quarter": report.quarter,
        "overall": report.overall.value,
        "counts": report.counts,
        "thresholds": report.thresholds.to_dict(),
        "headlines": [h.to_dict() for h in report.headlines],
        "exceptions": [h.to_dict() for h in report.exceptions],
        "narrative": report.narrative,
    }


def to_json(report: ExceptionReport) -> str:
    return json.dumps(to_dict(report), indent=2, ensure_ascii=False)
