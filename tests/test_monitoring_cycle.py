"""The quarterly cycle: release per quarter (rules.md 4.4 example B), the year's position, settlement."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.model.plan import ConditionStatus, RiskShareMethod, RiskShareRule, RiskShareStep
from carepool.monitoring.cycle import apply_return, record_return
from carepool.monitoring.returns import QuarterlyReturn, parse_return_data
from carepool.monitoring.views import cycle_dict, settlement_lines
from carepool.policy.loader import load_pack
from carepool.problems import InputRejected
from factories import CCG, COUNCIL, small_plan

PACK = load_pack("bcf-2015-16")
QUARTER_POT = Decimal("260750.00")  # 175 admissions × £1,490


def ret(quarter: str, **fields: Any) -> QuarterlyReturn:
    return parse_return_data(
        {"format": "carepool-return/1", "plan": "riverton-2015-16", "quarter": quarter, **fields}
    )


def nel(period: str, value: str) -> dict[str, str]:
    return {"metric": "nel_admissions", "period": period, "value": value}


def spend(**by_scheme: str) -> list[dict[str, str]]:
    return [{"scheme": k, "spend_to_date": v} for k, v in by_scheme.items()]


def test_example_b_quarter_releases_sixty_percent() -> None:
    """105 of 175 planned fewer admissions → 60% of £260,750 released, the rest retained."""
    cycle = apply_return(small_plan(), PACK, ret("2015-16 Q1", metrics=[nel("2014-15 Q4", "4895")]))
    assert cycle.assessed_now == ("2014-15 Q4",)
    assert cycle.released_now == Decimal("156450.00")
    assert cycle.retained_now == Decimal("104300.00")
    assert cycle.release is not None
    assert cycle.release.pending == 3 * QUARTER_POT
    assert cycle.plan.performance.actuals[-1].admissions == Decimal("4895")


def test_cumulative_position_over_returns() -> None:
    plan = small_plan()
    first = apply_return(plan, PACK, ret("2015-16 Q1", metrics=[nel("2014-15 Q4", "4895")]))
    second = apply_return(first.plan, PACK, ret("2015-16 Q2", metrics=[nel("2015-16 Q1", "4800")]))
    assert second.released_now == QUARTER_POT  # beat the plan: capped at 100%
    assert second.release is not None
    assert second.release.released == Decimal("156450.00") + QUARTER_POT
    assert second.release.retained == Decimal("104300.00")
    worse = apply_return(second.plan, PACK, ret("2015-16 Q3", metrics=[nel("2015-16 Q2", "5100")]))
    assert worse.released_now == Decimal("0.00") and worse.retained_now == QUARTER_POT


def test_a_revised_figure_replaces_the_earlier_one() -> None:
    plan = record_return(small_plan(), PACK, ret("2015-16 Q1", metrics=[nel("2014-15 Q4", "4895")]))
    again = apply_return(plan, PACK, ret("2015-16 Q2", metrics=[nel("2014-15 Q4", "4825")]))
    assert [a.admissions for a in again.plan.performance.actuals] == [Decimal("4825")]
    assert again.released_now == QUARTER_POT


def test_the_return_records_metrics_and_conditions() -> None:
    r = ret(
        "2015-16 Q1",
        metrics=[{"metric": "dtoc", "period": "2015-16 Q1", "value": "305"}],
        conditions=[{"condition": "NC2", "status": "not_met", "note": "7-day services delayed"}],
    )
    cycle = apply_return(small_plan(), PACK, r)
    dtoc = next(m for m in cycle.plan.metrics if m.metric == "dtoc")
    assert dtoc.actuals[-1].value == Decimal("305")
    assert next(c for c in cycle.plan.conditions if c.condition == "NC2").status is ConditionStatus.NOT_MET
    assert cycle.assessed_now == ()
    assert "nothing newly assessed" in cycle.performance_note


def test_straight_line_profile_and_spend_to_date() -> None:
    cycle = apply_return(small_plan(), PACK, ret("2015-16 Q2", spend=spend(S1="4100000.00")))
    s1, s2, s3 = cycle.schemes
    assert (s1.budget, s1.profile_to_date, s1.variance_to_date) == (
        Decimal("8000000.00"),
        Decimal("4000000.00"),
        Decimal("100000.00"),
    )
    assert s2.spend_to_date is None and s3.profile_to_date == Decimal("475000.00")
    assert cycle.settlement is None and "forecast" in cycle.settlement_note


def test_year_end_settles_the_overspend_by_the_risk_share() -> None:
    r = ret("2015-16 Q4", spend=spend(S1="8100000.00", S2="3100000.00", S3="950000.00"))
    cycle = apply_return(small_plan(), PACK, r)
    assert cycle.settlement_basis == "year_end"
    s = cycle.settlement
    assert s is not None and s.reconciles()
    assert s.to_settle == Decimal("100000.00")
    assert s.by_partner() == {CCG: Decimal("50000.00"), COUNCIL: Decimal("50000.00")}
    assert settlement_lines(s)[1].startswith("1. share overspend by")
    assert cycle_dict(cycle)["settlement"]["result"]["by_partner"] == {CCG: "50000.00", COUNCIL: "50000.00"}


def test_ordered_rule_shows_each_step() -> None:
    plan = small_plan()
    plan.s75.risk_share = RiskShareRule(
        method=RiskShareMethod.ORDERED,
        order=[RiskShareStep.OFFSET_UNDERSPENDS, RiskShareStep.RISK_POOL, RiskShareStep.OUTSIDE_POOL],
        risk_pool=Decimal("30000"),
        splits={COUNCIL: Decimal("40"), CCG: Decimal("60")},
    )
    r = ret("2015-16 Q4", spend=spend(S1="8100000.00", S2="3080000.00", S3="950000.00"))
    s = apply_return(plan, PACK, r).settlement
    assert s is not None and s.reconciles()
    assert [(x.step, x.amount) for x in s.steps] == [
        ("offset_underspends", Decimal("20000.00")),
        ("risk_pool", Decimal("30000.00")),
        ("outside_pool", Decimal("30000.00")),
        ("outside_pool", Decimal("20000.00")),
    ]


def test_forecast_settlement_in_year() -> None:
    rows = [
        {"scheme": "S1", "spend_to_date": "2000000", "forecast_outturn": "7900000"},
        {"scheme": "S2", "spend_to_date": "775000", "forecast_outturn": "3100000"},
        {"scheme": "S3", "spend_to_date": "237500", "forecast_outturn": "950000"},
    ]
    cycle = apply_return(small_plan(), PACK, ret("2015-16 Q1", spend=rows))
    assert cycle.settlement_basis == "forecast"
    assert cycle.settlement is not None
    assert cycle.settlement.by_partner() == {CCG: Decimal("-50000.00"), COUNCIL: Decimal("-50000.00")}


def test_year_end_needs_every_funded_scheme() -> None:
    with pytest.raises(InputRejected) as exc:
        apply_return(small_plan(), PACK, ret("2015-16 Q4", spend=spend(S1="1.00")))
    assert exc.value.problems[0].location == "spend"
    assert "S2, S3" in exc.value.problems[0].found


def test_no_risk_share_rule_is_said_not_guessed() -> None:
    plan = small_plan()
    plan.s75.risk_share = None
    r = ret("2015-16 Q4", spend=spend(S1="8000000", S2="3100000", S3="950000"))
    cycle = apply_return(plan, PACK, r)
    assert cycle.settlement is None and "no risk-share rule" in cycle.settlement_note


def test_a_return_for_another_plan_is_refused() -> None:
    r = parse_return_data({"format": "carepool-return/1", "plan": "other", "quarter": "2015-16 Q1"})
    with pytest.raises(InputRejected) as exc:
        apply_return(small_plan(), PACK, r)
    assert [p.location for p in exc.value.problems] == ["plan"]


admissions = st.integers(min_value=0, max_value=12000).map(Decimal)


@settings(max_examples=60, deadline=None)
@given(st.lists(admissions, min_size=4, max_size=4))
def test_release_plus_retained_is_the_pot_on_any_path(path: list[Decimal]) -> None:
    plan = small_plan()
    at_budget = spend(S1="8000000", S2="3100000", S3="950000")
    returns = ["2015-16 Q1", "2015-16 Q2", "2015-16 Q3", "2015-16 Q4"]
    for quarter, value, when in zip(PACK.performance.quarters, path, returns, strict=True):
        cycle = apply_return(plan, PACK, ret(when, metrics=[nel(quarter, str(value))], spend=at_budget))
        plan = cycle.plan
        assert cycle.released_now + cycle.retained_now == QUARTER_POT
        assert Decimal(0) <= cycle.released_now <= QUARTER_POT
    assert cycle.release is not None
    assert cycle.release.released + cycle.release.retained == 4 * QUARTER_POT
    assert cycle.release.pending == Decimal(0)


pence = st.integers(min_value=0, max_value=2_000_000_000).map(lambda p: Decimal(p) / 100)


@settings(max_examples=60, deadline=None)
@given(pence, pence, pence, st.sampled_from(list(RiskShareMethod)))
def test_settlement_steps_reconcile_for_any_outturn(
    a: Decimal, b: Decimal, c: Decimal, method: RiskShareMethod
) -> None:
    plan = small_plan()
    plan.s75.risk_share = RiskShareRule(
        method=method, splits={COUNCIL: Decimal("30"), CCG: Decimal("70")}, risk_pool=Decimal("1000")
    )
    cycle = apply_return(plan, PACK, ret("2015-16 Q4", spend=spend(S1=str(a), S2=str(b), S3=str(c))))
    assert cycle.settlement is not None and cycle.settlement.reconciles()


def test_a_policy_without_quarterly_payments_says_so() -> None:
    itf = load_pack("itf-2015-16")
    cycle = apply_return(
        small_plan(),
        itf,
        ret("2015-16 Q1", metrics=[{"metric": "dtoc", "period": "2015-16 Q1", "value": "1"}]),
    )
    assert cycle.release is None and cycle.released_now == Decimal(0)
    assert "pays no quarterly performance money (tranches)" in cycle.performance_note
