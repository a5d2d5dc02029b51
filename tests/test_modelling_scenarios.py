"""Named scenarios: each figure from the existing rules, side by side, with partners' exposure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.model.plan import RiskShareMethod, RiskShareRule, RiskShareStep
from carepool.modelling.charts import partner_exposure
from carepool.modelling.scenarios import ScenarioSet, comparison_table, result_dict, run_scenarios
from carepool.policy.loader import load_pack
from carepool.problems import InputRejected
from factories import CCG, COUNCIL, small_plan

PACK = load_pack("bcf-2015-16")


def scenarios(*items: dict[str, Any], **extra: Any) -> ScenarioSet:
    return ScenarioSet.model_validate({"format": "carepool-scenarios/1", "scenarios": list(items), **extra})


def test_as_planned_comes_first_and_matches_the_plan() -> None:
    base, other = run_scenarios(small_plan(), PACK, scenarios({"name": "Same"}))
    assert base.name == "As planned" and base.year == "2015-16"
    assert (base.design.pot, base.design.ring_fence) == (Decimal("1043000.00"), Decimal("957000.00"))
    assert (base.expected_released, base.expected_retained) == (Decimal("1043000.00"), Decimal("0.00"))
    assert (base.saving, base.bed_days_freed) == (Decimal("1043000.00"), Decimal("3850.0"))
    assert {e.partner: e.total for e in base.exposure} == {
        CCG: Decimal("11100000.00"),
        COUNCIL: Decimal("950000.00"),
    }
    assert result_dict(other) == {**result_dict(base), "name": "Same"}


def test_ambition_unit_cost_and_achievement() -> None:
    _, low, dear, partial = run_scenarios(
        small_plan(),
        PACK,
        scenarios(
            {"name": "Low", "ambition_pct": "2"},
            {"name": "Dear", "unit_cost": "1613.21"},
            {"name": "Partial", "achievement_pct": "60"},
        ),
    )
    assert (low.design.planned_reduction, low.design.pot, low.design.ring_fence) == (
        Decimal("400.000"),
        Decimal("596000.00"),
        Decimal("1404000.00"),
    )
    assert dear.design.pot == Decimal("1129247.00") and dear.saving == Decimal("1129247.00")
    assert (partial.expected_released, partial.expected_retained) == (
        Decimal("625800.00"),
        Decimal("417200.00"),
    )
    assert partial.saving == Decimal("625800.00") and partial.bed_days_freed == Decimal("2310.0")
    # Unearned £417,200 falls on the partners 50/50 under the fixed-split risk share.
    assert {e.partner: e.shortfall_share for e in partial.exposure} == {
        CCG: Decimal("208600.00"),
        COUNCIL: Decimal("208600.00"),
    }
    assert partial.shortfall is not None and partial.shortfall.reconciles()


def test_scheme_mix_and_contributions() -> None:
    _, mix, more = run_scenarios(
        small_plan(),
        PACK,
        scenarios(
            {"name": "Mix", "scheme_funding": {"S1": "7500000", "S2": "3600000"}},
            {"name": "More", "contributions": {COUNCIL: "1200000"}},
        ),
    )
    assert mix.schemes_total == Decimal("12050000.00")
    assert more.pool_total == Decimal("12300000.00")
    assert {e.partner: e.contribution for e in more.exposure}[COUNCIL] == Decimal("1200000.00")


def test_ordered_rule_draws_the_risk_pool_first() -> None:
    plan = small_plan()
    plan.s75.risk_share = RiskShareRule(
        method=RiskShareMethod.ORDERED,
        order=[RiskShareStep.RISK_POOL, RiskShareStep.OUTSIDE_POOL],
        risk_pool=Decimal("100000"),
        splits={CCG: Decimal("100")},
    )
    _, partial = run_scenarios(plan, PACK, scenarios({"name": "Half", "achievement_pct": "50"}))
    steps = result_dict(partial)["shortfall_steps"]
    assert [(s["step"], s["amount"]) for s in steps] == [
        ("risk_pool", "100000.00"),
        ("outside_pool", "421500.00"),
    ]


def test_problems_name_the_scenario_field() -> None:
    with pytest.raises(InputRejected) as exc:
        run_scenarios(
            small_plan(), PACK, scenarios({"name": "A"}, {"name": "B", "scheme_funding": {"S9": "1"}})
        )
    assert exc.value.problems[0].location == "scenarios[1].scheme_funding.S9"
    with pytest.raises(InputRejected) as exc:
        run_scenarios(small_plan(), PACK, scenarios({"name": "As planned"}))
    assert exc.value.problems[0].location == "scenarios"
    with pytest.raises(InputRejected):
        run_scenarios(small_plan(), PACK, scenarios({"name": "A"}, plan="elsewhere"))
    with pytest.raises(InputRejected):
        run_scenarios(small_plan(), PACK, scenarios({"name": "A"}, year="2019-20"))


def test_side_by_side_table_and_exposure_chart() -> None:
    results = run_scenarios(small_plan(), PACK, scenarios({"name": "Partial", "achievement_pct": "60"}))
    columns, rows = comparison_table(results)
    assert columns == ["measure", "As planned", "Partial"]
    by_label = {r[0]: r[1:] for r in rows}
    assert by_label["Expected release"] == ["£1,043,000.00", "£625,800.00"]
    assert by_label[f"Exposure: {COUNCIL}"] == ["£950,000.00", "£1,158,600.00"]
    chart = partner_exposure(results).to_dict()
    assert chart["table"]["columns"][0] == "scenario"
    assert len(chart["series"]["bars"]) == len(chart["table"]["rows"]) == 4


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 100), st.integers(0, 100))
def test_release_plus_retained_is_the_pot_and_exposure_reconciles(ambition: int, achievement: int) -> None:
    _, r = run_scenarios(
        small_plan(),
        PACK,
        scenarios({"name": "X", "ambition_pct": str(ambition), "achievement_pct": str(achievement)}),
    )
    assert r.expected_released + r.expected_retained == r.design.pot
    shares = sum((e.shortfall_share for e in r.exposure), Decimal(0))
    assert shares == r.expected_retained  # fixed split: the whole shortfall lands on partners
