"""carepool benchmarks — one command:

    python benchmarks/run.py            # full run: 152 areas and 10× (1,520), 5 repeats each
    python benchmarks/run.py --quick    # smoke run: 15 areas and 10× (150), 1 repeat

What is measured (issue 2, "Benchmarks"):

1. **Checking the whole synthetic national set, all plans × all checks**, whole-process: a fresh Python
   process (``python benchmarks/run.py --worker-check FILE``) imports carepool, reads the national set from
   one JSON file, validates every plan as an import would (``parse_plan_data``: schema + references) and
   runs every registered check on it. Wall time from just before the process starts to just after it
   exits. Target ≤ 2 s on this 2-core machine. The same at 10× the areas (synthetic copies with derived
   codes) must cost ≤ 12× the time; the ratio is reported for the whole process and for the checks alone
   measured in-process (which excludes interpreter start-up and imports, a fixed cost that flatters the
   whole-process ratio).
2. **Allocation of all national streams to all 152 areas** by largest remainder
   (``carepool.finance.minimums.local_minimums`` over population weights), in-process, target ≤ 0.2 s.

Each figure is repeated; the table shows the median, min and max. Results go to
``benchmarks/results/`` (git-ignored) as JSON. Benchmarks are not tests: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET_CHECK_S = 2.0
TARGET_RATIO = 12.0
TARGET_ALLOCATE_S = 0.2


def _stats(samples: list[float]) -> dict[str, Any]:
    return {
        "median_s": statistics.median(samples),
        "min_s": min(samples),
        "max_s": max(samples),
        "spread_s": max(samples) - min(samples),
        "runs": len(samples),
        "samples_s": samples,
    }


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


# --- workers (run in a fresh process) -----------------------------------------------------------------


def worker_check(path: Path) -> None:
    """Read a national set, validate every plan, run every check; print a one-line JSON summary."""
    start = time.perf_counter()
    from carepool.io.plan_json import parse_plan_data
    from carepool.policy import load_pack
    from carepool.rules import run_checks

    imported = time.perf_counter()
    data = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    plans = [parse_plan_data(item) for item in data]
    parsed = time.perf_counter()
    findings = errors = 0
    for plan in plans:
        result = run_checks(plan, load_pack(plan.policy))
        findings += len(result)
        errors += sum(1 for f in result if f.severity == "error")
    done = time.perf_counter()
    print(
        json.dumps(
            {
                "plans": len(plans),
                "findings": findings,
                "errors": errors,
                "import_s": imported - start,
                "read_and_validate_s": parsed - imported,
                "checks_s": done - parsed,
            }
        )
    )


# --- the benchmarks -----------------------------------------------------------------------------------


def _write_set(areas: int, scale: int, folder: Path) -> tuple[Path, list[Any], float]:
    from carepool.demo.national import generate_national

    start = time.perf_counter()
    plans = generate_national(areas=areas, seed=0, scale=scale)
    generated = time.perf_counter() - start
    path = folder / f"national-{areas}x{scale}.json"
    path.write_text(json.dumps([p.model_dump(mode="json") for p in plans]), encoding="utf-8")
    return path, plans, generated


def bench_checks(areas: int, scale: int, repeat: int, folder: Path) -> dict[str, Any]:
    from carepool.policy import load_pack
    from carepool.rules import run_checks

    path, plans, generated = _write_set(areas, scale, folder)
    pack = load_pack("bcf-2015-16")
    run_checks(plans[0], pack)  # warm the registry import once, as the whole-process run also pays it
    in_process = _time(lambda: [run_checks(p, pack) for p in plans], repeat)
    whole: list[float] = []
    worker: dict[str, Any] = {}
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    for _ in range(repeat):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker-check", str(path)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        whole.append(time.perf_counter() - start)
        worker = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "areas": areas,
        "scale": scale,
        "plans": len(plans),
        "generate_s": generated,
        "file_bytes": path.stat().st_size,
        "whole_process": _stats(whole),
        "checks_in_process": _stats(in_process),
        "last_worker": worker,
    }


def bench_allocation(repeat: int) -> dict[str, Any]:
    from carepool.finance.minimums import local_minimums
    from carepool.policy import load_pack
    from carepool.reference import all_areas

    pack = load_pack("bcf-2015-16")
    areas = all_areas()
    weights = {"*": {a.ons_code: Decimal(a.population) for a in areas}}
    streams = [s for s in pack.funding_streams if s.national_amount is not None]
    result = local_minimums(pack, weights)
    samples = _time(lambda: local_minimums(pack, weights), repeat)
    exact = all(
        sum((r.amount for r in result if r.stream == s.code), Decimal(0)) == s.national_amount.value
        for s in streams
        if s.national_amount is not None
    )
    return {
        "function": "carepool.finance.minimums.local_minimums (largest remainder)",
        "areas": len(areas),
        "streams": len(streams),
        "shares": len(result),
        "sums_exact": exact,
        "in_process": _stats(samples),
    }


def _row(label: str, s: dict[str, Any], target: str) -> str:
    return f"{label:<52} {s['median_s']:>9.3f} {s['min_s']:>9.3f} {s['max_s']:>9.3f} {s['runs']:>4}  {target}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and one repeat (a smoke run)")
    parser.add_argument("--areas", type=int, help="areas in the base set (default 152; 15 with --quick)")
    parser.add_argument("--repeat", type=int, help="repeats per measure (default 5; 1 with --quick)")
    parser.add_argument("--out", type=Path, default=HERE / "results", help="folder for the JSON results")
    parser.add_argument("--worker-check", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker_check is not None:
        worker_check(args.worker_check)
        return 0

    areas = args.areas or (15 if args.quick else 152)
    repeat = args.repeat or (1 if args.quick else 5)
    with tempfile.TemporaryDirectory(prefix="carepool-bench-") as tmp:
        base = bench_checks(areas, 1, repeat, Path(tmp))
        big = bench_checks(areas, 10, repeat, Path(tmp))
    allocation = bench_allocation(max(repeat, 5) * 4)
    ratio_whole = big["whole_process"]["median_s"] / base["whole_process"]["median_s"]
    ratio_checks = big["checks_in_process"]["median_s"] / base["checks_in_process"]["median_s"]

    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "python benchmarks/run.py" + (" --quick" if args.quick else ""),
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "check_national": base,
        "check_national_10x": big,
        "ratio_10x_whole_process": ratio_whole,
        "ratio_10x_checks_in_process": ratio_checks,
        "allocation": allocation,
        "targets": {
            "check_whole_process_s": TARGET_CHECK_S,
            "ratio_10x": TARGET_RATIO,
            "allocation_s": TARGET_ALLOCATE_S,
        },
    }

    print(
        f"carepool benchmarks — {results['command']} — {results['machine']['cpus']} CPUs, Python "
        f"{results['machine']['python']}"
    )
    print(f"{'measure':<52} {'median s':>9} {'min s':>9} {'max s':>9} {'runs':>4}  target")
    n1, n10 = base["plans"], big["plans"]
    print(_row(f"check {n1} plans, whole process", base["whole_process"], f"≤ {TARGET_CHECK_S} s"))
    print(_row(f"check {n10} plans (10×), whole process", big["whole_process"], ""))
    print(_row(f"check {n1} plans, checks only (in-process)", base["checks_in_process"], ""))
    print(_row(f"check {n10} plans (10×), checks only (in-process)", big["checks_in_process"], ""))
    print(
        _row(
            f"allocate {allocation['streams']} streams to {allocation['areas']} areas",
            allocation["in_process"],
            f"≤ {TARGET_ALLOCATE_S} s",
        )
    )
    print(
        f"10× cost ratio: whole process {ratio_whole:.2f}×, checks only {ratio_checks:.2f}× "
        f"(target ≤ {TARGET_RATIO:g}×)"
    )
    w = base["last_worker"]
    print(
        f"whole-process split ({n1} plans): import {w['import_s']:.3f} s, read+validate "
        f"{w['read_and_validate_s']:.3f} s, checks {w['checks_s']:.3f} s; {w['findings']} findings, "
        f"{w['errors']} errors"
    )
    print(f"allocation sums exact to the national totals: {allocation['sums_exact']}")

    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for name in (f"run-{stamp}{'-quick' if args.quick else ''}.json", "latest.json"):
        (args.out / name).write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"results written to {args.out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
