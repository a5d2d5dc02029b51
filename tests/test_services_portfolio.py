"""The in-memory portfolio of plan summaries and the national roll-up: always what the database says.

The portfolio is refreshed from the event chain's tail, so a change made through another handle on the
same database (another server process) must show on the next read; the headline money must be the
finance engine's own figures.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.finance.flows import build_flows
from carepool.finance.minimums import minimum_position
from carepool.finance.performance import plan_release
from carepool.model import Plan, pretty_json
from carepool.money import total
from carepool.policy import load_pack
from carepool.services import imports, workflow
from carepool.services.backend import connect
from carepool.services.facts import facts_from_plan
from carepool.services.national import AMBITION_BANDS, NO_AMBITION, ambition_band, dashboard
from carepool.services.permissions import PlanScope
from carepool.services.plans import list_plans
from carepool.services.portfolio import portfolio
from carepool.services.ports import Database
from factories import small_plan, two_tier_plan


def _store(db: Database, *plans: Plan) -> None:
    for plan in plans:
        imports.import_plan_bytes(db, pretty_json(plan).encode(), "plan.json", "alice")


def test_a_change_through_another_handle_shows_on_the_next_read(db: Database, database_url: str) -> None:
    _store(db, small_plan())
    assert [p.status.state for p in list_plans(db)] == ["draft"]
    other = connect(database_url)  # another server process, in effect
    try:
        workflow.save_draft(other, small_plan(title="Renamed elsewhere"), based_on=1, actor="bob")
        workflow.submit(other, small_plan().id, actor="bob")
    finally:
        other.dispose()
    [summary] = list_plans(db)
    assert (summary.title, summary.version, summary.status.state) == ("Renamed elsewhere", 2, "submitted")


def test_only_changed_plans_are_read_again(db: Database) -> None:
    first, second = small_plan(), two_tier_plan()
    _store(db, first, second)
    before = {e.summary.id: e for e in portfolio(db)}
    workflow.save_draft(db, small_plan(title="Edited"), based_on=1, actor="bob")
    after = {e.summary.id: e for e in portfolio(db)}
    assert after[second.id] is before[second.id]  # untouched: the very same entry
    assert after[first.id] is not before[first.id] and after[first.id].summary.title == "Edited"
    assert portfolio(db)[0] is portfolio(db)[0]  # nothing appended: the last read stands


def test_a_new_plan_appears_and_nothing_is_listed_twice(db: Database) -> None:
    _store(db, small_plan())
    assert len(portfolio(db)) == 1
    _store(db, two_tier_plan())
    assert sorted(e.summary.id for e in portfolio(db)) == sorted([small_plan().id, two_tier_plan().id])


def test_headline_money_is_the_finance_engines() -> None:
    plan = small_plan()
    pack = load_pack(plan.policy)
    headline = facts_from_plan(plan).headline
    minimums = minimum_position(plan, pack)
    schedule = plan_release(plan, pack)
    assert headline.pooled == build_flows(plan, None, pack).total()
    assert headline.minimum == total([m.minimum for m in minimums])
    assert headline.shortfall == total([m.shortfall for m in minimums])
    assert (headline.ambition_pct, headline.at_risk) == (schedule.design.ambition_pct, schedule.design.pot)
    assert headline.pooled > 0 and headline.at_risk > 0


def test_dashboard_rolls_up_only_what_the_person_may_see(db: Database) -> None:
    first, second = small_plan(), two_tier_plan()
    _store(db, first, second)
    everyone = dashboard(db, lambda scope: True)
    assert len(everyone.lines) == 2
    assert everyone.pooled == total([line.headline.pooled for line in everyone.lines])
    assert sum(r.plans for r in everyone.regions) == 2
    assert everyone.by_status == [("draft", 2)]
    only_first = dashboard(db, lambda scope: scope == PlanScope(first.area.ons_code, scope.region))
    assert [line.plan.id for line in only_first.lines] == [first.id]
    assert only_first.pooled == facts_from_plan(first).headline.pooled


def test_every_chart_has_a_data_row_per_bar(db: Database) -> None:
    _store(db, small_plan(), two_tier_plan())
    for chart in dashboard(db, lambda scope: True).charts:
        assert chart.rows, chart.id
        assert chart.svg.count("<rect") >= len(chart.rows)  # at least one bar per row (plus legend keys)
        assert 'role="img"' in chart.svg and "<title" in chart.svg


@pytest.mark.parametrize(
    ("pct", "band"),
    [
        (None, NO_AMBITION),
        (Decimal("-0.01"), "a rise (below 0%)"),
        (Decimal(0), "0% to under 1%"),
        (Decimal("3.49"), "2% to under 3.5%"),
        (Decimal("3.5"), "3.5% to under 5%"),
        (Decimal(5), "5% or more"),
    ],
)
def test_ambition_band_edges(pct: Decimal | None, band: str) -> None:
    assert ambition_band(pct) == band


@given(st.decimals(min_value=-100, max_value=100, places=2))
def test_every_ambition_falls_in_exactly_one_band(pct: Decimal) -> None:
    inside = [
        label
        for i, (label, upper) in enumerate(AMBITION_BANDS)
        if (i == 0 or pct >= (AMBITION_BANDS[i - 1][1] or Decimal(0))) and (upper is None or pct < upper)
    ]
    assert inside == [ambition_band(pct)]
