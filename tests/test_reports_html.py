"""The HTML board paper: every section, every chart beside a table, and the tables hold the engine's numbers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from functools import cache
from html.parser import HTMLParser

import pytest

from carepool.demo import build_demo_plans
from carepool.finance.cross_subsidy import cross_subsidy
from carepool.finance.flows import build_flows
from carepool.finance.minimums import minimum_position
from carepool.finance.performance import plan_release, plan_tranche_release
from carepool.model.plan import Plan
from carepool.money import fmt_pounds
from carepool.policy import load_pack
from carepool.reports.data import ReportData, Version, build_report_data
from carepool.reports.html import SECTIONS, render_html
from factories import small_plan

Rows = list[list[str]]
ORDER = {"stream": 0, "partner": 1, "pool": 2, "scheme": 3}


class Tables(HTMLParser):
    """Every <table> with an id, as rows of cell texts; every <svg> as its source text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, Rows] = {}
        self.figures: list[tuple[str, list[str]]] = []  # figure id, ids of the svg and tables inside it
        self.sections: list[str] = []
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section" and a.get("id"):
            self.sections.append(a["id"] or "")
        if tag == "figure":
            self.figures.append((a.get("id") or "", []))
        if tag in ("svg", "table") and self.figures:
            self.figures[-1][1].append(f"{tag}:{a.get('id') or a.get('aria-labelledby') or ''}")
        if tag == "table" and a.get("id"):
            self._table = a["id"]
            self.tables[a["id"] or ""] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "caption":
            self._in_caption = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._table and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None and not self._in_caption:
            self._cell.append(data)


@cache
def demo(index: int) -> tuple[ReportData, str]:
    plan = build_demo_plans()[index]
    data = build_report_data(plan, load_pack(plan.policy), Version(3, "signed", "ab" * 32))
    return data, render_html(data, date(2015, 3, 31))


def tables_of(html: str) -> Tables:
    parser = Tables()
    parser.feed(html)
    return parser


def body(rows: Rows) -> Rows:
    return rows[1:]  # the header row


@pytest.mark.parametrize("index", [0, 1])
def test_every_section_in_order_and_the_version_named(index: int) -> None:
    data, html = demo(index)
    parsed = tables_of(html)
    assert parsed.sections == [sid for sid, _ in SECTIONS]
    for _, title in SECTIONS:
        assert f">{title}</h2>" in html
    assert "version 3 (signed)" in html and data.plan.title in html
    assert "<script" not in html


@pytest.mark.parametrize("index", [0, 1])
def test_every_chart_is_valid_svg_with_a_data_table_beside_it(index: int) -> None:
    _, html = demo(index)
    parsed = tables_of(html)
    charts = html.count("<svg ")
    assert charts >= 8
    assert len(parsed.figures) == charts
    for figure_id, inside in parsed.figures:
        kinds = [i.split(":")[0] for i in inside]
        assert kinds.count("svg") == 1 and kinds.count("table") >= 1, figure_id
    start = 0
    for _ in range(charts):
        start = html.index("<svg ", start)
        end = html.index("</svg>", start) + len("</svg>")
        root = ET.fromstring(html[start:end])
        assert root.get("role") == "img"
        start = end


@pytest.mark.parametrize("index", [0, 1])
def test_tables_hold_the_finance_engine_numbers(index: int) -> None:
    data, html = demo(index)
    plan, pack = data.plan, data.pack
    t = tables_of(html).tables

    assert body(t["pooled-year-table"]) == [
        [y, fmt_pounds(build_flows(plan, y, pack).total())] for y in plan.years
    ]
    graph = build_flows(plan, None, pack)
    kinds = {n.id: n.kind for n in graph.nodes}
    labels = {n.id: n.label for n in graph.nodes}
    assert [r[1:] for r in body(t["flow-table"])] == [
        [labels[e.source], labels[e.target], fmt_pounds(e.amount)]
        for e in sorted(graph.edges, key=lambda e: ORDER[kinds[e.source]])
        if kinds[e.target] != "provider"
    ]
    pool_total = sum((e.amount for e in graph.edges if kinds[e.target] == "pool"), Decimal(0))
    assert sum_pounds(body(t["pooled-pool-table"])) == pool_total == graph.total()

    positions = minimum_position(plan, pack)
    assert [r[4:] for r in body(t["minimums-table"])] == [
        [fmt_pounds(m.pooled), fmt_pounds(m.aligned), fmt_pounds(m.shortfall)] for m in positions
    ]
    shares = cross_subsidy(plan)
    scheme_total = sum((s.total for s in shares), Decimal(0))
    assert sum_pounds(body(t["spend-area-table"])) == scheme_total
    assert sum_pounds(body(t["spend-partner-table"])) == scheme_total
    names = {o.code: o.name for o in plan.organisations}
    for partner in {p.partner for s in shares for p in s.partners}:
        paid = sum((p.amount for s in shares for p in s.partners if p.partner == partner), Decimal(0))
        assert [names.get(partner, partner), fmt_pounds(paid)] in body(t["spend-partner-table"])

    release = plan_release(plan, pack)
    assert body(t["performance-table"]) == [
        [q.quarter, fmt_pounds(q.pot), fmt_pounds(q.released), fmt_pounds(q.retained)]
        for q in release.quarters
    ]
    assert [r[0] for r in body(t["risks-table"])] == [r.id for r in data.risks]
    assert len(body(t["milestones-table"])) == len(plan.milestones)
    assert len(body(t["conditions-table"])) == len(plan.conditions)
    for i, m in enumerate(plan.metrics, start=1):
        rows = body(t[f"metric-{i}-table"])
        assert [(r[0], r[2]) for r in rows if r[2]] == [(v.period, str(v.value)) for v in m.plan]
        assert [(r[0], r[3]) for r in rows if r[3]] == [(v.period, str(v.value)) for v in m.actuals]


def sum_pounds(rows: Rows) -> Decimal:
    return sum((Decimal(r[-1].replace("£", "").replace(",", "")) for r in rows), Decimal(0))


def test_a_plan_with_text_that_looks_like_markup_is_escaped() -> None:
    plan = small_plan()
    hostile = plan.model_copy(update={"title": "<script>alert(1)</script> & plan"})
    pools = [p.model_copy(update={"name": 'Pool "A" <b>'}) for p in plan.pools]
    hostile = hostile.model_copy(update={"pools": pools})
    html = render_html(build_report_data(hostile, load_pack(plan.policy)))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<b>" not in html
    parsed = tables_of(html)
    assert parsed.sections == [sid for sid, _ in SECTIONS]


def test_a_plan_without_performance_data_says_so_instead_of_failing() -> None:
    plan: Plan = small_plan()
    bare = plan.model_copy(
        update={"performance": plan.performance.model_copy(update={"planned": [], "baseline": []})}
    )
    html = render_html(build_report_data(bare, load_pack(plan.policy)))
    assert 'id="performance"' in html


def test_tranche_design_shows_each_tranche_from_the_engine() -> None:
    plan = small_plan()
    pack = load_pack("itf-2015-16")
    html = render_html(build_report_data(plan, pack))
    rows = body(tables_of(html).tables["performance-table"])
    assert rows == [
        [t.tranche, fmt_pounds(t.area_amount), fmt_pounds(t.released), fmt_pounds(t.withheld)]
        for t in plan_tranche_release(plan, pack)
    ]


def test_a_policy_without_performance_money_says_so() -> None:
    html = render_html(build_report_data(small_plan(), load_pack("bcf-2025-26")))
    assert "This policy has no payment for performance." in html
    assert 'id="performance-table"' not in html


def test_an_empty_plan_still_makes_a_whole_paper() -> None:
    plan = small_plan().model_copy(
        update={
            "contributions": [],
            "schemes": [],
            "metrics": [],
            "risks": [],
            "milestones": [],
            "conditions": [],
        }
    )
    html = render_html(build_report_data(plan, load_pack(plan.policy)))
    parsed = tables_of(html)
    assert parsed.sections == [sid for sid, _ in SECTIONS]
    assert body(parsed.tables["flow-table"]) == []
    start = html.index("<svg ", html.index('id="figure-flow"'))
    ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])
