"""Trend fit and Monte Carlo: fixed seeds, analytic cross-checks (no variance = the deterministic rule;
a normal case = Φ(z)), and the money rule on every simulated path."""

from __future__ import annotations

import dataclasses
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from carepool.finance.performance import release, schedule_release
from carepool.model.plan import MetricValue, Plan, QuarterCount
from carepool.modelling.history import plan_history
from carepool.modelling.montecarlo import (
    closed_form_quarter_probability,
    contingency_rank,
    draws_at_ranks,
    evaluate,
    histogram_counts,
    plan_model,
    plan_schedule,
    rank_of,
    release_ratios,
    simulate,
    simulate_admissions,
    simulate_plan,
    simulate_years,
    target_of,
    whole,
    year_schedule,
)
from carepool.modelling.quarters import quarter_index, quarter_label, shift
from carepool.modelling.trend import NotEnoughHistory, fit_trend
from carepool.policy.loader import load_pack
from carepool.problems import InputRejected
from factories import small_plan

PACK = load_pack("bcf-2015-16")
SEASON = (1.0, 0.97, 1.04, 1.06)  # Q1..Q4


def history_plan(growth_pct: float, noise: float = 0.0, ambition_pct: str = "3.5", seed: int = 3) -> Plan:
    """small_plan with 11 quarters of history (7 metric actuals + 4 baseline quarters) growing by
    ``growth_pct`` a year with seasonality, and a plan of baseline × (1 − ambition)."""
    rng = np.random.default_rng(seed)
    first = quarter_index("2012-13 Q1")
    values = {}
    for i in range(11):
        idx = first + i
        level = (
            4600
            * (1 + growth_pct / 100) ** (i / 4)
            * SEASON[idx % 4]
            * math.exp(noise * rng.standard_normal())
        )
        values[quarter_label(idx)] = Decimal(round(level))
    plan = small_plan()
    labels = list(values)
    plan.metrics[0].actuals = [MetricValue(period=q, value=values[q]) for q in labels[:7]]
    keep = (100 - Decimal(ambition_pct)) / 100
    quarters = PACK.performance.quarters
    plan.performance.baseline = [QuarterCount(quarter=q, admissions=values[shift(q, -4)]) for q in quarters]
    plan.performance.planned = [
        QuarterCount(quarter=q, admissions=values[shift(q, -4)] * keep) for q in quarters
    ]
    plan.performance.stated_pot = None
    plan.performance.ambition_pct = None
    return plan


def test_history_combines_baseline_and_metric_actuals() -> None:
    history = plan_history(history_plan(5), list(PACK.performance.quarters))
    keys = list(history)
    assert keys[0] == "2012-13 Q1" and keys[-1] == "2014-15 Q3"
    assert len(history) == 11
    assert plan_history(small_plan(), list(PACK.performance.quarters)) == {
        "2013-14 Q4": Decimal(5000),
        "2014-15 Q1": Decimal(5000),
        "2014-15 Q2": Decimal(5000),
        "2014-15 Q3": Decimal(5000),
    }


def test_the_fit_recovers_trend_and_seasonality() -> None:
    first = quarter_index("2010-11 Q1")
    exact = {quarter_label(first + i): 1000 * math.exp(0.02 * i) * SEASON[(first + i) % 4] for i in range(12)}
    model = fit_trend(exact)
    assert model.sigma < 1e-9
    assert model.coef[1] == pytest.approx(0.02)
    assert np.exp(model.coef[2:]) == pytest.approx(np.array(SEASON[1:]) / SEASON[0])
    assert model.annual_growth_pct == pytest.approx((math.exp(0.08) - 1) * 100)
    assert model.fitted(["2013-14 Q1"])[0] == pytest.approx(1000 * math.exp(0.02 * 12))


def test_too_little_history_names_the_field() -> None:
    with pytest.raises(NotEnoughHistory) as exc:
        plan_model(small_plan(), PACK)
    problem = exc.value.problems[0]
    assert (problem.location, problem.found) == ("performance.baseline", "4 quarters")
    with pytest.raises(NotEnoughHistory):
        fit_trend({quarter_label(8000 + 4 * i): 10 for i in range(9)})  # only ever Q1


def test_zero_variance_equals_the_deterministic_rule() -> None:
    plan = history_plan(5, ambition_pct="1")
    schedule = plan_schedule(plan, PACK)
    model = dataclasses.replace(plan_model(plan, PACK), sigma=0.0)
    result = simulate(model, schedule.design, schedule.cap, runs=500, seed=1)
    fitted = model.fitted([q.quarter for q in schedule.design.quarters])
    actuals = {q.quarter: whole(float(f)) for q, f in zip(schedule.design.quarters, fitted, strict=True)}
    deterministic = schedule_release(schedule.design, actuals, schedule.cap)
    assert {p.released for p in result.percentiles} == {deterministic.released}
    assert result.contingency == deterministic.retained
    assert result.expected_released == deterministic.released
    for odds, q in zip(result.quarters, schedule.design.quarters, strict=True):
        assert odds.probability == (1.0 if actuals[q.quarter] <= q.planned else 0.0)


def test_normal_case_matches_the_closed_form() -> None:
    plan = history_plan(2, noise=0.03, ambition_pct="1")
    schedule = plan_schedule(plan, PACK)
    model = plan_model(plan, PACK)
    runs = 40_000
    result = simulate(model, schedule.design, schedule.cap, runs=runs, seed=11)
    expected = closed_form_quarter_probability(model, target_of(schedule.design, schedule.cap))
    for odds, p in zip(result.quarters, expected, strict=True):
        assert 0.01 < p < 0.99  # a real test, not a degenerate one
        assert abs(odds.probability - p) < 4 * math.sqrt(p * (1 - p) / runs)


def test_same_seed_same_answer() -> None:
    plan = history_plan(4, noise=0.02)
    a = simulate_plan(plan, PACK, 2000, seed=7)
    b = simulate_plan(plan, PACK, 2000, seed=7)
    c = simulate_plan(plan, PACK, 2000, seed=8)
    assert a.percentiles == b.percentiles and a.probability_year == b.probability_year
    assert a.histogram == b.histogram
    assert (a.probability_year, a.expected_released) != (c.probability_year, c.expected_released)


def test_rising_history_makes_the_ambition_unlikely() -> None:
    rising = simulate_plan(history_plan(6, noise=0.01), PACK, 5000, seed=1)
    falling = simulate_plan(history_plan(-8, noise=0.01), PACK, 5000, seed=1)
    assert rising.probability_year < 0.05 < 0.95 < falling.probability_year
    assert rising.contingency > falling.contingency


def test_contingency_covers_the_shortfall_at_the_confidence() -> None:
    plan = history_plan(1, noise=0.03)
    schedule = plan_schedule(plan, PACK)
    model = plan_model(plan, PACK)
    result = simulate(model, schedule.design, schedule.cap, runs=4000, seed=5, confidence_pct=Decimal(90))
    target = target_of(schedule.design, schedule.cap)
    outcomes = evaluate(simulate_admissions(model, target.quarters, 4000, np.random.default_rng(5)), target)
    retained_share = 1 - outcomes.year_ratio
    covered = np.mean(retained_share <= float(result.contingency / result.pot) + 1e-6)
    assert covered >= 0.9
    assert sum(b.years for b in result.histogram) == 4000
    assert result.histogram[0].lower == Decimal("0.00") and result.histogram[-1].upper == result.pot
    released = [p.released for p in result.percentiles]
    assert released == sorted(released)
    for p in result.percentiles:
        assert p.released + p.retained == result.pot


def test_bad_runs_and_confidence_are_refused() -> None:
    plan = history_plan(2)
    with pytest.raises(InputRejected):
        simulate_plan(plan, PACK, 0, seed=1)
    with pytest.raises(InputRejected):
        simulate_plan(plan, PACK, 10, seed=1, confidence_pct=Decimal(100))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=20000, allow_nan=False), min_size=4, max_size=4))
def test_vectorised_ratio_is_the_release_rule_and_money_reconciles(path: list[float]) -> None:
    schedule = plan_schedule(history_plan(3, ambition_pct="2.5"), PACK)
    design = schedule.design
    target = target_of(design, schedule.cap)
    outcomes = evaluate(np.array([path]).T, target)
    ratios = release_ratios(np.array([path]).T, target)
    money = year_schedule(design, schedule.cap, np.array(path))
    assert money.released + money.retained == design.pot
    for i, (q, row) in enumerate(zip(design.quarters, money.quarters, strict=True)):
        assert row.released + row.retained == q.pot
        exact = release(q.pot, q.planned_reduction, q.baseline - Decimal(repr(path[i])))
        assert float(exact) == pytest.approx(float(q.pot) * ratios[i, 0], abs=0.01)
    assert 0.0 <= outcomes.year_ratio[0] <= 1.0


def test_blocks_give_the_same_answer_as_whole_arrays() -> None:
    plan = history_plan(2, noise=0.03, ambition_pct="1")
    schedule = plan_schedule(plan, PACK)
    model = plan_model(plan, PACK)
    target = target_of(schedule.design, schedule.cap)
    normals = np.random.default_rng(9).standard_normal((4, 20_001))  # not a multiple of the block
    got = simulate_years(model, target, normals)
    # The same model written as whole-array NumPy, the plain way.
    adm = np.exp(
        np.linalg.cholesky(model.log_cov(target.quarters)) @ normals
        + model.log_mean(target.quarters)[:, None]
    )
    ratio = np.clip((target.baseline[:, None] - adm) * target.inv_reduction[:, None], 0, target.cap)
    assert np.allclose(got.admissions, adm, rtol=1e-12)
    assert np.allclose(got.year_ratio, target.weight @ ratio, atol=1e-12)
    assert np.allclose(got.met, (adm <= target.planned[:, None]).mean(axis=1), atol=1 / 20_001)
    assert abs(got.met_year - float((adm.sum(axis=0) <= target.planned.sum()).mean())) <= 1 / 20_001


ratios_strategy = st.lists(
    st.one_of(st.just(0.0), st.just(1.0), st.floats(min_value=0, max_value=1, allow_nan=False)),
    min_size=1,
    max_size=200,
)


@settings(max_examples=80, deadline=None)
@given(ratios_strategy, st.data())
def test_order_statistics_and_histogram_match_a_full_sort(values: list[float], data: st.DataObject) -> None:
    arr = np.array(values)
    ranks = data.draw(st.lists(st.integers(0, len(values) - 1), min_size=1, max_size=8))
    found = draws_at_ranks(arr, ranks, 1.0)
    ordered = np.sort(arr)
    for r in ranks:
        assert arr[found[r]] == ordered[r]
    edges = np.arange(11) * 1.0 / 10
    expected = np.bincount(np.minimum(np.searchsorted(edges, arr, side="right") - 1, 9), minlength=10)
    assert histogram_counts(arr, 10, 1.0) == expected.tolist()


def test_ranks_are_exact() -> None:
    assert [rank_of(p, 100_000) for p in (5, 10, 50, 95)] == [4999, 9999, 49999, 94999]
    assert rank_of(5, 1) == 0 and rank_of(100, 7) == 6
    # 1 − 0.9 in floats is 0.0999…98, which would move the rank to 9,999; Decimal keeps 10,000.
    assert contingency_rank(Decimal(90), 100_000) == 10_000
    assert contingency_rank(Decimal("99.9"), 10) == 0
