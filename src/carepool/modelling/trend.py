"""Trend and seasonality of quarterly admissions: log-linear least squares with quarter dummies.

    log(admissions_t) = a + b·t + s_Q2·[Q2] + s_Q3·[Q3] + s_Q4·[Q4] + e_t,   e_t ~ N(0, σ²)

t counts quarters from the first quarter of history; σ is the residual standard deviation with n − 5
degrees of freedom. Forecasts are predictive: the log of a future quarter is normal with mean x₀β̂ and
covariance σ²(I + X₀(XᵀX)⁻¹X₀ᵀ), so the uncertainty in the fitted trend is carried into every simulated
year (and makes a year's quarters move together). σ itself is treated as known (no Student-t widening).
Why log-linear: admissions grow by a rate, and a rate keeps simulated counts positive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from numpy.typing import NDArray

from carepool.modelling.quarters import quarter_index, season
from carepool.problems import InputRejected, Problem

MIN_QUARTERS = 8
PARAMETERS = 5  # intercept, trend, three quarter dummies

FloatArray = NDArray[np.float64]


class NotEnoughHistory(InputRejected):
    """Fewer quarters than the model needs, or history it cannot fit (a zero count, a missing season)."""


@dataclass(frozen=True, slots=True)
class TrendModel:
    quarters: tuple[str, ...]  # history, oldest first
    history: tuple[float, ...]
    origin: int  # quarter index of t = 0
    coef: FloatArray  # a, b, s_Q2, s_Q3, s_Q4
    xtx_inv: FloatArray  # (XᵀX)⁻¹
    sigma: float

    def design(self, quarters: Sequence[str]) -> FloatArray:
        return design_matrix(
            [quarter_index(q) - self.origin for q in quarters], [season(q) for q in quarters]
        )

    def log_mean(self, quarters: Sequence[str]) -> FloatArray:
        result: FloatArray = self.design(quarters) @ self.coef
        return result

    def log_cov(self, quarters: Sequence[str]) -> FloatArray:
        """Predictive covariance of the logs of future quarters."""
        x0 = self.design(quarters)
        result: FloatArray = self.sigma**2 * (np.eye(len(quarters)) + x0 @ self.xtx_inv @ x0.T)
        return result

    def fitted(self, quarters: Sequence[str]) -> FloatArray:
        """The central forecast (median) in admissions."""
        result: FloatArray = np.exp(self.log_mean(quarters))
        return result

    @property
    def annual_growth_pct(self) -> float:
        return float(np.expm1(4 * self.coef[1]) * 100)


def design_matrix(t: Sequence[int], seasons: Sequence[int]) -> FloatArray:
    tt = np.asarray(t, dtype=np.float64)
    ss = np.asarray(seasons)
    cols = [np.ones_like(tt), tt, *((ss == k).astype(np.float64) for k in (2, 3, 4))]
    return np.column_stack(cols)


def fit_trend(history: Mapping[str, Decimal | float | int], where: str = "history") -> TrendModel:
    """Fit the model to quarterly admissions keyed by quarter label (gaps allowed)."""
    labels = sorted(history, key=quarter_index)
    values = [float(history[q]) for q in labels]
    problems: list[Problem] = []
    if len(labels) < MIN_QUARTERS:
        problems.append(
            Problem(
                "policy",
                where,
                "not enough quarterly history to model trend and seasonality",
                f"{len(labels)} quarters",
                f"at least {MIN_QUARTERS}",
            )
        )
    bad = [q for q, v in zip(labels, values, strict=True) if not v > 0]
    if bad:
        problems.append(Problem("policy", where, "admissions must be above zero to model", ", ".join(bad)))
    if problems:
        raise NotEnoughHistory(problems)
    origin = quarter_index(labels[0])
    x = design_matrix([quarter_index(q) - origin for q in labels], [season(q) for q in labels])
    if np.linalg.matrix_rank(x) < PARAMETERS:
        missing = sorted({1, 2, 3, 4} - {season(q) for q in labels})
        raise NotEnoughHistory(
            [
                Problem(
                    "policy", where, "history must include every quarter of the year", f"missing Q{missing}"
                )
            ]
        )
    y = np.log(np.asarray(values))
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    dof = len(labels) - PARAMETERS
    sigma = float(np.sqrt(resid @ resid / dof))
    xtx_inv: FloatArray = np.linalg.inv(x.T @ x).astype(np.float64)
    return TrendModel(tuple(labels), tuple(values), origin, coef.astype(np.float64), xtx_inv, sigma)
