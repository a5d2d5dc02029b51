"""Money from the simulated years, with Decimal and only at the end (see ``montecarlo`` for the rules):
percentiles as the simulated year at that rank run through ``finance.performance.schedule_release``, the
contingency at a confidence, the histogram of released money and the fan-chart bands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from carepool.finance.performance import PotDesign, ReleaseSchedule, schedule_release
from carepool.modelling.simulation import YearOutcomes
from carepool.modelling.trend import FloatArray, TrendModel
from carepool.money import PENNY, round_to

PERCENTILES = (5, 10, 25, 50, 75, 90, 95)
FAN_PERCENTILES = (5, 25, 50, 75, 95)
HISTOGRAM_BINS = 10
BAND_SAMPLE = 10_000  # years used for the fan-chart bands (±0.5 percentile points at p5)


@dataclass(frozen=True, slots=True)
class MoneyPoint:
    percentile: int  # of money released in the year
    released: Decimal
    retained: Decimal
    admissions: Decimal  # the simulated year's admissions (whole)


@dataclass(frozen=True, slots=True)
class Bin:
    lower: Decimal
    upper: Decimal
    years: int


@dataclass(frozen=True, slots=True)
class QuarterOdds:
    quarter: str
    baseline: Decimal
    planned: Decimal
    probability: float  # of admissions ≤ planned
    bands: dict[int, float]  # percentile → simulated admissions


@dataclass(frozen=True, slots=True)
class SimulationResult:
    runs: int
    seed: int
    confidence_pct: Decimal
    model: TrendModel
    design: PotDesign
    quarters: tuple[QuarterOdds, ...]
    probability_year: float
    expected_released: Decimal
    expected_retained: Decimal
    percentiles: tuple[MoneyPoint, ...]
    contingency: Decimal
    contingency_year: ReleaseSchedule  # the simulated year that sets it, quarter by quarter
    histogram: tuple[Bin, ...]

    @property
    def pot(self) -> Decimal:
        return self.design.pot


def whole(x: float) -> Decimal:
    return Decimal(x).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def year_schedule(design: PotDesign, cap: Decimal, admissions: FloatArray) -> ReleaseSchedule:
    """One simulated year in money, by the real rule (admissions rounded to whole admissions)."""
    actuals = {q.quarter: whole(float(a)) for q, a in zip(design.quarters, admissions, strict=True)}
    return schedule_release(design, actuals, cap)


def rank_of(percent: int, runs: int) -> int:
    """0-based rank of the inverted-CDF percentile: the smallest draw with at least ``percent``% of draws
    at or below it (integer arithmetic, so no float rounding moves a rank)."""
    return min(max(-(-percent * runs // 100) - 1, 0), runs - 1)


def contingency_rank(confidence_pct: Decimal, runs: int) -> int:
    """Rank ⌊(1 − c)·N⌋ of release: at least c·N years release that much or more (exact, in Decimal)."""
    return min(int((100 - confidence_pct) * runs / 100), runs - 1)


def draws_at_ranks(values: FloatArray, ranks: Sequence[int], cap: float) -> dict[int, int]:
    """Rank (0-based, ascending) → index of a draw holding that order statistic.

    Many years release nothing or the whole pot, so only the values strictly between 0 and the cap are
    partially sorted; a rank that falls in a tie at either end takes any draw of that tie (they all
    release the same money).
    """
    n = len(values)
    at_low = values <= 0.0
    at_high = values >= cap
    n_low = int(np.count_nonzero(at_low))
    n_high = int(np.count_nonzero(at_high & ~at_low))
    inside = np.flatnonzero(~(at_low | at_high))
    kth = sorted({r - n_low for r in ranks if n_low <= r < n - n_high})
    part = np.argpartition(values[inside], kth) if kth else inside
    found: dict[int, int] = {}
    for r in ranks:
        if r < n_low:
            found[r] = int(np.argmax(at_low))
        elif r >= n - n_high:
            found[r] = int(np.argmax(at_high))
        else:
            found[r] = int(inside[part[r - n_low]])
    return found


def histogram_counts(values: FloatArray, bins: int, cap: float) -> list[int]:
    """Years per bin i = [i·cap/bins, (i+1)·cap/bins); the last bin also holds the cap itself."""
    if cap <= 0:
        return [len(values)] + [0] * (bins - 1)
    edges = np.arange(bins + 1) * cap / bins
    index = np.minimum((values * (bins / cap)).astype(np.int64), bins - 1)
    # The product can round across an edge; compare with the edges themselves to settle it.
    index -= values < edges[index]
    index += (values >= edges[index + 1]) & (index < bins - 1)
    return [int(c) for c in np.bincount(index, minlength=bins)]


def summarise(
    outcomes: YearOutcomes,
    design: PotDesign,
    cap: Decimal,
    model: TrendModel,
    seed: int,
    confidence_pct: Decimal = Decimal(90),
    bins: int = HISTOGRAM_BINS,
) -> SimulationResult:
    runs = len(outcomes.year_ratio)
    worst_rank = contingency_rank(confidence_pct, runs)
    wanted = {p: rank_of(p, runs) for p in PERCENTILES}
    draw = draws_at_ranks(outcomes.year_ratio, [*wanted.values(), worst_rank], float(cap))

    def year_at(rank: int) -> tuple[ReleaseSchedule, Decimal]:
        admissions = outcomes.admissions[:, draw[rank]]
        return year_schedule(design, cap, admissions), sum((whole(float(a)) for a in admissions), Decimal(0))

    points = []
    for p, rank in wanted.items():
        sched, adm = year_at(rank)
        points.append(MoneyPoint(p, sched.released, sched.retained, adm))
    worst, _ = year_at(worst_rank)
    expected = round_to(design.pot * Decimal(repr(float(outcomes.year_ratio.mean()))), PENNY)
    # Fan-chart bands from at most BAND_SAMPLE years: ample for a chart, and the partial sort of every
    # year would cost more than the rest of the summary.
    bands = np.percentile(
        outcomes.admissions[:, :BAND_SAMPLE], FAN_PERCENTILES, axis=1, method="inverted_cdf"
    )
    quarters = tuple(
        QuarterOdds(
            quarter=q.quarter,
            baseline=q.baseline,
            planned=q.planned,
            probability=float(outcomes.met[i]),
            bands={p: round(float(bands[j, i]), 1) for j, p in enumerate(FAN_PERCENTILES)},
        )
        for i, q in enumerate(design.quarters)
    )
    counts = histogram_counts(outcomes.year_ratio, bins, float(cap))
    edges = [round_to(design.pot * cap * Decimal(i) / Decimal(bins), PENNY) for i in range(bins + 1)]
    histogram = tuple(Bin(edges[i], edges[i + 1], c) for i, c in enumerate(counts))
    return SimulationResult(
        runs=runs,
        seed=seed,
        confidence_pct=confidence_pct,
        model=model,
        design=design,
        quarters=quarters,
        probability_year=outcomes.met_year,
        expected_released=expected,
        expected_retained=design.pot - expected,
        percentiles=tuple(points),
        contingency=worst.retained,
        contingency_year=worst,
        histogram=histogram,
    )


def result_dict(r: SimulationResult) -> dict[str, object]:
    """JSON-ready: probabilities as numbers (rounded to 4 places), money as text with pence."""
    m = r.model
    return {
        "runs": r.runs,
        "seed": r.seed,
        "confidence_pct": str(r.confidence_pct),
        "model": {
            "history_quarters": list(m.quarters),
            "annual_trend_pct": round(m.annual_growth_pct, 2),
            "residual_sd_log": round(m.sigma, 5),
        },
        "pot": f"{r.pot:.2f}",
        "ambition_pct": None if r.design.ambition_pct is None else str(r.design.ambition_pct),
        "probability_year": round(r.probability_year, 4),
        "quarters": [
            {
                "quarter": q.quarter,
                "baseline": f"{q.baseline.normalize():f}",
                "planned": f"{q.planned.normalize():f}",
                "probability": round(q.probability, 4),
            }
            for q in r.quarters
        ],
        "expected_released": f"{r.expected_released:.2f}",
        "expected_retained": f"{r.expected_retained:.2f}",
        "percentiles": [
            {
                "percentile": p.percentile,
                "released": f"{p.released:.2f}",
                "retained": f"{p.retained:.2f}",
                "admissions": f"{p.admissions}",
            }
            for p in r.percentiles
        ],
        "contingency": f"{r.contingency:.2f}",
    }
