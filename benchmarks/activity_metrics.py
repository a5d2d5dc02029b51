"""Benchmark: record-level activity → all metrics for all areas and quarters.

    pip install -e ".[dev,bench]"
    python benchmarks/activity_metrics.py --spells 10000000        # the issue's size
    python benchmarks/activity_metrics.py --spells 200000 --quick   # a smoke run

Measures, on the same generated and linked files:
- carepool whole-process: a fresh Python process computing every metric with the DuckDB engine;
- the floor: one hand-written DuckDB SQL query producing the same numerators (in-process);
- pandas: the common alternative (in-process), checked to give the same numbers.
Generation and linkage (pseudonymisation) are timed and reported separately: in production each data owner
links its own file once, and metrics are then recomputed from the linked files.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from carepool.activity.engines import DuckDBEngine
from carepool.activity.generator import AreaSize, generate
from carepool.activity.pipeline import LinkedFiles, link
from carepool.reference import all_areas

KEY = b"benchmark-linkage-key-32-bytes!!"

FLOOR_SQL = """
WITH areas AS (SELECT DISTINCT area_code FROM read_parquet('{pop}')),
s AS (
  SELECT spell_id, any_value(person_key) AS person_key, any_value(age) AS age, any_value(area_code) AS area_code,
         any_value(admission_method) AS method, any_value(admission_date) AS adm, any_value(discharge_date) AS dis,
         any_value(delay_days) AS delay
  FROM read_parquet('{spells}')
  WHERE area_code IN (SELECT area_code FROM areas) AND discharge_date >= admission_date
  GROUP BY spell_id
),
c AS (SELECT * FROM read_parquet('{care}') WHERE area_code IN (SELECT area_code FROM areas)),
fq AS (SELECT 1)
SELECT 'nel_admissions', area_code, year(adm - INTERVAL 3 MONTH) AS fy, quarter(adm - INTERVAL 3 MONTH) AS q, COUNT(*)
  FROM s WHERE method = 'emergency' GROUP BY ALL
UNION ALL
SELECT 'dtoc', area_code, year(dis - INTERVAL 3 MONTH), quarter(dis - INTERVAL 3 MONTH), SUM(delay)
  FROM s WHERE age >= 18 AND delay > 0 GROUP BY ALL
UNION ALL
SELECT 'residential_admissions', area_code, year(event_date - INTERVAL 3 MONTH), quarter(event_date - INTERVAL 3 MONTH), COUNT(*)
  FROM c WHERE event_type = 'permanent_admission' AND age >= 65 GROUP BY ALL
UNION ALL
SELECT 'reablement', area_code, year(d - INTERVAL 3 MONTH), quarter(d - INTERVAL 3 MONTH), SUM(home)
  FROM (SELECT c.event_id, any_value(c.area_code) AS area_code, max(s.dis) AS d,
               max(CASE WHEN c.outcome_91 = 'at_home' THEN 1 ELSE 0 END) AS home
        FROM c JOIN s ON c.person_key = s.person_key AND c.event_date - s.dis BETWEEN 0 AND 7
        WHERE c.event_type = 'reablement_start' AND c.age >= 65 AND c.person_key IS NOT NULL
        GROUP BY c.event_id) GROUP BY ALL
"""

CAREPOOL_PROCESS = """
import json, sys
from pathlib import Path
from carepool.activity.engines import DuckDBEngine
from carepool.activity.pipeline import LinkedFiles, compute_metrics
files = LinkedFiles(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
results = compute_metrics(DuckDBEngine(), files)
json.dump([[r.metric, r.area_code, r.period, r.numerator] for r in results], sys.stdout)
"""


def label(fy: int, q: int) -> str:
    return f"{fy}-{(fy + 1) % 100:02d} Q{q}"


def floor(files: LinkedFiles) -> dict[tuple[str, str, str], int]:
    con = duckdb.connect()
    sql = FLOOR_SQL.format(spells=files.spells, care=files.social_care, pop=files.population)
    return {(m, a, label(int(fy), int(q))): int(n) for m, a, fy, q, n in con.sql(sql).fetchall()}


def pandas_metrics(files: LinkedFiles) -> dict[tuple[str, str, str], int]:
    import pandas as pd

    areas = set(pd.read_parquet(files.population)["area_code"])
    s = pd.read_parquet(files.spells)
    s = s[s["area_code"].isin(areas) & (s["discharge_date"] >= s["admission_date"])]
    s = s.drop_duplicates("spell_id")
    c = pd.read_parquet(files.social_care)
    c = c[c["area_code"].isin(areas)]

    def quarter_label(dates: pd.Series) -> pd.Series:
        shifted = pd.to_datetime(dates) - pd.DateOffset(months=3)
        fy = shifted.dt.year
        return (
            fy.astype(str)
            + "-"
            + ((fy + 1) % 100).astype(str).str.zfill(2)
            + " Q"
            + shifted.dt.quarter.astype(str)
        )

    out: dict[tuple[str, str, str], int] = {}

    def add(metric: str, frame: pd.DataFrame, date_col: str, value: pd.Series | None = None) -> None:
        keyed = pd.DataFrame({"area": frame["area_code"], "period": quarter_label(frame[date_col])})
        keyed["v"] = 1 if value is None else value.to_numpy()
        for (area, period), v in keyed.groupby(["area", "period"])["v"].sum().items():
            out[(metric, str(area), str(period))] = int(v)

    add("nel_admissions", s[s["admission_method"] == "emergency"], "admission_date")
    dt = s[(s["age"] >= 18) & (s["delay_days"] > 0)]
    add("dtoc", dt, "discharge_date", dt["delay_days"])
    add(
        "residential_admissions",
        c[(c["event_type"] == "permanent_admission") & (c["age"] >= 65)],
        "event_date",
    )
    r = c[(c["event_type"] == "reablement_start") & (c["age"] >= 65) & c["person_key"].notna()]
    joined = r.merge(s[["person_key", "discharge_date"]], on="person_key")
    gap = (pd.to_datetime(joined["event_date"]) - pd.to_datetime(joined["discharge_date"])).dt.days
    joined = joined[(gap >= 0) & (gap <= 7)]
    linked = joined.groupby("event_id").agg(
        area_code=("area_code", "first"),
        discharge_date=("discharge_date", "max"),
        outcome=("outcome_91", "first"),
    )
    add("reablement", linked, "discharge_date", (linked["outcome"] == "at_home").astype(int))
    return out


def carepool_whole_process(files: LinkedFiles) -> tuple[float, dict[tuple[str, str, str], int]]:
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CAREPOOL_PROCESS,
            str(files.spells),
            str(files.social_care),
            str(files.population),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    return seconds, {(m, a, p): int(n) for m, a, p, n in json.loads(done.stdout)}


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--spells", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("benchmarks/results/activity"))
    parser.add_argument("--quick", action="store_true", help="one run, skip pandas")
    args = parser.parse_args()
    runs = 1 if args.quick else args.runs
    data_dir = args.dir / f"spells-{args.spells}"
    areas = [AreaSize(a.ons_code, a.population) for a in all_areas()]

    gen_seconds, generated = timed(generate, data_dir, areas, args.spells, 0)
    link_seconds, files = timed(
        link,
        DuckDBEngine(),
        generated.spells,
        generated.social_care,
        generated.population,
        KEY,
        data_dir / "linked",
    )

    ours = [carepool_whole_process(files) for _ in range(runs)]
    floors = [timed(floor, files) for _ in range(runs)]
    ours_numbers = ours[0][1]
    zero_free = {k: v for k, v in ours_numbers.items() if v}
    assert {k: v for k, v in floors[0][1].items() if v} == zero_free, "floor query disagrees with carepool"
    report: dict[str, Any] = {
        "spells": generated.spell_rows,
        "social_care_events": generated.social_care_rows,
        "metric_rows": len(ours_numbers),
        "generate_s": round(gen_seconds, 2),
        "link_s": round(link_seconds, 2),
        "carepool_whole_process_s": [round(s, 2) for s, _ in ours],
        "floor_single_query_s": [round(s, 2) for s, _ in floors],
    }
    median_ours = statistics.median(s for s, _ in ours)
    median_floor = statistics.median(s for s, _ in floors)
    report["ratio_to_floor"] = round(median_ours / median_floor, 2)
    if not args.quick:
        pandas_runs = [timed(pandas_metrics, files) for _ in range(max(1, runs - 1))]
        assert {k: v for k, v in pandas_runs[0][1].items() if v} == zero_free, (
            "pandas disagrees with carepool"
        )
        report["pandas_s"] = [round(s, 2) for s, _ in pandas_runs]
        report["pandas_over_carepool"] = round(statistics.median(s for s, _ in pandas_runs) / median_ours, 2)
    args.dir.mkdir(parents=True, exist_ok=True)
    (args.dir / f"activity-{args.spells}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
