"""Benchmark: the Monte Carlo probability model (issue 5) — one command:

    python benchmarks/montecarlo.py            # 152 areas × 100,000 simulated years; loop baseline on 4 areas
    python benchmarks/montecarlo.py --quick    # smoke run: 20 areas × 10,000 years, 1 repeat

What is measured:

1. **Whole process**: a fresh Python process (``python benchmarks/montecarlo.py --worker RUNS SEED``)
   imports carepool, builds a synthetic 12-quarter admissions history and a 3.5% ambition for each of the
   152 areas (admissions ≈ 10% of population a year, trend −3% to +6% a year, seasonality, noise),
   fits each area's trend model, simulates RUNS years per area, and summarises each in Decimal money
   (probabilities per quarter and year, released/retained percentiles, contingency at 90%, histogram, fan
   bands). Wall time from just before the process starts to just after it exits. Target ≤ 3 s.
2. **Vectorised model vs a pure-Python loop over the same draws**: both start from the same standard
   normal draws and compute, per simulated year, the four quarters' admissions, whether each quarter and
   the year met the plan, the release ratio of each quarter and of the year, then the release
   percentiles. The loop is slow, so it runs on a subset of areas (``--loop-areas``, default 4) and the
   ratio is per area on that subset; both results are checked to agree. Target ≥ 50×.

Results print as a table and go to ``benchmarks/results/montecarlo-<time>.json`` (git-ignored).
Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
QUARTERS = ["2014-15 Q4", "2015-16 Q1", "2015-16 Q2", "2015-16 Q3"]
SEASON = (1.0, 0.97, 1.04, 1.06)
UNIT_COST = Decimal("1490")
AMBITION = Decimal("0.965")


def synthetic_areas(count: int, seed: int) -> list[tuple[str, dict[str, Decimal]]]:
    """(area code, 12 quarters of history 2011-12 Q4 .. 2014-15 Q3) for the first ``count`` areas."""
    from carepool.modelling.quarters import quarter_index, quarter_label
    from carepool.reference import all_areas

    rng = np.random.default_rng(seed)
    first = quarter_index("2011-12 Q4")
    areas = []
    for area in all_areas()[:count]:
        growth = rng.uniform(-0.03, 0.06)
        noise = rng.uniform(0.01, 0.04)
        level = area.population * 0.1 / 4
        history = {}
        for i in range(12):
            idx = first + i
            value = (
                level * (1 + growth) ** (i / 4) * SEASON[idx % 4] * math.exp(noise * rng.standard_normal())
            )
            history[quarter_label(idx)] = Decimal(round(value))
        areas.append((area.ons_code, history))
    return areas


def area_inputs(history: dict[str, Decimal]) -> tuple[Any, Any]:
    """The fitted model and pot design of one area (baseline = the last four quarters of history)."""
    from carepool.finance.performance import design_pot
    from carepool.modelling.quarters import shift
    from carepool.modelling.trend import fit_trend

    baseline = {q: history[shift(q, -4)] for q in QUARTERS}
    planned = {q: baseline[q] * AMBITION for q in QUARTERS}
    return fit_trend(history), design_pot(baseline, planned, UNIT_COST, QUARTERS)


def worker(runs: int, seed: int, areas: int) -> None:
    """Everything the whole-process figure covers; prints a one-line JSON summary."""
    from carepool.modelling.montecarlo import simulate

    results = []
    for i, (_, history) in enumerate(synthetic_areas(areas, seed)):
        model, design = area_inputs(history)
        results.append(simulate(model, design, Decimal(1), runs, seed + i, Decimal(90)))
    contingency = sum((r.contingency for r in results), Decimal(0))
    mean_p = statistics.fmean(r.probability_year for r in results)
    print(
        json.dumps(
            {"areas": len(results), "runs": runs, "contingency": str(contingency), "mean_p_year": mean_p}
        )
    )


# --- the pure-Python baseline ----------------------------------------------------------------------


def loop_model(
    normals: list[list[float]], mu: list[float], scale: list[list[float]], target: Any
) -> dict[str, Any]:
    """The straightforward loop: one simulated year at a time, one quarter at a time."""
    baseline = target.baseline.tolist()
    planned = target.planned.tolist()
    inv = target.inv_reduction.tolist()
    weight = target.weight.tolist()
    cap = target.cap
    planned_year = sum(planned)
    k = len(mu)
    met = [0] * k
    met_year = 0
    year_ratios = []
    for j in range(len(normals[0])):
        z = [normals[q][j] for q in range(k)]
        total = 0.0
        year_ratio = 0.0
        for q in range(k):
            log_adm = mu[q]
            for r in range(k):
                log_adm += scale[q][r] * z[r]
            adm = math.exp(log_adm)
            total += adm
            if adm <= planned[q]:
                met[q] += 1
            ratio = (baseline[q] - adm) * inv[q]
            ratio = 0.0 if ratio < 0.0 else cap if ratio > cap else ratio
            year_ratio += weight[q] * ratio
        if total <= planned_year:
            met_year += 1
        year_ratios.append(year_ratio)
    year_ratios.sort()
    runs = len(year_ratios)
    return {
        "met": [m / runs for m in met],
        "met_year": met_year / runs,
        "percentiles": [
            year_ratios[min(max(math.ceil(p / 100 * runs) - 1, 0), runs - 1)] for p in (5, 50, 95)
        ],
    }


def vector_model(normals: Any, model: Any, target: Any) -> dict[str, Any]:
    from carepool.modelling.montecarlo import rank_of, simulate_years

    outcomes = simulate_years(model, target, normals)
    runs = normals.shape[1]
    ranks = [rank_of(p, runs) for p in (5, 50, 95)]
    part = np.partition(outcomes.year_ratio, ranks)
    return {"met": outcomes.met.tolist(), "met_year": outcomes.met_year, "percentiles": part[ranks].tolist()}


def bench_loop(runs: int, areas: int, seed: int) -> dict[str, Any]:
    from carepool.modelling.montecarlo import log_scale, target_of

    loop_s = vector_s = 0.0
    for i, (_, history) in enumerate(synthetic_areas(areas, seed)):
        model, design = area_inputs(history)
        target = target_of(design, Decimal(1))
        normals = np.random.default_rng(seed + i).standard_normal((len(QUARTERS), runs))
        as_lists = normals.tolist()  # the loop's own input form, prepared outside its timing
        mu = model.log_mean(QUARTERS).tolist()
        scale = log_scale(model, QUARTERS).tolist()
        start = time.perf_counter()
        slow = loop_model(as_lists, mu, scale, target)
        loop_s += time.perf_counter() - start
        best = math.inf
        for _ in range(5):  # the vectorised side is short: best of five
            start = time.perf_counter()
            fast = vector_model(normals, model, target)
            best = min(best, time.perf_counter() - start)
        vector_s += best
        # Same draws, same answers (to a draw or two: NumPy's exp and matmul may round in the last bit).
        close = np.allclose(slow["met"] + [slow["met_year"]], fast["met"] + [fast["met_year"]], atol=2 / runs)
        assert close, (slow, fast)
        assert np.allclose(slow["percentiles"], fast["percentiles"], rtol=1e-9, atol=1e-12)
    return {"areas": areas, "runs": runs, "loop_s": loop_s, "vector_s": vector_s, "ratio": loop_s / vector_s}


def bench_process(runs: int, seed: int, areas: int, repeat: int) -> dict[str, Any]:
    times = []
    cpu = []
    summary = ""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "--worker", str(runs), str(seed), "--areas", str(areas)],
            check=True,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        summary = done.stdout.strip()
    return {
        "areas": areas,
        "runs": runs,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
        "cpu_median_s": statistics.median(cpu),
        "repeat": repeat,
        "load_average_1min": os.getloadavg()[0],
        "worker_output": json.loads(summary),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--areas", type=int, default=152)
    parser.add_argument("--loop-areas", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--worker", nargs=2, type=int, metavar=("RUNS", "SEED"))
    args = parser.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.areas)
        return
    if args.quick:
        args.runs, args.areas, args.loop_areas, args.repeat = 10_000, 20, 1, 1
    process = bench_process(args.runs, args.seed, args.areas, args.repeat)
    loop = bench_loop(args.runs, args.loop_areas, args.seed)
    rows = [
        (
            f"whole process: {process['areas']} areas × {process['runs']:,} years",
            f"{process['median_s']:.2f} s (min {process['min_s']:.2f}, max {process['max_s']:.2f}, n={process['repeat']})",
            "≤ 3 s",
        ),
        ("  CPU time of that process (user + system)", f"{process['cpu_median_s']:.2f} s", ""),
        ("  machine load average (1 min) at the end", f"{process['load_average_1min']:.2f}", ""),
        (
            f"pure-Python loop, {loop['areas']} areas × {loop['runs']:,} years",
            f"{loop['loop_s']:.2f} s",
            "",
        ),
        ("vectorised model, same draws", f"{loop['vector_s'] * 1000:.1f} ms", ""),
        ("speed-up (loop ÷ vectorised)", f"{loop['ratio']:.0f}×", "≥ 50×"),
        (
            "loop scaled to all areas (estimate)",
            f"{loop['loop_s'] / loop['areas'] * process['areas']:.1f} s",
            "",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'result':<40}  target")
    for name, value, target in rows:
        print(f"{name.ljust(width)}  {value:<40}  {target}")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = results / f"montecarlo-{stamp}.json"
    machine = {"python": platform.python_version(), "numpy": np.__version__, "cpus": os.cpu_count()}
    out.write_text(
        json.dumps({"process": process, "loop": loop, "machine": machine}, indent=2), encoding="utf-8"
    )
    print(f"written {out.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
