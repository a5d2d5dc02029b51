"""The board paper as HTML: one Jinja2 template, every chart beside its data table, print CSS for PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from carepool.money import fmt_pounds
from carepool.monitoring.views import settlement_lines
from carepool.reports.charts import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    RED,
    Chart,
    Series,
    bar_chart,
    flow_diagram,
    risk_heat_map,
    trajectory_chart,
)
from carepool.reports.data import ReportData
from carepool.reports.monitoring import MonitoringFigures, monitoring_figures
from carepool.rules.base import Severity

SECTIONS = (
    ("summary", "Summary"),
    ("minimums", "Minimums and pooled totals"),
    ("flow", "Funding flow"),
    ("spend", "Spend by area of spend and by partner"),
    ("metrics", "Metric trajectories"),
    ("performance", "Performance money at risk and released"),
    ("risks", "Risks"),
    ("milestones", "Milestones"),
    ("conditions", "National conditions"),
)
MONITORING = ("monitoring", "Quarterly monitoring")  # after performance, when returns are stored


def sections_of(data: ReportData) -> tuple[tuple[str, str], ...]:
    if data.monitoring is None:
        return SECTIONS
    at = [sid for sid, _ in SECTIONS].index("performance") + 1
    return (*SECTIONS[:at], MONITORING, *SECTIONS[at:])


@dataclass(frozen=True, slots=True)
class Figures:
    pooled_by_year: Chart
    pooled_by_pool: Chart
    flow: Chart
    spend_by_area: Chart
    spend_by_partner: Chart
    metrics: tuple[Chart, ...]
    performance: Chart | None
    risks: Chart
    monitoring: MonitoringFigures | None = None

    def all(self) -> list[Chart]:
        fixed = [
            self.pooled_by_year,
            self.pooled_by_pool,
            self.flow,
            self.spend_by_area,
            self.spend_by_partner,
        ]
        watched = self.monitoring.all() if self.monitoring else []
        return [
            *fixed,
            *self.metrics,
            *([self.performance] if self.performance else []),
            *watched,
            self.risks,
        ]


def humanise(code: str) -> str:
    """``social_care`` → ``Social care`` (area-of-spend codes and statuses)."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _single(chart_id: str, title: str, desc: str, pairs: tuple[tuple[str, Decimal], ...], head: str) -> Chart:
    labels = [label for label, _ in pairs]
    values = tuple(amount for _, amount in pairs)
    return bar_chart(chart_id, title, desc, labels, [Series("Amount", BLUE, values)], head)


def build_figures(data: ReportData) -> Figures:
    by_area = tuple((humanise(k), v) for k, v in data.spend_by_area)
    performance: Chart | None = None
    if data.release is not None:
        qs = data.release.quarters
        performance = bar_chart(
            "performance",
            "Performance money by quarter",
            "For each payment quarter the money at risk (the pot), the amount released and the amount retained.",
            [q.quarter for q in qs],
            [
                Series("At risk (pot)", GREY, tuple(q.pot for q in qs)),
                Series("Released", GREEN, tuple(q.released for q in qs)),
                Series("Retained", RED, tuple(q.retained for q in qs)),
            ],
            "Quarter",
        )
    elif data.tranches:
        ts = data.tranches
        performance = bar_chart(
            "performance",
            "Performance money by tranche",
            "For each tranche the area's share at risk, the amount released and the amount withheld.",
            [t.tranche for t in ts],
            [
                Series("At risk", GREY, tuple(t.area_amount for t in ts)),
                Series("Released", GREEN, tuple(t.released for t in ts)),
                Series("Withheld", RED, tuple(t.withheld for t in ts)),
            ],
            "Tranche",
        )
    return Figures(
        pooled_by_year=_single(
            "pooled-year",
            "Pooled money by year",
            "Money contributed to the fund in each year.",
            data.pooled_by_year,
            "Year",
        ),
        pooled_by_pool=_single(
            "pooled-pool",
            "Money by pool (all years)",
            "Money contributed to each pool over the plan's years.",
            data.pooled_by_pool,
            "Pool",
        ),
        flow=flow_diagram("flow", data.flows),
        spend_by_area=_single(
            "spend-area",
            "Spend by area of spend",
            "Scheme funding grouped by area of spend, all years.",
            by_area,
            "Area of spend",
        ),
        spend_by_partner=_single(
            "spend-partner",
            "Spend by paying partner",
            "Scheme funding grouped by the partner paying, all years.",
            data.spend_by_partner,
            "Partner",
        ),
        metrics=tuple(
            trajectory_chart(f"metric-{i}", m.name, m.baseline, list(m.plan), list(m.actuals))
            for i, m in enumerate(data.metrics, start=1)
        ),
        performance=performance,
        risks=risk_heat_map("risks", list(data.risks)),
        monitoring=None
        if data.monitoring is None
        else monitoring_figures(data.monitoring.position, data.pack, data.monitoring.outlook, "monitoring-"),
    )


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("carepool.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pounds"] = fmt_pounds
    env.filters["human"] = humanise
    env.filters["svg"] = Markup  # chart SVG is built by charts.py, which escapes every text it writes
    env.filters["settlement_lines"] = settlement_lines
    return env


def render_html(data: ReportData, today: date | None = None) -> str:
    """The whole board paper as one self-contained HTML document (inline CSS and SVG, no scripts)."""
    figures = build_figures(data)
    template = _environment().get_template("board_report.html")
    return template.render(
        d=data,
        plan=data.plan,
        f=figures,
        sections=sections_of(data),
        today=today or date.today(),
        errors=data.count(Severity.ERROR),
        warnings=data.count(Severity.WARNING),
        colours={"met": GREEN, "in_progress": ORANGE, "not_met": RED},
    )
