"""Each chart is well-formed, accessible SVG and returns the table of exactly the numbers it draws."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from carepool.finance.flows import build_flows
from carepool.model.plan import Level, MetricValue, Risk
from carepool.money import fmt_pounds
from carepool.policy import load_pack
from carepool.reports.charts import (
    Chart,
    Series,
    bar_chart,
    flow_diagram,
    risk_heat_map,
    short_money,
    trajectory_chart,
)
from factories import PACK_ID, small_plan

ORDER = {"stream": 0, "partner": 1, "pool": 2, "scheme": 3}
SVG = "{http://www.w3.org/2000/svg}"


def parsed(chart: Chart) -> ET.Element:
    root = ET.fromstring(chart.svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    return root


def description(root: ET.Element) -> str:
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    return desc.text or ""


def test_bar_chart_table_has_every_value_exactly_and_escapes_labels() -> None:
    chart = bar_chart(
        "b",
        "Spend <by> area",
        "d & e",
        ["Social care & support", "Acute"],
        [Series("Planned", "#000", (Decimal("1234567.89"), Decimal("0.10")))],
        "Area",
    )
    root = parsed(chart)
    assert chart.headers == ("Area", "Planned")
    assert chart.rows == (("Social care & support", "£1,234,567.89"), ("Acute", "£0.10"))
    assert len(root.findall(f"{SVG}rect")) == 2
    assert "Social care &amp; support" in chart.svg


def test_bar_chart_with_no_money_or_negative_money_still_draws() -> None:
    chart = bar_chart("z", "t", "d", ["a", "b"], [Series("x", "#000", (Decimal(0), Decimal(-5)))], "k")
    parsed(chart)
    assert chart.rows[1] == ("b", "-£5.00")


def test_heat_map_counts_open_risks_in_their_cells() -> None:
    risks = [
        Risk(id="R1", description="a", impact=Level.HIGH, probability=Level.HIGH),
        Risk(id="R2", description="b", impact=Level.HIGH, probability=Level.HIGH),
        Risk(id="R3", description="c", impact=Level.LOW, probability=Level.MEDIUM),
        Risk(id="R4", description="d", impact=Level.LOW, probability=Level.LOW, status="closed"),
    ]
    chart = risk_heat_map("r", risks)
    root = parsed(chart)
    assert len(root.findall(f"{SVG}rect")) == 9
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("2") == 1 and texts.count("1") == 1 and texts.count("0") == 7
    assert [row[0] for row in chart.rows] == ["R1", "R2", "R3", "R4"]
    assert chart.rows[0][4] == "9" and chart.rows[2][4] == "2"
    assert "3 open risks" in description(root)


def test_trajectory_has_baseline_plan_and_actuals_by_period() -> None:
    chart = trajectory_chart(
        "m",
        "Admissions",
        MetricValue(period="2014-15", value=Decimal(100)),
        [
            MetricValue(period="2015-16", value=Decimal(90)),
            MetricValue(period="2016-17", value=Decimal(85)),
        ],
        [MetricValue(period="2015-16", value=Decimal(92))],
    )
    root = parsed(chart)
    assert chart.rows == (
        ("2014-15", "100", "", ""),
        ("2015-16", "", "90", "92"),
        ("2016-17", "", "85", ""),
    )
    assert len(root.findall(f"{SVG}polyline")) == 1  # plan; a single actual is a point
    assert len(root.findall(f"{SVG}circle")) == 3
    assert len(root.findall(f"{SVG}line[@stroke-dasharray]")) == 1  # the baseline, same period length


def test_a_yearly_baseline_beside_quarterly_plans_is_named_not_drawn() -> None:
    chart = trajectory_chart(
        "q",
        "NEL",
        MetricValue(period="2014-15", value=Decimal(77000)),
        [
            MetricValue(period="2015-16 Q1", value=Decimal(19000)),
            MetricValue(period="2015-16 Q2", value=Decimal(18500)),
        ],
        [],
    )
    root = parsed(chart)
    assert root.findall(f"{SVG}line[@stroke-dasharray]") == []
    assert "77,000 (not drawn)" in chart.svg
    assert chart.rows[0] == ("2014-15", "77000", "", "")


def test_empty_trajectory_still_parses() -> None:
    chart = trajectory_chart("e", "Nothing yet", None, [], [])
    parsed(chart)
    assert chart.rows == ()


def test_flow_diagram_table_is_the_engine_graph_without_providers() -> None:
    plan = small_plan()
    graph = build_flows(plan, None, load_pack(PACK_ID))
    chart = flow_diagram("f", graph)
    root = parsed(chart)
    kinds = {n.id: n.kind for n in graph.nodes}
    labels = {n.id: n.label for n in graph.nodes}
    expected = [
        (labels[e.source], labels[e.target], fmt_pounds(e.amount))
        for e in sorted(graph.edges, key=lambda e: ORDER[kinds[e.source]])
        if kinds[e.target] != "provider"
    ]
    assert [row[1:] for row in chart.rows] == expected
    shown = [n for n in graph.nodes if n.kind != "provider"]
    assert len(root.findall(f"{SVG}rect[@class='node']")) == len(shown)
    assert len(root.findall(f"{SVG}path")) == len(expected)
    assert fmt_pounds(graph.total()) in description(root)


@pytest.mark.parametrize(
    ("amount", "label"),
    [
        (Decimal("12345678.90"), "£12.3m"),
        (Decimal("45600"), "£46k"),
        (Decimal("999"), "£999"),
        (Decimal("-2500000"), "-£2.5m"),
    ],
)
def test_short_money_labels(amount: Decimal, label: str) -> None:
    assert short_money(amount) == label
