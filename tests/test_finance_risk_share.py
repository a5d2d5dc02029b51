"""Risk-share settlement: proportional, fixed split, the ordered call-off clause, and no sharing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.finance.risk_share import settle
from carepool.model.plan import RiskShareMethod, RiskShareRule, RiskShareStep
from carepool.money import total
from carepool.problems import InputRejected
from factories import CCG, COUNCIL, small_plan

YEAR = "2015-16"
# small_plan 2015-16 budgets: S1 £8,000,000 (CCG), S2 £3,100,000 (CCG), S3 £950,000 (council).
ON_BUDGET = {"S1": Decimal("8000000"), "S2": Decimal("3100000"), "S3": Decimal("950000")}


def actual(**changes: str) -> dict[str, Decimal]:
    out = dict(ON_BUDGET)
    for ref, delta in changes.items():
        out[ref] += Decimal(delta)
    return out


def test_fixed_split_50_50_like_rotherham() -> None:
    result = settle(small_plan(), YEAR, actual(S1="100000", S2="-40000"))
    assert result.method is RiskShareMethod.FIXED_SPLIT
    assert (result.overspend, result.underspend, result.to_settle) == (
        Decimal("100000.00"),
        Decimal("40000.00"),
        Decimal("60000.00"),
    )
    assert result.by_partner() == {CCG: Decimal("30000.00"), COUNCIL: Decimal("30000.00")}
    assert result.reconciles()


def test_proportional_to_contributions_including_an_underspend() -> None:
    rule = RiskShareRule(method=RiskShareMethod.PROPORTIONAL)
    over = settle(small_plan(), YEAR, actual(S1="60000"), rule)
    # 2015-16 contributions: CCG £11,100,000, council £950,000 (of £12,050,000).
    assert over.by_partner() == {CCG: Decimal("55269.71"), COUNCIL: Decimal("4730.29")}
    under = settle(small_plan(), YEAR, actual(S3="-60000"), rule)
    assert under.by_partner() == {CCG: Decimal("-55269.71"), COUNCIL: Decimal("-4730.29")}
    assert {s.step for s in under.steps} == {"share_underspend"}
    assert over.reconciles() and under.reconciles()


def test_ordered_call_off_clause() -> None:
    plan = small_plan()
    plan.schemes[2].uncommitted = {YEAR: Decimal("200000")}
    rule = RiskShareRule(
        method=RiskShareMethod.ORDERED,
        order=list(RiskShareStep),
        risk_pool=Decimal("150000"),
        splits={CCG: Decimal(50), COUNCIL: Decimal(50)},
    )
    result = settle(plan, YEAR, actual(S1="500000", S2="-100000"), rule)
    steps = [(s.step, s.scheme, s.partner, s.amount) for s in result.steps]
    assert steps == [
        ("offset_underspends", "S2", None, Decimal("100000.00")),
        ("risk_pool", None, None, Decimal("150000")),
        ("cut_uncommitted", "S3", None, Decimal("200000.00")),
        ("outside_pool", None, CCG, Decimal("25000.00")),
        ("outside_pool", None, COUNCIL, Decimal("25000.00")),
    ]
    assert result.to_settle == Decimal("500000.00")
    assert result.uncovered == 0 and result.underspend_retained == 0
    assert result.reconciles()


def test_ordered_stops_when_covered_and_keeps_the_rest_of_the_underspend() -> None:
    rule = RiskShareRule(method=RiskShareMethod.ORDERED, risk_pool=Decimal("1000000"))
    result = settle(small_plan(), YEAR, actual(S1="30000", S2="-100000"), rule)
    assert [(s.step, s.amount) for s in result.steps] == [("offset_underspends", Decimal("30000.00"))]
    assert result.underspend_retained == Decimal("70000.00")


def test_uncommitted_money_already_underspent_is_not_cut_twice() -> None:
    plan = small_plan()
    plan.schemes[1].uncommitted = {YEAR: Decimal("100000")}
    rule = RiskShareRule(
        method=RiskShareMethod.ORDERED,
        order=[RiskShareStep.OFFSET_UNDERSPENDS, RiskShareStep.CUT_UNCOMMITTED],
    )
    result = settle(plan, YEAR, actual(S1="500000", S2="-60000"), rule)
    assert [(s.step, s.amount) for s in result.steps] == [
        ("offset_underspends", Decimal("60000.00")),
        ("cut_uncommitted", Decimal("40000.00")),
    ]
    assert result.uncovered == Decimal("400000.00")  # no outside-pool step in this order
    assert result.reconciles()


def test_outside_pool_without_splits_goes_by_contributions() -> None:
    rule = RiskShareRule(method=RiskShareMethod.ORDERED, order=[RiskShareStep.OUTSIDE_POOL])
    result = settle(small_plan(), YEAR, actual(S3="12050"), rule)
    assert result.by_partner() == {CCG: Decimal("11100.00"), COUNCIL: Decimal("950.00")}


def test_no_risk_share_leaves_the_overspend_with_the_schemes_funders() -> None:
    result = settle(
        small_plan(),
        YEAR,
        actual(S1="1000", S3="500", S2="-9999"),
        RiskShareRule(method=RiskShareMethod.NONE),
    )
    assert [(s.scheme, s.partner, s.amount) for s in result.steps] == [
        ("S1", CCG, Decimal("1000.00")),
        ("S3", COUNCIL, Decimal("500.00")),
    ]
    assert result.reconciles()


def test_inputs_are_checked() -> None:
    with pytest.raises(InputRejected) as caught:
        settle(small_plan(), YEAR, {"S1": Decimal(1), "NOPE": Decimal(2), "S2": Decimal("-1")})
    locations = {p.location for p in caught.value.problems}
    assert locations == {"actual[NOPE]", "actual[S2]", "actual[S3]"}
    bad_split = RiskShareRule(
        method=RiskShareMethod.FIXED_SPLIT, splits={CCG: Decimal(60), COUNCIL: Decimal(30)}
    )
    with pytest.raises(InputRejected) as caught:
        settle(small_plan(), YEAR, ON_BUDGET, bad_split)
    assert caught.value.problems[0].location == "s75.risk_share.splits"
    assert caught.value.problems[0].found == "90%"
    plan = small_plan()
    plan.s75.risk_share = None
    with pytest.raises(InputRejected, match="no risk-share rule"):
        settle(plan, YEAR, ON_BUDGET)


pennies = st.integers(min_value=0, max_value=2 * 10**9).map(lambda p: Decimal(p) / 100)


@settings(max_examples=80, deadline=None)
@given(
    spend=st.tuples(pennies, pennies, pennies),
    uncommitted=st.tuples(pennies, pennies, pennies),
    risk_pool=pennies,
    order=st.permutations(list(RiskShareStep)).flatmap(lambda p: st.integers(0, 4).map(lambda n: p[:n])),
    split=st.integers(min_value=0, max_value=100),
)
def test_ordered_steps_always_sum_to_the_overspend(
    spend: tuple[Decimal, Decimal, Decimal],
    uncommitted: tuple[Decimal, Decimal, Decimal],
    risk_pool: Decimal,
    order: list[RiskShareStep],
    split: int,
) -> None:
    plan = small_plan()
    for scheme, u in zip(plan.schemes, uncommitted, strict=True):
        scheme.uncommitted = {YEAR: u}
    rule = RiskShareRule(
        method=RiskShareMethod.ORDERED,
        order=order,
        risk_pool=risk_pool,
        splits={CCG: Decimal(split), COUNCIL: Decimal(100 - split)},
    )
    result = settle(plan, YEAR, dict(zip(["S1", "S2", "S3"], spend, strict=True)), rule)
    assert result.reconciles()
    assert total([s.amount for s in result.steps]) + result.uncovered == result.overspend
    assert all(s.amount > 0 for s in result.steps)
    assert 0 <= result.uncovered <= result.overspend
    assert 0 <= result.underspend_retained <= result.underspend


@settings(max_examples=60, deadline=None)
@given(spend=st.tuples(pennies, pennies, pennies), split=st.integers(min_value=0, max_value=100))
def test_shared_methods_sum_to_the_net_variance(spend: tuple[Decimal, Decimal, Decimal], split: int) -> None:
    spent = dict(zip(["S1", "S2", "S3"], spend, strict=True))
    for rule in (
        RiskShareRule(method=RiskShareMethod.PROPORTIONAL),
        RiskShareRule(
            method=RiskShareMethod.FIXED_SPLIT, splits={CCG: Decimal(split), COUNCIL: Decimal(100 - split)}
        ),
    ):
        result = settle(small_plan(), YEAR, spent, rule)
        assert total(list(result.by_partner().values())) == result.actual - result.budget
        assert result.reconciles()
