"""The vectorised core of the Monte Carlo model: simulated admissions and what each year releases.

Counts and ratios only (no money). Quarters are rows and simulated years are columns; the work goes in
blocks of ``BLOCK`` years so each block's arrays stay in the CPU cache. The rules are those of
``finance.performance`` written on arrays; ``closed_form_quarter_probability`` is the analytic cross-check.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from carepool.finance.performance import PotDesign
from carepool.modelling.trend import FloatArray, TrendModel


@dataclass(frozen=True, slots=True)
class Target:
    """What a simulated year is judged against, as floats (counts and ratios only)."""

    quarters: tuple[str, ...]
    baseline: FloatArray
    planned: FloatArray
    inv_reduction: FloatArray  # 1 / planned reduction; 0 where nothing was planned (nothing to release)
    weight: FloatArray  # quarter pot / year pot
    cap: float


def target_of(design: PotDesign, cap: Decimal) -> Target:
    reduction = np.array([float(q.planned_reduction) for q in design.quarters])
    pots = np.array([float(q.pot) for q in design.quarters])
    inv = np.zeros_like(reduction)
    np.divide(1.0, reduction, out=inv, where=(reduction > 0) & (pots > 0))
    return Target(
        quarters=tuple(q.quarter for q in design.quarters),
        baseline=np.array([float(q.baseline) for q in design.quarters]),
        planned=np.array([float(q.planned) for q in design.quarters]),
        inv_reduction=inv,
        weight=pots / pots.sum() if pots.sum() > 0 else np.zeros_like(pots),
        cap=float(cap),
    )


def log_scale(model: TrendModel, quarters: Sequence[str]) -> FloatArray:
    """A matrix L with L·Lᵀ = the predictive covariance (zero when σ = 0: the deterministic case)."""
    cov = model.log_cov(quarters)
    if not np.any(cov):
        return np.zeros_like(cov)
    result: FloatArray = np.linalg.cholesky(cov).astype(np.float64, copy=False)
    return result


BLOCK = 8192
"""Simulated years per block. Each block's arrays stay in the CPU cache, which measured about three
times faster than whole-array passes at 100,000 years (fewer cache misses and page faults)."""


def simulate_admissions(
    model: TrendModel, quarters: Sequence[str], runs: int, rng: np.random.Generator
) -> FloatArray:
    """Admissions, quarters × ``runs`` simulated years (continuous counts). Quarters are rows so that
    every per-quarter operation runs over contiguous memory."""
    return admissions_from_normals(model, quarters, rng.standard_normal((len(quarters), runs)))


def _admissions_block(scale: FloatArray, mean: FloatArray, normals: FloatArray, out: FloatArray) -> None:
    np.matmul(scale, normals, out=out)
    out += mean
    np.exp(out, out=out)


def admissions_from_normals(model: TrendModel, quarters: Sequence[str], normals: FloatArray) -> FloatArray:
    scale = log_scale(model, quarters)
    mean = model.log_mean(quarters)[:, None]
    out: FloatArray = np.empty_like(normals)
    for s in range(0, normals.shape[1], BLOCK):
        _admissions_block(scale, mean, normals[:, s : s + BLOCK], out[:, s : s + BLOCK])
    return out


def release_ratios(admissions: FloatArray, target: Target, out: FloatArray | None = None) -> FloatArray:
    """Per quarter and year: ``clamp((baseline − admissions) / planned reduction, 0, cap)``."""
    ratio: FloatArray = np.subtract(target.baseline[:, None], admissions, out=out)
    ratio *= target.inv_reduction[:, None]
    np.clip(ratio, 0.0, target.cap, out=ratio)
    return ratio


@dataclass(frozen=True, slots=True)
class YearOutcomes:
    """Per simulated year: admissions and the share of pot released; shares of years meeting the plan."""

    admissions: FloatArray  # quarters × runs
    met: FloatArray  # per quarter: share of years at or under plan
    met_year: float  # share of years whose total is at or under the year's plan
    year_ratio: FloatArray  # runs: released / pot, in [0, cap]


class _Tally:
    """Accumulates one block at a time (the block's buffers are reused, never reallocated)."""

    def __init__(self, target: Target, runs: int) -> None:
        k = len(target.quarters)
        self.target = target
        self.runs = runs
        self.met = np.zeros(k, dtype=np.int64)
        self.met_year = 0
        self.year_ratio: FloatArray = np.empty(runs)
        self._ratio: FloatArray = np.empty((k, min(BLOCK, runs)))
        self._total: FloatArray = np.empty(min(BLOCK, runs))

    def add(self, start: int, admissions: FloatArray) -> None:
        t = self.target
        n = admissions.shape[1]
        self.met += np.count_nonzero(admissions <= t.planned[:, None], axis=1)
        total = np.sum(admissions, axis=0, out=self._total[:n])
        self.met_year += int(np.count_nonzero(total <= t.planned.sum()))
        ratio = release_ratios(admissions, t, out=self._ratio[:, :n])
        np.matmul(t.weight, ratio, out=self.year_ratio[start : start + n])

    def outcomes(self, admissions: FloatArray) -> YearOutcomes:
        met: FloatArray = (self.met / self.runs).astype(np.float64)
        return YearOutcomes(admissions, met, self.met_year / self.runs, self.year_ratio)


def evaluate(admissions: FloatArray, target: Target) -> YearOutcomes:
    runs = admissions.shape[1]
    tally = _Tally(target, runs)
    for s in range(0, runs, BLOCK):
        tally.add(s, admissions[:, s : s + BLOCK])
    return tally.outcomes(admissions)


def simulate_years(model: TrendModel, target: Target, normals: FloatArray) -> YearOutcomes:
    """Admissions and outcomes in one pass per block, while the block is still in cache."""
    runs = normals.shape[1]
    scale = log_scale(model, target.quarters)
    mean = model.log_mean(target.quarters)[:, None]
    admissions: FloatArray = np.empty_like(normals)
    tally = _Tally(target, runs)
    for s in range(0, runs, BLOCK):
        block = admissions[:, s : s + BLOCK]
        _admissions_block(scale, mean, normals[:, s : s + BLOCK], block)
        tally.add(s, block)
    return tally.outcomes(admissions)


def normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def closed_form_quarter_probability(model: TrendModel, target: Target) -> list[float]:
    """P(admissions ≤ planned) per quarter = Φ((ln planned − μ) / sd): the analytic cross-check."""
    mean = model.log_mean(target.quarters)
    sd = np.sqrt(np.diag(model.log_cov(target.quarters)))
    out = []
    for m, s, p in zip(mean, sd, target.planned, strict=True):
        if s == 0:
            out.append(1.0 if math.exp(m) <= p else 0.0)
        else:
            out.append(normal_cdf((math.log(p) - m) / s))
    return out
