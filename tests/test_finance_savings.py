"""Savings from avoided admissions and freed bed days, with the NAO outturn as a worked example."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carepool.finance.savings import (
    NO_LENGTH_OF_STAY,
    implied_unit_cost,
    plan_savings,
    savings_from_admissions,
    stated_scheme_savings,
)
from carepool.policy import load_pack
from carepool.problems import InputRejected
from factories import small_plan

BCF = load_pack("bcf-2015-16")


def test_nao_outturn_implies_about_1613_pounds_per_admission() -> None:
    # rules.md 4.4 D: 106,000 fewer admissions planned, saving £171m → ≈ £1,613 per admission [DERIVED].
    cost = implied_unit_cost(Decimal("171000000"), Decimal("106000"))
    assert cost == Decimal("1613.21")
    assert savings_from_admissions(Decimal("106000"), cost).saving == Decimal("171000260.00")


def test_national_check_of_the_unit_cost() -> None:
    # rules.md 4.4 C [DERIVED]: ~169,800 admissions × £1,490 ≈ £253m.
    saving = savings_from_admissions(Decimal("169800"), Decimal("1490")).saving
    assert abs(saving - Decimal("253000000")) < Decimal("1000000")


def test_plan_savings_with_bed_days() -> None:
    estimate = plan_savings(small_plan(), BCF)  # 700 admissions avoided, 5.5 days average stay
    assert estimate.admissions_avoided == Decimal(700)
    assert estimate.saving == Decimal("1043000.00")
    assert estimate.bed_days_freed == Decimal("3850.0")
    assert stated_scheme_savings(small_plan(), "2015-16") == Decimal("1043000.00")


def test_bed_days_are_not_invented_without_a_length_of_stay() -> None:
    plan = small_plan()
    plan.performance.average_length_of_stay_days = None
    estimate = plan_savings(plan, BCF)
    assert estimate.bed_days_freed is None
    assert estimate.note == NO_LENGTH_OF_STAY
    assert "not computable" in estimate.note


def test_savings_need_a_unit_cost_and_positive_admissions() -> None:
    with pytest.raises(InputRejected, match="sets no cost per emergency admission"):
        plan_savings(small_plan(), load_pack("bcf-2025-26"))
    with pytest.raises(ValueError, match="positive"):
        implied_unit_cost(Decimal(1), Decimal(0))


@given(
    st.decimals(min_value=0, max_value=10**6, places=1),
    st.integers(min_value=0, max_value=10**6).map(lambda p: Decimal(p) / 100),
    st.one_of(st.none(), st.decimals(min_value=0, max_value=60, places=2)),
)
def test_savings_are_pennies_and_bed_days_tenths(
    admissions: Decimal, cost: Decimal, los: Decimal | None
) -> None:
    estimate = savings_from_admissions(admissions, cost, los)
    assert estimate.saving == estimate.saving.quantize(Decimal("0.01"))
    assert abs(estimate.saving - admissions * cost) <= Decimal("0.005")
    if los is None:
        assert estimate.bed_days_freed is None
    else:
        assert estimate.bed_days_freed is not None
        assert abs(estimate.bed_days_freed - admissions * los) <= Decimal("0.05")
