"""The board paper's quarterly monitoring section and the monitoring charts: present only with stored
returns, every chart beside its table, and the tables hold the cycle's and the model's own figures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from functools import cache

from carepool.demo import build_demo_plans
from carepool.demo.returns import build_demo_returns
from carepool.modelling.montecarlo import simulate_plan
from carepool.modelling.scenarios import Scenario, ScenarioSet, run_scenarios
from carepool.money import fmt_pounds
from carepool.monitoring.position import year_position
from carepool.policy import load_pack
from carepool.reports.data import Monitoring, ReturnLine, Version, build_report_data
from carepool.reports.html import MONITORING, SECTIONS, render_html
from carepool.reports.monitoring import NONE_MET, monitoring_figures
from test_reports_html import body, tables_of

PACK = load_pack("bcf-2015-16")


@cache
def monitored() -> tuple[Monitoring, str]:
    plans = build_demo_plans()
    city = plans[0]
    position = year_position(city, PACK, build_demo_returns(plans))
    outlook = simulate_plan(position.plan, PACK, 2000, 0)
    lines = tuple(
        ReturnLine(q, 1, date(2015, 7 + 3 * i, 20), "finance lead", 1)
        for i, q in enumerate(position.quarters)
    )
    monitoring = Monitoring("2015-16", 1, lines, position, outlook, "")
    data = build_report_data(city, PACK, Version(1, "submitted", "cd" * 32), monitoring)
    return monitoring, render_html(data, date(2015, 10, 31))


def test_the_section_follows_performance_and_is_listed_in_the_contents() -> None:
    _, html = monitored()
    parsed = tables_of(html)
    expected = [sid for sid, _ in SECTIONS]
    expected.insert(expected.index("performance") + 1, MONITORING[0])
    assert parsed.sections == expected
    assert '<a href="#monitoring">Quarterly monitoring</a>' in html


def test_monitoring_charts_are_accessible_svg_each_with_its_table() -> None:
    _, html = monitored()
    parsed = tables_of(html)
    figures = {fid: inside for fid, inside in parsed.figures if fid.startswith("figure-monitoring-")}
    assert set(figures) == {
        "figure-monitoring-admissions",
        "figure-monitoring-released",
        "figure-monitoring-spend",
        "figure-monitoring-distribution",
        "figure-monitoring-exposure",
    }
    for fid, inside in figures.items():
        kinds = [i.split(":")[0] for i in inside]
        assert kinds.count("svg") == 1 and kinds.count("table") == 1, fid
    for chart_id in (
        f"monitoring-{c}" for c in ("admissions", "released", "spend", "distribution", "exposure")
    ):
        start = html.index(f'aria-labelledby="{chart_id}-t {chart_id}-d"')
        start = html.rindex("<svg ", 0, start)
        root = ET.fromstring(html[start : html.index("</svg>", start) + len("</svg>")])
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None


def test_the_tables_hold_the_cycles_figures() -> None:
    monitoring, html = monitored()
    parsed = tables_of(html)
    release = monitoring.position.latest.release
    assert release is not None
    money = body(parsed.tables["monitoring-released-table"])
    assert [row[2] for row in money] == [
        fmt_pounds(q.released if q.assessed else Decimal(0)) for q in release.quarters
    ]
    assert money[-1][0] == "2015-16 Q3 (pending)"
    spend = body(parsed.tables["monitoring-spend-table"])
    assert [row[2] for row in spend] == [
        fmt_pounds(s.spend_to_date or Decimal(0)) for s in monitoring.position.schemes
    ]
    returns = body(parsed.tables["monitoring-returns"])
    assert [row[0] for row in returns] == ["2015-16 Q1", "2015-16 Q2"]
    assert fmt_pounds(monitoring.position.released) in html
    admissions = body(parsed.tables["monitoring-admissions-table"])
    assert len(admissions) == 12 + 4  # twelve quarters of history, four payment quarters
    assert admissions[-2][:4] == ["2015-16 Q2", "", "7,141", "7,096"]  # plan and the Q2 return's figure
    assert "simulated years, seed 0" in html


def test_without_a_simulation_the_admissions_chart_is_the_metric_trajectory() -> None:
    monitoring, _ = monitored()
    figures = monitoring_figures(monitoring.position, PACK, None)
    assert figures.admissions is not None and figures.admissions.headers == (
        "Period",
        "Baseline",
        "Plan",
        "Actual",
    )
    assert [c.id for c in figures.all()] == [
        "admissions",
        "released",
        "spend",
        "exposure",
    ]  # no outlook: no distribution


def test_the_distribution_and_exposure_tables_hold_the_models_figures() -> None:
    monitoring, html = monitored()
    parsed = tables_of(html)
    outlook = monitoring.outlook
    assert outlook is not None
    years = [int(row[1].replace(",", "")) for row in body(parsed.tables["monitoring-distribution-table"])]
    assert years == [b.years for b in outlook.histogram] and sum(years) == outlook.runs
    exposure = body(parsed.tables["monitoring-exposure-table"])
    results = run_scenarios(
        monitoring.position.plan,
        PACK,
        ScenarioSet(year="2015-16", scenarios=[Scenario(name=NONE_MET, achievement_pct=Decimal(0))]),
    )
    expected = [
        (fmt_pounds(e.contribution), fmt_pounds(e.shortfall_share)) for r in results for e in r.exposure
    ]
    assert [(row[1], row[2]) for row in exposure] == expected
    met = [row for row in exposure if row[0].endswith(", met")]
    none = [row for row in exposure if row[0].endswith(", none met")]
    assert met and none and len(met) == len(none)
    assert all(row[2] == fmt_pounds(Decimal(0)) for row in met)  # the ambition met: nothing unearned
    assert any(row[2] != fmt_pounds(Decimal(0)) for row in none)  # none of it met: someone carries it
