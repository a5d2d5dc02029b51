"""Monte Carlo model of a year's emergency admissions and the performance money they release.

From the area's quarterly history (``trend``) each simulated year draws the logs of the four payment
quarters from their joint predictive normal distribution. The normals come from
``numpy.random.default_rng(seed)`` (same seed, same answer) and NumPy works through all the years in
cache-sized blocks — no Python loop per simulated year.

Per simulated year (all counts and ratios, no money):
- a quarter meets the ambition when admissions ≤ planned; the year meets it when the year's admissions
  ≤ the year's planned admissions;
- each quarter's release ratio is ``clamp((baseline − admissions) / planned reduction, 0, cap)`` — the
  July 2014 rule of ``finance.performance.release`` written on arrays — and the year's is the pot-weighted
  sum of the quarters' ratios.

Money only at the end, with Decimal: a percentile of released money is the simulated year at that rank
(order statistic, "inverted CDF"), its admissions rounded half-up to whole admissions and run through
``finance.performance.schedule_release``, so every figure shown is one the real rule would pay and
release + retained = pot in every quarter. The expected (mean) release is pot × mean ratio to the penny.
Contingency at confidence c = the money retained in the year at rank ⌊(1 − c)·N⌋ of release: in at least
c of simulated years the unearned money is no more than that.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from carepool.finance.performance import PotDesign, ReleaseSchedule, plan_release
from carepool.model.plan import Plan
from carepool.modelling.history import NEL_METRIC, plan_history
from carepool.modelling.simulation import (
    BLOCK,
    Target,
    YearOutcomes,
    admissions_from_normals,
    closed_form_quarter_probability,
    evaluate,
    log_scale,
    normal_cdf,
    release_ratios,
    simulate_admissions,
    simulate_years,
    target_of,
)
from carepool.modelling.summary import (
    BAND_SAMPLE,
    FAN_PERCENTILES,
    HISTOGRAM_BINS,
    PERCENTILES,
    Bin,
    MoneyPoint,
    QuarterOdds,
    SimulationResult,
    contingency_rank,
    draws_at_ranks,
    histogram_counts,
    rank_of,
    result_dict,
    summarise,
    whole,
    year_schedule,
)
from carepool.modelling.trend import TrendModel, fit_trend
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem

__all__ = [
    "BAND_SAMPLE",
    "BLOCK",
    "FAN_PERCENTILES",
    "HISTOGRAM_BINS",
    "PERCENTILES",
    "Bin",
    "MoneyPoint",
    "QuarterOdds",
    "SimulationResult",
    "Target",
    "YearOutcomes",
    "admissions_from_normals",
    "closed_form_quarter_probability",
    "contingency_rank",
    "draws_at_ranks",
    "evaluate",
    "histogram_counts",
    "log_scale",
    "normal_cdf",
    "plan_model",
    "plan_schedule",
    "rank_of",
    "release_ratios",
    "result_dict",
    "simulate",
    "simulate_admissions",
    "simulate_plan",
    "simulate_years",
    "summarise",
    "target_of",
    "whole",
    "year_schedule",
]
HUNDRED = Decimal(100)


def plan_schedule(plan: Plan, pack: PolicyPack) -> ReleaseSchedule:
    """The plan's pot design and cap with nothing yet assessed (raises InputRejected if incomplete)."""
    blank = plan.performance.model_copy(update={"actuals": []})
    return plan_release(plan.model_copy(update={"performance": blank}), pack)


def plan_model(plan: Plan, pack: PolicyPack) -> TrendModel:
    """The trend model fitted to the history recorded in the plan (``history.plan_history``)."""
    quarters = list(pack.performance.quarters)
    metric = pack.performance.metric or NEL_METRIC
    return fit_trend(plan_history(plan, quarters, metric), where="performance.baseline")


def simulate(
    model: TrendModel,
    design: PotDesign,
    cap: Decimal,
    runs: int,
    seed: int,
    confidence_pct: Decimal = Decimal(90),
) -> SimulationResult:
    if runs < 1:
        raise InputRejected([Problem("policy", "runs", "simulate at least one year", str(runs), "≥ 1")])
    if not Decimal(0) < confidence_pct < HUNDRED:
        raise InputRejected(
            [
                Problem(
                    "policy", "confidence", "confidence is a percentage", str(confidence_pct), "0 < c < 100"
                )
            ]
        )
    target = target_of(design, cap)
    normals = np.random.default_rng(seed).standard_normal((len(target.quarters), runs))
    return summarise(simulate_years(model, target, normals), design, cap, model, seed, confidence_pct)


def simulate_plan(
    plan: Plan, pack: PolicyPack, runs: int, seed: int, confidence_pct: Decimal = Decimal(90)
) -> SimulationResult:
    schedule = plan_schedule(plan, pack)
    return simulate(plan_model(plan, pack), schedule.design, schedule.cap, runs, seed, confidence_pct)
