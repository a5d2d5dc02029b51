"""Template import benchmark — one command:

    python benchmarks/templates.py            # 152 synthetic national plans, 5 repeats
    python benchmarks/templates.py --quick    # 20 plans, 1 repeat (smoke run)

What is measured (issue 4, "Benchmark"):

1. **Import of all 152 filled plan templates** (the synthetic national set from
   ``carepool.demo.national.generate_national``, each exported with ``plan_workbook_bytes`` to a file):
   the whole import of every file (``read_plan_file``: read the file, the zip safety checks, template
   identity, the sheet scans, every input cell, the plan model and its references), one after another,
   in-process. Target ≤ 15 s total.
2. **Per file, against the floor**: the time python-calamine takes merely to open the same file and
   read every sheet to Python lists (``to_python``), with no checking at all. Target: whole import
   ≤ 2× the floor. The ratio is reported as the median over files of (import / floor). For each file the
   import and the floor run back to back, in alternating order, so neither always runs in the wake of
   the other. Also reported, stricter: the floor reading only the sheets the import reads (27 of 29;
   it never needs the Checklist or Lists sheets).
3. **Against an openpyxl-only reader**: ``openpyxl.load_workbook(read_only=True, data_only=True)`` and
   iterating every cell value of every sheet — less than an importer would do — reported as the factor
   (openpyxl / our whole import). It runs in a loop of its own: run between an import and its floor it
   flushed the caches before every import (and none before the floor), a few per cent against the import.

Every file is also checked to round-trip (equal content hash). Each figure is the median of the repeats
(min and max shown). Results go to ``benchmarks/results/templates.json`` (git-ignored); nothing here
asserts a time.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from carepool.demo.national import generate_national
from carepool.io.excel import plan_workbook_bytes, read_plan_file
from carepool.io.excel.config import PLAN_TEMPLATE_V1
from carepool.io.excel.mapping import cells_to_data
from carepool.io.excel.package import open_package
from carepool.io.excel.reader import WorkbookReader
from carepool.io.plan_json import reference_problems
from carepool.model.canonical import content_hash
from carepool.model.plan import Plan

RESULTS = Path(__file__).parent / "results"
T = TypeVar("T")


def calamine_floor(path: Path, only: frozenset[str] | None = None) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    for name in book.sheet_names:
        if only is None or name in only:
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    book.close()


# The sheets the import reads: those its defined names point into.
NEEDED: frozenset[str] = frozenset(
    {sheet.sheet for sheet in PLAN_TEMPLATE_V1.field_sheets}
    | {spec.sheet for spec in PLAN_TEMPLATE_V1.tables}
)


def openpyxl_only(path: Path) -> None:
    book = load_workbook(path, read_only=True, data_only=True)
    for ws in book.worksheets:
        for _ in ws.iter_rows(values_only=True):
            pass
    book.close()


def phases(raw: bytes, repeats: int = 20) -> dict[str, float]:
    """Where one import's time goes (median milliseconds per stage)."""
    spent: dict[str, list[float]] = {}

    def clock(name: str, fn: Callable[[], T]) -> T:
        start = time.perf_counter()
        result = fn()
        spent.setdefault(name, []).append((time.perf_counter() - start) * 1000)
        return result

    for _ in range(repeats):
        package = clock(
            "1 file checks (zip, sizes, parts, workbook part)", partial(open_package, raw, "bench")
        )
        reader = WorkbookReader(package, "bench")
        config = clock("2 template identity (every template sheet scanned; reader opened)", reader.identify)
        cells = clock("3 sheets read, cells typed", partial(reader.read_cells, config))
        rows = partial(cells_to_data, cells.fields, cells.field_cells, cells.tables)
        built = clock("4 plan data from rows", rows)
        plan = clock("5 plan model validation", partial(Plan.model_validate, built.data))
        clock("6 references", partial(reference_problems, plan))
        reader.close()
    return {name: statistics.median(values) for name, values in spent.items()}


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def timed_both(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall time and this thread's CPU time (the latter barely moves when others share the machine)."""
    wall, cpu = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - wall, time.thread_time() - cpu


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="20 plans, 1 repeat")
    parser.add_argument("--repeats", type=int, default=None)
    args = parser.parse_args()
    areas = 20 if args.quick else 152
    repeats = args.repeats or (1 if args.quick else 5)

    plans = generate_national(areas)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        files: list[Path] = []
        for plan in plans:
            path = folder / f"{plan.id}.xlsx"
            path.write_bytes(plan_workbook_bytes(plan))
            files.append(path)
        export_seconds = time.perf_counter() - started
        sizes = [p.stat().st_size for p in files]

        for plan, path in zip(plans, files, strict=True):  # correctness first, and warms the caches
            assert content_hash(read_plan_file(path)) == content_hash(plan), path.name

        totals: list[float] = []
        per_file: dict[str, list[float]] = {"import": [], "floor": [], "floor_needed": [], "openpyxl": []}
        ratios: list[float] = []
        strict_ratios: list[float] = []
        cpu_ratios: list[float] = []
        openpyxl_factors: list[float] = []
        load_before = os.getloadavg()
        for repeat in range(repeats):
            totals.append(timed(lambda: [read_plan_file(p) for p in files]))
            ours: list[float] = []
            for i, path in enumerate(files):
                readers = [
                    partial(read_plan_file, path),
                    partial(calamine_floor, path),
                    partial(calamine_floor, path, NEEDED),
                ]
                if (i + repeat) % 2:  # alternate the order
                    readers.reverse()
                took = [timed_both(fn) for fn in readers]
                (mine, mine_cpu), (floor, floor_cpu), (needed, _) = (
                    took if not (i + repeat) % 2 else took[::-1]
                )
                cpu_ratios.append(mine_cpu / floor_cpu)
                ours.append(mine)
                per_file["import"].append(mine)
                per_file["floor"].append(floor)
                per_file["floor_needed"].append(needed)
                ratios.append(mine / floor)
                strict_ratios.append(mine / needed)
            for path, mine in zip(files, ours, strict=True):  # a loop of its own (see the docstring)
                other = timed(partial(openpyxl_only, path))
                per_file["openpyxl"].append(other)
                openpyxl_factors.append(other / mine)

        load_after = os.getloadavg()
        stage_ms = phases(files[len(files) // 2].read_bytes())

    result: dict[str, Any] = {
        "benchmark": "template import",
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "plans": len(plans),
        "repeats": repeats,
        "file_bytes": spread([float(s) for s in sizes]),
        "export_all_seconds": export_seconds,
        "import_all_seconds": spread(totals),
        "target_import_all_seconds": 15,
        "per_file_seconds": {k: spread(v) for k, v in per_file.items()},
        "import_over_calamine_floor": spread(ratios),
        "import_over_calamine_floor_needed_sheets": spread(strict_ratios),
        "import_over_calamine_floor_cpu_time": spread(cpu_ratios),
        "load_average_before_after": [load_before[0], load_after[0]],
        "target_import_over_floor": 2,
        "openpyxl_only_over_import": spread(openpyxl_factors),
        "phases_ms_one_file": stage_ms,
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "templates.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    ms = {k: v["median"] * 1000 for k, v in result["per_file_seconds"].items()}
    print(f"{len(plans)} plans, {repeats} repeat(s); export of all: {export_seconds:.1f} s")
    print(f"import of all: median {result['import_all_seconds']['median']:.2f} s (target ≤ 15 s)")
    print(
        f"per file (median): import {ms['import']:.1f} ms, calamine floor {ms['floor']:.1f} ms "
        f"({ms['floor_needed']:.1f} ms reading only the sheets the import reads), "
        f"openpyxl-only {ms['openpyxl']:.1f} ms"
    )
    print(
        f"import / floor: median {result['import_over_calamine_floor']['median']:.2f}× (target ≤ 2×); "
        f"in CPU time {result['import_over_calamine_floor_cpu_time']['median']:.2f}×; "
        f"stricter, / floor on the same sheets: {result['import_over_calamine_floor_needed_sheets']['median']:.2f}×; "
        f"openpyxl-only / import: median {result['openpyxl_only_over_import']['median']:.1f}×"
    )
    print(
        f"load average (1 min) before and after the per-file runs: {load_before[0]:.2f}, {load_after[0]:.2f}"
    )
    for name, value in stage_ms.items():
        print(f"  {name}: {value:.2f} ms")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
