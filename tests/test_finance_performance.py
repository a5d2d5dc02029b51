"""Payment for performance: rules.md 4.4 example B exactly, release properties, and the 2013 tranches."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.finance.cross_subsidy import shares_of
from carepool.finance.performance import (
    design_pot,
    plan_pot,
    plan_release,
    plan_tranche_release,
    release,
    schedule_release,
    tranche_release,
    tranche_shares,
)
from carepool.model.plan import PerformancePlan, QuarterCount
from carepool.money import total
from carepool.policy import load_pack
from carepool.problems import InputRejected
from factories import small_plan

BCF = load_pack("bcf-2015-16")
ITF = load_pack("itf-2015-16")
QUARTERS = list(BCF.performance.quarters)
UNIT_COST = Decimal("1490")


def example_b() -> PerformancePlan:
    """rules.md 4.4 B: baseline 20,000 (5,000 a quarter), ambition 3.5%, fund share £5,000,000."""
    return PerformancePlan(
        baseline=[QuarterCount(quarter=q, admissions=Decimal(5000)) for q in QUARTERS],
        planned=[QuarterCount(quarter=q, admissions=Decimal(4825)) for q in QUARTERS],
        actuals=[QuarterCount(quarter="2014-15 Q4", admissions=Decimal(4895))],  # 105 fewer
        ambition_pct=Decimal("3.5"),
        fund_share=Decimal("5000000"),
    )


def test_example_b_pot_and_ring_fence() -> None:
    design = plan_pot(small_plan(performance=example_b()), BCF)
    assert design.baseline == Decimal(20000)
    assert design.planned_reduction == Decimal(700)
    assert design.ambition_pct == Decimal("3.50")
    assert design.pot == Decimal("1043000.00")
    assert design.ring_fence == Decimal("3957000.00")
    assert [q.pot for q in design.quarters] == [Decimal("260750.00")] * 4
    assert [q.planned_reduction for q in design.quarters] == [Decimal(175)] * 4


def test_example_b_first_payment_point() -> None:
    schedule = plan_release(small_plan(performance=example_b()), BCF)
    q4 = schedule.quarters[0]
    assert q4.quarter == "2014-15 Q4"
    assert q4.actual_reduction == Decimal(105)
    assert q4.achievement_pct == Decimal("60.00")
    assert q4.released == Decimal("156450.00")
    assert q4.retained == Decimal("104300.00")
    # Later quarters not reported yet: nothing released or retained, the pot still pending.
    assert all(not q.assessed for q in schedule.quarters[1:])
    assert schedule.released == Decimal("156450.00")
    assert schedule.retained == Decimal("104300.00")
    assert schedule.pending == Decimal("782250.00")
    assert schedule.released + schedule.retained + schedule.pending == schedule.design.pot


def test_example_b_zero_negative_and_above_plan_quarters() -> None:
    design = plan_pot(small_plan(performance=example_b()), BCF)
    actuals = {
        "2014-15 Q4": Decimal(5000),  # no reduction
        "2015-16 Q1": Decimal(5100),  # admissions rose
        "2015-16 Q2": Decimal(4825),  # exactly on plan
        "2015-16 Q3": Decimal(4500),  # far above plan: capped at 100%
    }
    schedule = schedule_release(design, actuals)
    assert [q.released for q in schedule.quarters] == [
        Decimal(0),
        Decimal(0),
        Decimal("260750.00"),
        Decimal("260750.00"),
    ]
    assert [q.retained for q in schedule.quarters] == [
        Decimal("260750.00"),
        Decimal("260750.00"),
        Decimal(0),
        Decimal(0),
    ]
    assert schedule.quarters[-1].achievement_pct == Decimal("285.71")
    assert schedule.quarters[-1].released_to_date == Decimal("521500.00")
    assert schedule.quarters[-1].retained_to_date == Decimal("521500.00")
    assert schedule.pending == 0


def test_missing_quarter_is_named() -> None:
    perf = example_b().model_copy(update={"planned": example_b().planned[:3]})
    with pytest.raises(InputRejected) as caught:
        plan_pot(small_plan(performance=perf), BCF)
    problem = caught.value.problems[0]
    assert problem.location == "performance.planned"
    assert "2015-16 Q3" in problem.message


def test_pot_needs_the_nel_mechanism() -> None:
    with pytest.raises(InputRejected, match="no payment for reducing emergency admissions"):
        plan_pot(small_plan(performance=example_b()), load_pack("bcf-2025-26"))


def test_quarter_planned_to_rise_carries_no_pot() -> None:
    design = design_pot(
        {q: Decimal(100) for q in QUARTERS},
        {
            QUARTERS[0]: Decimal(110),
            QUARTERS[1]: Decimal(90),
            QUARTERS[2]: Decimal(100),
            QUARTERS[3]: Decimal(100),
        },
        UNIT_COST,
        QUARTERS,
    )
    assert [q.pot for q in design.quarters] == [Decimal(0), Decimal("14900.00"), Decimal(0), Decimal(0)]
    assert design.planned_reduction == 0
    assert design.ambition_pct == Decimal("0.00")


counts = st.decimals(min_value=0, max_value=100000, places=1)
pots = st.integers(min_value=0, max_value=10**10).map(lambda p: Decimal(p) / 100)


@given(pot=pots, planned=counts, actual=st.decimals(min_value=-100000, max_value=100000, places=1))
def test_release_plus_retained_is_the_pot_and_release_within_pot(
    pot: Decimal, planned: Decimal, actual: Decimal
) -> None:
    paid = release(pot, planned, actual)
    assert Decimal(0) <= paid <= pot
    assert paid == paid.quantize(Decimal("0.01"))
    assert paid + (pot - paid) == pot


@given(
    baseline=st.lists(counts, min_size=4, max_size=4),
    planned=st.lists(counts, min_size=4, max_size=4),
    actual=st.lists(st.one_of(st.none(), counts), min_size=4, max_size=4),
)
def test_schedule_reconciles_to_the_pot(
    baseline: list[Decimal], planned: list[Decimal], actual: list[Decimal | None]
) -> None:
    design = design_pot(
        dict(zip(QUARTERS, baseline, strict=True)),
        dict(zip(QUARTERS, planned, strict=True)),
        UNIT_COST,
        QUARTERS,
    )
    schedule = schedule_release(
        design, {q: a for q, a in zip(QUARTERS, actual, strict=True) if a is not None}
    )
    assert design.pot == total([q.pot for q in design.quarters])
    assert schedule.released + schedule.retained + schedule.pending == design.pot
    for q in schedule.quarters:
        assert Decimal(0) <= q.released <= q.pot
        assert q.released + q.retained == (q.pot if q.assessed else 0)


# --- 2013 tranches -----------------------------------------------------------------------------------


def test_tranche_shares_follow_the_national_split() -> None:
    shares = tranche_shares(Decimal("5000000"), ITF)
    assert shares == {
        "2015-04-conditions": Decimal("1250000.00"),
        "2015-04-metrics": Decimal("1250000.00"),
        "2015-10-metrics": Decimal("2500000.00"),
    }


@given(st.integers(min_value=0, max_value=10**11).map(lambda p: Decimal(p) / 100))
def test_tranche_shares_sum_to_the_fund_share(fund_share: Decimal) -> None:
    assert total(list(tranche_shares(fund_share, ITF).values())) == fund_share


def test_tranche_release_all_or_nothing() -> None:
    met = {
        "2015-04-conditions": ["NC1", "NC2", "P2", "NC4"],
        "2015-04-metrics": ["dtoc", "experience", "local"],  # avoidable admissions missed
        "2015-10-metrics": [],
    }
    plan = small_plan(performance=PerformancePlan(fund_share=Decimal("1000000.01"), criteria_met=met))
    rows = {r.tranche: r for r in plan_tranche_release(plan, ITF)}
    assert rows["2015-04-conditions"].area_amount == Decimal("250000.00")
    assert rows["2015-04-conditions"].released == Decimal("250000.00")
    assert rows["2015-04-metrics"].released == 0
    assert rows["2015-04-metrics"].withheld == rows["2015-04-metrics"].area_amount
    assert rows["2015-10-metrics"].area_amount == Decimal("500000.01")
    assert total([r.area_amount for r in rows.values()]) == Decimal("1000000.01")


def test_tranche_release_proportional_when_the_rule_is_zero() -> None:
    perf = ITF.performance
    assert perf.tranche_rule is not None
    proportional = ITF.model_copy(
        update={
            "performance": perf.model_copy(
                update={"tranche_rule": perf.tranche_rule.model_copy(update={"value": Decimal(0)})}
            )
        }
    )
    rows = tranche_release(
        Decimal("1000000"), {"2015-04-metrics": ["dtoc", "local", "not-a-criterion"]}, proportional
    )
    metrics = next(r for r in rows if r.tranche == "2015-04-metrics")
    assert metrics.met == ("dtoc", "local")
    assert metrics.released == Decimal("125000.00")
    assert metrics.released + metrics.withheld == metrics.area_amount


def test_tranches_need_a_fund_share_and_the_tranche_mechanism() -> None:
    with pytest.raises(InputRejected) as caught:
        plan_tranche_release(small_plan(performance=PerformancePlan()), ITF)
    assert caught.value.problems[0].location == "performance.fund_share"
    with pytest.raises(InputRejected, match="no performance tranches"):
        tranche_release(Decimal(100), {}, BCF)


def test_example_a_rotherham_share_conditional_on_admissions() -> None:
    # rules.md 4.4 A: £0.4m of a ~£23m BCF (pools £13.245m + £10.071m) was conditional: ≈ 1.7%.
    pool = Decimal("13245000") + Decimal("10071000")
    shares = shares_of({"conditional": Decimal("400000"), "rest": pool - Decimal("400000")})
    assert shares == {"conditional": Decimal("1.72"), "rest": Decimal("98.28")}


def test_example_c_national_pot_from_the_average_ambition() -> None:
    # rules.md 4.2/4.4 C [DERIVED]: a ~5.53m national baseline at 3.07% is ~169,800 admissions, ≈ £253m.
    baseline = {q: Decimal(5530000) / 4 for q in QUARTERS}
    planned = {q: b * (100 - Decimal("3.07")) / 100 for q, b in baseline.items()}
    design = design_pot(baseline, planned, UNIT_COST, QUARTERS)
    assert design.ambition_pct == Decimal("3.07")
    assert abs(design.planned_reduction - Decimal(169800)) < 100
    assert abs(design.pot - Decimal("253000000")) < Decimal("500000")
