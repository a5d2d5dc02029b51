"""Template import benchmark — one command:

    python benchmarks/templates.py            # 152 synthetic national plans, 3 processes × 2 repeats
    python benchmarks/templates.py --quick    # 20 plans, 1 process, 1 repeat (smoke run)

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
   it never needs the Checklist or Lists sheets). A second, less noise-sensitive figure: for each file
   the least import time over the repeats and the least floor time, and the ratio of the medians of
   those minima over files (the median over files of each file's min / min is shown next to it).
   And each in its steady state: every repeat also times all the imports one after another, then all
   the floors (the other order the next repeat), each file's median import / its median floor. Run in
   a pair, the import always follows a floor (its own or the file before's), which has just pushed the
   import's working set out of the caches — pydantic-core's validators, the scan's arrays, zlib — and the
   Rust floor, with far less code and state, barely feels the same; a bulk import runs import after
   import. The pairs stay the headline; this is the same comparison without calamine's wake.
3. **Against an openpyxl-only reader**: ``openpyxl.load_workbook(read_only=True, data_only=True)`` and
   iterating every cell value of every sheet — less than an importer would do — reported as the factor
   (openpyxl / our whole import). It runs in a loop of its own: run between an import and its floor it
   flushed the caches before every import (and none before the floor), a few per cent against the import.

This process generates the plans, exports them to a temporary folder and checks that every file
round-trips (equal content hash). The timing then runs in fresh child processes, one after another
(``python benchmarks/templates.py --measure FOLDER --repeats N``), each importing only what it times — the
template reader, python-calamine and openpyxl, never ``carepool.demo`` — warms up (one import and one
floor per file), times everything above and where one import's time goes, and writes its samples as JSON
to the folder for this process to pool and report. Why fresh processes: generating 152 plans and
exporting them with openpyxl leaves a large heap behind, and timings taken in that process measure the harness as well as the
importer — the import of all 152 (which keeps every plan it reads) ran about 10% slower there than in a
fresh process (the per-file figures moved less than the run-to-run noise). The child imports carepool
from the same source tree as this process (its ``PYTHONPATH`` is set to it) and the two are checked to
agree. Why three of them: a process's own speed varies from one process to the next (its memory layout,
the machine's moment) by more than the repeats within it do — the same code gave 1.86× in one process and
2.00× in the next — so one process is one draw of that noise. The samples of all of them are pooled.

Each figure is the median of the pooled samples (min and max shown; the import / floor median of each
process is shown as well). Results go to
``benchmarks/results/templates.json`` (git-ignored); nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

import carepool
from carepool.io.excel import read_plan_file
from carepool.io.excel.config import PLAN_TEMPLATE_V1
from carepool.io.excel.mapping import cells_to_data
from carepool.io.excel.package import open_package
from carepool.io.excel.reader import WorkbookReader
from carepool.io.plan_json import reference_problems
from carepool.model.plan import Plan

RESULTS = Path(__file__).parent / "results"
ORDER = "files.json"  # in the folder: the file names, in the order the plans were generated
TIMINGS = "timings.json"  # in the folder: what the child measured
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


def measure(folder: Path, repeats: int, start: int = 0) -> dict[str, Any]:
    """The timing, run in a fresh child process: every sample, for the parent to pool and sum up.

    The per-file loop begins at file ``start`` (and wraps round). The interpreter's full garbage
    collections (about 15-25 ms each here) come at the same points of the same sequence of work, so
    in processes that all began at file 0 they landed on the same file every time and made it look slow;
    each process begins somewhere else, so such a pause is one sample of a file, not its median."""
    assert "carepool.demo" not in sys.modules, "the timing process must not carry the generator"
    names: list[str] = json.loads((folder / ORDER).read_text(encoding="utf-8"))
    files = [folder / name for name in names]
    for path in files:  # warm-up: one import and one floor per file
        read_plan_file(path)
        calamine_floor(path)

    totals: list[float] = []
    per_file: dict[str, list[float]] = {"import": [], "floor": [], "floor_needed": [], "openpyxl": []}
    import_by_file: list[list[float]] = [[] for _ in files]  # per file, one time per repeat
    floor_by_file: list[list[float]] = [[] for _ in files]
    own_loop: dict[str, list[list[float]]] = {"import": [[] for _ in files], "floor": [[] for _ in files]}
    ratios: list[float] = []
    strict_ratios: list[float] = []
    cpu_ratios: list[float] = []
    openpyxl_factors: list[float] = []
    load_before = os.getloadavg()
    for repeat in range(repeats):
        totals.append(timed(lambda: [read_plan_file(p) for p in files]))
        sequence = [(start + k) % len(files) for k in range(len(files))]
        loops: list[tuple[Callable[[Path], object], list[list[float]]]] = [
            (read_plan_file, own_loop["import"]),
            (calamine_floor, own_loop["floor"]),
        ]
        for reader, times in loops if repeat % 2 == 0 else reversed(loops):  # each in a loop of its own
            reader(files[sequence[-1]])  # untimed: the loop's first file is not read in the other's wake
            for i in sequence:
                times[i].append(timed(partial(reader, files[i])))
        ours: list[tuple[Path, float]] = []
        for i in sequence:
            path = files[i]
            readers: list[Callable[[], object]] = [
                partial(read_plan_file, path),
                partial(calamine_floor, path),
                partial(calamine_floor, path, NEEDED),
            ]
            flipped = (i + repeat) % 2 == 1  # alternate the order
            if flipped:
                readers.reverse()
            took = [timed_both(fn) for fn in readers]
            if flipped:
                took.reverse()
            (mine, mine_cpu), (floor, floor_cpu), (needed, _) = took
            cpu_ratios.append(mine_cpu / floor_cpu)
            ours.append((path, mine))
            per_file["import"].append(mine)
            per_file["floor"].append(floor)
            per_file["floor_needed"].append(needed)
            import_by_file[i].append(mine)
            floor_by_file[i].append(floor)
            ratios.append(mine / floor)
            strict_ratios.append(mine / needed)
        for path, mine in ours:  # a loop of its own (see the docstring)
            other = timed(partial(openpyxl_only, path))
            per_file["openpyxl"].append(other)
            openpyxl_factors.append(other / mine)
    load_after = os.getloadavg()
    return {
        "carepool_file": carepool.__file__,
        "totals": totals,
        "per_file": per_file,
        "import_by_file": import_by_file,
        "floor_by_file": floor_by_file,
        "own_loop_by_file": own_loop,
        "ratios": ratios,
        "strict_ratios": strict_ratios,
        "cpu_ratios": cpu_ratios,
        "openpyxl_factors": openpyxl_factors,
        "load_average_before_after": [load_before[0], load_after[0]],
        "phases_ms_one_file": phases(files[len(files) // 2].read_bytes()),
    }


def summarise(samples: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures, from every child process's samples pooled: a process's own speed varies (its memory
    layout, the machine's moment), so one process's figure is one draw of that noise."""

    def pooled(key: str) -> list[float]:
        return [value for sample in samples for value in sample[key]]

    def by_file(key: str) -> list[list[float]]:
        return [
            [t for times in files for t in times] for files in zip(*(s[key] for s in samples), strict=True)
        ]

    least_import = [min(times) for times in by_file("import_by_file")]
    least_floor = [min(times) for times in by_file("floor_by_file")]

    def file_by_file(imports: list[list[float]], floors: list[list[float]]) -> dict[str, float]:
        """Each file's median import / its median floor, summed up over the files."""
        each = sorted(
            statistics.median(mine) / statistics.median(floor)
            for mine, floor in zip(imports, floors, strict=True)
        )
        return {
            "median": statistics.median(each),
            "p90": each[int(0.9 * (len(each) - 1))],
            "max": each[-1],
            "files_over_2x": sum(ratio > 2 for ratio in each),
            "files": len(each),
        }

    own_loops = [s["own_loop_by_file"] for s in samples]
    own_import = [
        [t for times in f for t in times] for f in zip(*(o["import"] for o in own_loops), strict=True)
    ]
    own_floor = [
        [t for times in f for t in times] for f in zip(*(o["floor"] for o in own_loops), strict=True)
    ]
    phase_names = samples[0]["phases_ms_one_file"]
    return {
        "import_all_seconds": spread(pooled("totals")),
        "per_file_seconds": {
            kind: spread([v for sample in samples for v in sample["per_file"][kind]])
            for kind in samples[0]["per_file"]
        },
        "import_over_calamine_floor": spread(pooled("ratios")),
        "import_over_calamine_floor_by_process": [statistics.median(s["ratios"]) for s in samples],
        "import_over_calamine_floor_medians_of_min": {
            "ratio": statistics.median(least_import) / statistics.median(least_floor),
            "import_seconds": statistics.median(least_import),
            "floor_seconds": statistics.median(least_floor),
            "median_of_per_file_ratios": statistics.median(
                [mine / floor for mine, floor in zip(least_import, least_floor, strict=True)]
            ),
        },
        "import_over_calamine_floor_each_file": file_by_file(
            by_file("import_by_file"), by_file("floor_by_file")
        ),
        "import_over_calamine_floor_each_in_own_loop": {
            "import_seconds": statistics.median(statistics.median(t) for t in own_import),
            "floor_seconds": statistics.median(statistics.median(t) for t in own_floor),
            **file_by_file(own_import, own_floor),
        },
        "import_over_calamine_floor_needed_sheets": spread(pooled("strict_ratios")),
        "import_over_calamine_floor_cpu_time": spread(pooled("cpu_ratios")),
        "load_average_before_after": [
            samples[0]["load_average_before_after"][0],
            samples[-1]["load_average_before_after"][1],
        ],
        "openpyxl_only_over_import": spread(pooled("openpyxl_factors")),
        "phases_ms_one_file": {
            name: statistics.median(s["phases_ms_one_file"][name] for s in samples) for name in phase_names
        },
    }


def measure_in_child(folder: Path, repeats: int, start: int) -> dict[str, Any]:
    """Run ``measure`` in a fresh interpreter importing carepool from the same tree as this one."""
    source = str(Path(carepool.__file__).resolve().parent.parent)
    path = [source, *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    command = [sys.executable, str(Path(__file__).resolve()), "--measure", str(folder)]
    subprocess.run([*command, "--repeats", str(repeats), "--start", str(start)], env=env, check=True)
    samples: dict[str, Any] = json.loads((folder / TIMINGS).read_text(encoding="utf-8"))
    child_file = samples.pop("carepool_file")
    if Path(child_file).resolve() != Path(carepool.__file__).resolve():
        raise SystemExit(f"the child imported {child_file}, not {carepool.__file__}")
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="20 plans, 1 process, 1 repeat")
    parser.add_argument("--repeats", type=int, default=None, help="repeats in each process (default 2)")
    parser.add_argument("--processes", type=int, default=None, help="timing processes (default 3)")
    parser.add_argument(
        "--measure",
        metavar="FOLDER",
        type=Path,
        help="(run by the benchmark itself) time the files exported to FOLDER in this process",
    )
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)  # with --measure
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 2)
    processes = args.processes or (1 if args.quick else 3)
    if args.measure is not None:
        timings = measure(args.measure, repeats, args.start)
        (args.measure / TIMINGS).write_text(json.dumps(timings), encoding="utf-8")
        return 0

    from carepool.demo.national import generate_national
    from carepool.io.excel import plan_workbook_bytes
    from carepool.model.canonical import content_hash

    areas = 20 if args.quick else 152
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
        (folder / ORDER).write_text(json.dumps([p.name for p in files]), encoding="utf-8")

        for plan, path in zip(plans, files, strict=True):  # correctness first
            assert content_hash(read_plan_file(path)) == content_hash(plan), path.name

        starts = [k * len(files) // processes for k in range(processes)]
        timings = summarise([measure_in_child(folder, repeats, start) for start in starts])

    result: dict[str, Any] = {
        "benchmark": "template import",
        "python": sys.version.split()[0],
        "machine": platform.machine(),
        "plans": len(plans),
        "repeats": repeats,
        "processes": processes,
        "timed_in_fresh_child_process": True,
        "file_bytes": spread([float(s) for s in sizes]),
        "export_all_seconds": export_seconds,
        "import_all_seconds": timings["import_all_seconds"],
        "target_import_all_seconds": 15,
        "per_file_seconds": timings["per_file_seconds"],
        "import_over_calamine_floor": timings["import_over_calamine_floor"],
        "import_over_calamine_floor_by_process": timings["import_over_calamine_floor_by_process"],
        "import_over_calamine_floor_each_file": timings["import_over_calamine_floor_each_file"],
        "import_over_calamine_floor_each_in_own_loop": timings["import_over_calamine_floor_each_in_own_loop"],
        "import_over_calamine_floor_medians_of_min": timings["import_over_calamine_floor_medians_of_min"],
        "import_over_calamine_floor_needed_sheets": timings["import_over_calamine_floor_needed_sheets"],
        "import_over_calamine_floor_cpu_time": timings["import_over_calamine_floor_cpu_time"],
        "load_average_before_after": timings["load_average_before_after"],
        "target_import_over_floor": 2,
        "openpyxl_only_over_import": timings["openpyxl_only_over_import"],
        "phases_ms_one_file": timings["phases_ms_one_file"],
    }
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "templates.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    ms = {k: v["median"] * 1000 for k, v in result["per_file_seconds"].items()}
    least = result["import_over_calamine_floor_medians_of_min"]
    load_before, load_after = result["load_average_before_after"]
    print(
        f"{len(plans)} plans; {processes} timing process(es) × {repeats} repeat(s); "
        f"export of all: {export_seconds:.1f} s"
    )
    print("timed in fresh child processes (the reader, python-calamine and openpyxl; not carepool.demo)")
    print(f"import of all: median {result['import_all_seconds']['median']:.2f} s (target ≤ 15 s)")
    print(
        f"per file (median): import {ms['import']:.1f} ms, calamine floor {ms['floor']:.1f} ms "
        f"({ms['floor_needed']:.1f} ms reading only the sheets the import reads), "
        f"openpyxl-only {ms['openpyxl']:.1f} ms"
    )
    print(
        f"import / floor: median {result['import_over_calamine_floor']['median']:.2f}× (target ≤ 2×; "
        f"each process: {', '.join(f'{r:.2f}×' for r in result['import_over_calamine_floor_by_process'])}); "
        f"in CPU time {result['import_over_calamine_floor_cpu_time']['median']:.2f}×; "
        f"stricter, / floor on the same sheets: {result['import_over_calamine_floor_needed_sheets']['median']:.2f}×; "
        f"openpyxl-only / import: median {result['openpyxl_only_over_import']['median']:.1f}×"
    )
    print(
        f"import / floor, each file's min over the repeats: medians {least['import_seconds'] * 1000:.1f} ms "
        f"/ {least['floor_seconds'] * 1000:.1f} ms = {least['ratio']:.2f}× "
        f"(median of the per-file ratios {least['median_of_per_file_ratios']:.2f}×)"
    )
    each = result["import_over_calamine_floor_each_file"]
    print(
        f"import / floor file by file (each file's median import / median floor): median {each['median']:.2f}×, "
        f"90th percentile {each['p90']:.2f}×, largest {each['max']:.2f}×; "
        f"{each['files_over_2x']} of {each['files']} files over 2×"
    )
    own = result["import_over_calamine_floor_each_in_own_loop"]
    print(
        f"the same, import and floor each in a loop of its own over the files (as a bulk import runs): "
        f"{own['import_seconds'] * 1000:.1f} ms / {own['floor_seconds'] * 1000:.1f} ms; file by file median "
        f"{own['median']:.2f}×, 90th percentile {own['p90']:.2f}×, largest {own['max']:.2f}×; "
        f"{own['files_over_2x']} of {own['files']} files over 2×"
    )
    print(f"load average (1 min) before and after the per-file runs: {load_before:.2f}, {load_after:.2f}")
    for name, value in result["phases_ms_one_file"].items():
        print(f"  {name}: {value:.2f} ms")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
