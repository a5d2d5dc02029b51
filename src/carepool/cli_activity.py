"""`carepool activity ...`: records → quality report → pseudonymised linkage → metrics."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from carepool.activity.actuals import fill_return
from carepool.activity.definitions import MetricResult
from carepool.activity.engines import make_engine
from carepool.activity.generator import AreaSize, generate
from carepool.activity.pipeline import LinkedFiles, compute_metrics, link, quality_report
from carepool.cli_context import session_of
from carepool.monitoring.returns import read_return
from carepool.problems import InputRejected, Problem
from carepool.reference import all_areas
from carepool.services.activity import apply_metric_actuals

activity_app = typer.Typer(no_args_is_help=True, help="Record-level activity → metrics (DuckDB or Spark).")
out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]
EngineOpt = Annotated[str, typer.Option("--engine", help="duckdb (default) or spark")]
KeyOpt = Annotated[Path, typer.Option("--key-file", help="file holding the linkage key (at least 16 bytes)")]


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True
    )


def _read_key(path: Path) -> bytes:
    try:
        key = path.read_bytes().strip()
    except OSError as exc:
        raise InputRejected(
            [Problem("file", str(path), f"cannot read the key file: {exc.strerror}")]
        ) from None
    if len(key) < 16:
        raise InputRejected(
            [Problem("file", str(path), "the linkage key is too short", f"{len(key)} bytes", "≥ 16 bytes")]
        )
    return key


def _need(path: Path) -> Path:
    if not path.exists():
        raise InputRejected([Problem("file", str(path), "file not found")])
    return path


@activity_app.command("generate")
def generate_cmd(
    out_dir: Path,
    spells: Annotated[int, typer.Option(help="number of hospital spells")] = 100_000,
    seed: Annotated[int, typer.Option(help="random seed (same seed, same files)")] = 0,
    areas: Annotated[int, typer.Option(help="how many of England's 152 areas")] = 152,
    as_json: JsonOpt = False,
) -> None:
    """Write synthetic spells, social care events and population (Parquet) into OUT_DIR."""
    chosen = [AreaSize(a.ons_code, a.population) for a in all_areas()[: max(1, areas)]]
    started = time.perf_counter()
    with _progress() as progress:
        progress.add_task(f"generating {spells:,} spells for {len(chosen)} areas", total=None)
        files = generate(out_dir, chosen, spells, seed)
    summary = {
        "spells": str(files.spells),
        "social_care": str(files.social_care),
        "population": str(files.population),
        "spell_rows": files.spell_rows,
        "social_care_rows": files.social_care_rows,
        "seconds": round(time.perf_counter() - started, 2),
        "synthetic": True,
    }
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        out.print(
            f"Wrote {files.spell_rows:,} spells and {files.social_care_rows:,} social care events (synthetic) to {out_dir}"
        )


@activity_app.command("link")
def link_cmd(
    spells: Path,
    social_care: Path,
    population: Path,
    out_dir: Path,
    key_file: KeyOpt,
    engine: EngineOpt = "duckdb",
    as_json: JsonOpt = False,
) -> None:
    """Replace NHS numbers by keyed pseudonyms so the files can be joined without sharing the numbers."""
    key = _read_key(key_file)
    runner = make_engine(engine)
    try:
        with _progress() as progress:
            progress.add_task("pseudonymising", total=None)
            linked = link(runner, _need(spells), _need(social_care), _need(population), key, out_dir)
    finally:
        runner.close()
    result = {
        "spells": str(linked.spells),
        "social_care": str(linked.social_care),
        "population": str(population),
    }
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        out.print(f"Pseudonymised files written to {out_dir}; NHS numbers are not in them.")


def _linked(spells: Path, social_care: Path, population: Path) -> LinkedFiles:
    return LinkedFiles(_need(spells), _need(social_care), _need(population))


def _compute(spells: Path, social_care: Path, population: Path, engine: str) -> list[MetricResult]:
    runner = make_engine(engine)
    try:
        with _progress() as progress:
            progress.add_task("computing metrics", total=None)
            return compute_metrics(runner, _linked(spells, social_care, population))
    finally:
        runner.close()


@activity_app.command("validate")
def validate_cmd(
    spells: Path, social_care: Path, population: Path, engine: EngineOpt = "duckdb", as_json: JsonOpt = False
) -> None:
    """Data-quality report on linked files: valid share, rejected rows by reason, linkage rate."""
    runner = make_engine(engine)
    try:
        with _progress() as progress:
            progress.add_task("checking records", total=None)
            report = quality_report(runner, _linked(spells, social_care, population)).as_dict()
    finally:
        runner.close()
    if as_json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return
    table = Table("section", "measure", "value", title="Data quality")
    for section, values in report.items():
        assert isinstance(values, dict)
        for name, value in values.items():
            table.add_row(section, name, json.dumps(value) if isinstance(value, dict) else str(value))
    out.print(table)


@activity_app.command("metrics")
def metrics_cmd(
    spells: Path,
    social_care: Path,
    population: Path,
    engine: EngineOpt = "duckdb",
    area: Annotated[str | None, typer.Option(help="only this area code")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Compute every metric for every area and quarter from linked files."""
    results = _compute(spells, social_care, population, engine)
    if area:
        results = [r for r in results if r.area_code == area]
    if as_json:
        rows = [
            {
                "metric": r.metric,
                "area": r.area_code,
                "period": r.period,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "value": str(r.value),
                "per_100000": None if r.per_100000 is None else str(r.per_100000),
            }
            for r in results
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    table = Table("metric", "area", "period", "numerator", "denominator", "value", "per 100,000")
    for r in results:
        rate = "" if r.per_100000 is None else str(r.per_100000)
        table.add_row(
            r.metric, r.area_code, r.period, str(r.numerator), str(r.denominator), str(r.value), rate
        )
    out.print(table)


@activity_app.command("apply")
def apply_cmd(
    ctx: typer.Context,
    plan_id: str,
    spells: Path,
    social_care: Path,
    population: Path,
    engine: EngineOpt = "duckdb",
    as_json: JsonOpt = False,
) -> None:
    """Compute the metrics and record the plan's area's figures as its actuals (a new draft version)."""
    results = _compute(spells, social_care, population, engine)
    session = session_of(ctx)
    saved = apply_metric_actuals(session.db(), plan_id, results, session.actor)
    summary = {"plan": saved.plan_id, "version": saved.number, "sha256": saved.sha256, "result": saved.result}
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        out.print(f"{plan_id}: actuals recorded as version {saved.number} ({saved.result}).")


@activity_app.command("fill-return")
def fill_return_cmd(
    return_file: Path,
    spells: Path,
    social_care: Path,
    population: Path,
    area: Annotated[str, typer.Option("--area", help="the plan's area code (ONS)")],
    out_file: Annotated[Path, typer.Option("--out", help="where to write the filled return (JSON)")],
    engine: EngineOpt = "duckdb",
    as_json: JsonOpt = False,
) -> None:
    """Put the computed metrics for AREA into a quarterly return (the four quarters to its quarter)."""
    ret = read_return(_need(return_file))
    filled = fill_return(ret, area, _compute(spells, social_care, population, engine))
    out_file.write_text(filled.model_dump_json(indent=2) + "\n", encoding="utf-8")
    summary = {"return": str(out_file), "quarter": filled.quarter, "metric_values": len(filled.metrics)}
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        out.print(f"Wrote {out_file}: {len(filled.metrics)} metric values for {filled.quarter}.")
