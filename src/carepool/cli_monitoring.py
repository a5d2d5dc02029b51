"""`carepool monitor ...`: quarterly returns, the exception report, scenarios and the probability model.

``record`` and ``position`` work on the database (a return stored against a stored plan, and the year's
position from the stored returns); the other commands work on plan files (the plan exchange format).
All print tables, or JSON with --json. Problems with input are raised as ``InputRejected``; the main CLI
prints them and exits 2.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from rich.text import Text

from carepool.cli_context import session_of
from carepool.io.plan_json import problems_from_validation, read_plan
from carepool.model.canonical import pretty_json
from carepool.model.plan import Plan
from carepool.modelling.charts import fan_chart, partner_exposure, release_distribution
from carepool.modelling.montecarlo import result_dict, simulate_plan
from carepool.modelling.scenarios import (
    ScenarioSet,
    comparison_table,
    run_scenarios,
    shortfall_settlement,
)
from carepool.modelling.scenarios import (
    result_dict as scenario_dict,
)
from carepool.money import fmt_pounds
from carepool.monitoring.cycle import CycleResult, apply_return
from carepool.monitoring.exceptions import Thresholds, exception_report, to_dict, to_markdown
from carepool.monitoring.returns import read_return
from carepool.monitoring.views import cycle_dict, settlement_dict, settlement_lines
from carepool.policy.loader import PackError, load_pack
from carepool.policy.schema import PolicyPack
from carepool.problems import InputRejected, Problem
from carepool.services.chain import stamp
from carepool.services.returns import MonitoringPosition, record_return_file, stored_position

monitoring_app = typer.Typer(
    no_args_is_help=True, help="Quarterly monitoring, exception reports, scenarios and the probability model."
)
out = Console(width=None if sys.stdout.isatty() else 160)  # piped output is read in files, not at 80 columns

JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]
PlanFile = Annotated[Path, typer.Argument(help="plan file (carepool-plan/1 JSON)")]
ReturnFile = Annotated[Path, typer.Argument(help="quarterly return file (carepool-return/1 JSON)")]


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def table(title: str, columns: list[str] | tuple[str, ...], rows: Any) -> Table:
    t = Table(title=Text(title))
    for i, name in enumerate(columns):
        t.add_column(name, no_wrap=i == 0, overflow="fold")
    for row in rows:
        t.add_row(*(Text("" if v is None else str(v)) for v in row))  # Text: data is never markup
    return t


def load(plan_file: Path) -> tuple[Plan, PolicyPack]:
    plan = read_plan(plan_file)
    try:
        return plan, load_pack(plan.policy)
    except PackError as exc:
        raise InputRejected([Problem("reference", "policy", str(exc), plan.policy)]) from None


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=Decimal)
    except OSError as exc:
        raise InputRejected([Problem("file", str(path), f"cannot read the file: {exc.strerror}")]) from None
    except UnicodeDecodeError:
        raise InputRejected([Problem("file", str(path), "not a UTF-8 text file")]) from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise InputRejected([Problem("format", where, f"not valid JSON: {exc.msg}")]) from None


EarlierOpt = Annotated[
    list[Path] | None,
    typer.Option("--earlier", help="an earlier return of the year, applied first (repeat, oldest first)"),
]
SavePlanOpt = Annotated[
    Path | None, typer.Option("--save-plan", help="write the plan with the return recorded to this file")
]


def run_cycle(
    plan: Plan, pack: PolicyPack, earlier: list[Path], return_file: Path
) -> tuple[CycleResult, Any]:
    """Apply the earlier returns in order, then this one; the year's position builds up quarter by quarter."""
    for path in earlier:
        plan = apply_return(plan, pack, read_return(path)).plan
    ret = read_return(return_file)
    return apply_return(plan, pack, ret), ret


@monitoring_app.command("apply-return")
def apply_return_cmd(
    plan_file: PlanFile,
    return_file: ReturnFile,
    earlier: EarlierOpt = None,
    save_plan: SavePlanOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Apply a quarterly return: the quarter's release and retained money, the year's position, and the
    settlement of over- and underspends (year end, or forecast)."""
    plan, pack = load(plan_file)
    cycle, _ = run_cycle(plan, pack, earlier or [], return_file)
    if save_plan is not None:
        save_plan.write_text(pretty_json(cycle.plan), encoding="utf-8")
    if as_json:
        emit_json(cycle_dict(cycle))
        return
    out.print(f"[bold]{Text(plan.title)}[/bold] — return for {cycle.quarter}")
    if cycle.release is not None:
        rows = [
            (
                q.quarter,
                fmt_pounds(q.pot),
                "" if q.achievement_pct is None else f"{q.achievement_pct}%",
                fmt_pounds(q.released) if q.assessed else "pending",
                fmt_pounds(q.retained) if q.assessed else "",
                "new" if q.quarter in cycle.assessed_now else "",
            )
            for q in cycle.release.quarters
        ]
        out.print(
            table("Performance money", ("quarter", "pot", "achieved", "released", "retained", ""), rows)
        )
        out.print(
            f"This return: released {fmt_pounds(cycle.released_now)}, retained {fmt_pounds(cycle.retained_now)}. "
            f"Year to date: released {fmt_pounds(cycle.release.released)}, retained "
            f"{fmt_pounds(cycle.release.retained)}, pending {fmt_pounds(cycle.release.pending)}."
        )
    if cycle.performance_note:
        out.print(Text(cycle.performance_note))
    rows = [
        (
            s.scheme,
            s.name,
            fmt_pounds(s.budget),
            fmt_pounds(s.profile_to_date),
            "—" if s.spend_to_date is None else fmt_pounds(s.spend_to_date),
            "—" if s.forecast_outturn is None else fmt_pounds(s.forecast_outturn),
        )
        for s in cycle.schemes
    ]
    out.print(
        table(f"Position {cycle.year}", ("scheme", "name", "budget", "profile", "spend", "forecast"), rows)
    )
    if cycle.settlement is None:
        out.print(Text(f"Settlement: {cycle.settlement_note}"))
    else:
        out.print(Text(f"Settlement ({cycle.settlement_note}):"))
        for line in settlement_lines(cycle.settlement):
            out.print(Text(line))


@monitoring_app.command("exceptions")
def exceptions_cmd(
    plan_file: PlanFile,
    return_file: ReturnFile,
    spend_amber: Annotated[float, typer.Option(help="% off spend profile for amber")] = 5,
    spend_red: Annotated[float, typer.Option(help="% off spend profile for red")] = 10,
    metric_amber: Annotated[float, typer.Option(help="% adverse to trajectory for amber")] = 0,
    metric_red: Annotated[float, typer.Option(help="% adverse to trajectory for red")] = 5,
    by: Annotated[
        str, typer.Option("--by", help="spend headlines per 'scheme' or programme 'area'")
    ] = "scheme",
    earlier: EarlierOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The board's exception report for the quarter (Markdown, or JSON)."""
    plan, pack = load(plan_file)
    cycle, ret = run_cycle(plan, pack, earlier or [], return_file)
    thresholds = Thresholds(
        spend_amber_pct=Decimal(str(spend_amber)),
        spend_red_pct=Decimal(str(spend_red)),
        metric_amber_pct=Decimal(str(metric_amber)),
        metric_red_pct=Decimal(str(metric_red)),
    )
    if by not in ("scheme", "area"):
        raise InputRejected([Problem("schema", "--by", "group spend by scheme or area", by, "scheme, area")])
    report = exception_report(cycle.plan, pack, ret, cycle, thresholds, "area" if by == "area" else "scheme")
    if as_json:
        emit_json(to_dict(report))
    else:
        sys.stdout.write(to_markdown(report))


@monitoring_app.command("scenarios")
def scenarios_cmd(
    plan_file: PlanFile,
    scenarios_file: Annotated[Path, typer.Argument(help="scenarios file (carepool-scenarios/1 JSON)")],
    as_json: JsonOpt = False,
) -> None:
    """Compare named scenarios side by side with the plan as it stands."""
    plan, pack = load(plan_file)
    data = read_json(scenarios_file)
    if not isinstance(data, dict) or data.get("format") != "carepool-scenarios/1":
        found = repr(data.get("format")) if isinstance(data, dict) else type(data).__name__
        raise InputRejected(
            [
                Problem(
                    "format", "format", "this is not a carepool scenarios file", found, "carepool-scenarios/1"
                )
            ]
        )
    try:
        scenario_set = ScenarioSet.model_validate(data)
    except ValidationError as exc:
        raise InputRejected(problems_from_validation(exc)) from None
    results = run_scenarios(plan, pack, scenario_set)
    columns, rows = comparison_table(results)
    if as_json:
        emit_json(
            {
                "scenarios": [scenario_dict(r) for r in results],
                "table": {"columns": columns, "rows": rows},
                "charts": {"partner_exposure": partner_exposure(results).to_dict()},
            }
        )
        return
    out.print(table(f"Scenarios {results[0].year}", columns, rows))


@monitoring_app.command("simulate")
def simulate_cmd(
    plan_file: PlanFile,
    years: Annotated[int, typer.Option("--years", min=1, max=10_000_000, help="simulated years")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="random seed (same seed, same answer)")] = 0,
    confidence: Annotated[
        float, typer.Option("--confidence", min=1, max=99.9, help="confidence for the contingency, %")
    ] = 90,
    as_json: JsonOpt = False,
) -> None:
    """Probability of meeting the admissions ambition, the money released, and the contingency needed."""
    plan, pack = load(plan_file)
    result = simulate_plan(plan, pack, years, seed, Decimal(str(confidence)))
    year = pack.years[-1]
    settlement, note = shortfall_settlement(plan, year, result.contingency)
    if as_json:
        emit_json(
            {
                **result_dict(result),
                "contingency_settlement": None if settlement is None else settlement_dict(settlement),
                "contingency_note": note,
                "charts": {
                    "fan": fan_chart(result).to_dict(),
                    "released": release_distribution(result).to_dict(),
                },
            }
        )
        return
    m = result.model
    out.print(
        Text(
            f"{plan.title}: {result.runs:,} simulated years (seed {seed}) from {len(m.quarters)} quarters of "
            f"history, trend {m.annual_growth_pct:+.1f}% a year."
        )
    )
    rows = [
        (
            q.quarter,
            f"{q.baseline.normalize():f}",
            f"{q.planned.normalize():f}",
            f"{100 * q.probability:.1f}%",
        )
        for q in result.quarters
    ]
    rows.append(("year", "", "", f"{100 * result.probability_year:.1f}%"))
    out.print(
        table("Probability of meeting the ambition", ("quarter", "baseline", "planned", "probability"), rows)
    )
    money_rows = [
        (f"p{p.percentile}", fmt_pounds(p.released), fmt_pounds(p.retained)) for p in result.percentiles
    ]
    money_rows.append(("mean", fmt_pounds(result.expected_released), fmt_pounds(result.expected_retained)))
    out.print(
        table(f"Money (pot {fmt_pounds(result.pot)})", ("percentile", "released", "retained"), money_rows)
    )
    out.print(
        Text(
            f"Contingency to cover unearned money at {result.confidence_pct}% confidence: "
            f"{fmt_pounds(result.contingency)}."
        )
    )
    if settlement is not None:
        out.print(Text("If that contingency is needed, the plan's risk share settles it as an overspend:"))
        for line in settlement_lines(settlement):
            out.print(Text(line))
    else:
        out.print(Text(note))


# --- stored returns ---------------------------------------------------------------------------------------

StoredPlan = Annotated[str, typer.Argument(metavar="PLAN", help="the id of a stored plan")]


@monitoring_app.command("record")
def record_cmd(
    ctx: typer.Context,
    plan_id: StoredPlan,
    return_file: Annotated[
        Path, typer.Argument(help="the filled return template (.xlsx) or a carepool-return/1 file (.json)")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Store a quarterly return against a stored plan: all or nothing, the file kept either way. A second
    return for the same quarter is its next revision (the latest counts)."""
    s = session_of(ctx)
    recorded = record_return_file(s.db(), return_file, s.actor, plan_id)
    if as_json:
        emit_json(recorded.to_dict())
        return
    r = recorded.stored
    if recorded.result == "unchanged":
        out.print(
            Text(f"{r.quarter} return for {r.plan_id} is unchanged: revision {r.revision} still counts.")
        )
    else:
        out.print(
            Text(
                f"Recorded the {r.quarter} return for {r.plan_id} as revision {r.revision} "
                f"(against plan version {r.plan_version}, upload {recorded.upload_id})."
            )
        )
    p = recorded.position
    out.print(
        Text(
            f"{p.year} so far ({', '.join(p.quarters)}): released {fmt_pounds(p.released)}, retained "
            f"{fmt_pounds(p.retained)}; spend to date {fmt_pounds(p.latest.spend_to_date)} against a profile of "
            f"{fmt_pounds(p.latest.profile_to_date)}. See `carepool monitor position {r.plan_id}`."
        )
    )


@monitoring_app.command("position")
def position_cmd(
    ctx: typer.Context,
    plan_id: StoredPlan,
    year: Annotated[
        str | None, typer.Option("--year", help="financial year, e.g. 2015-16 (default: the latest reported)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The year's cumulative position from the stored returns: returns counted, performance money released
    and retained, spend against plan per scheme, and the settlement (year end, or forecast)."""
    found = stored_position(session_of(ctx).db(), plan_id, year)
    if found is None:
        if as_json:
            emit_json({"ok": True, "plan": plan_id, "year": year, "returns": [], "note": "no returns stored"})
        else:
            when = f" for {year}" if year else ""
            out.print(
                Text(
                    f"No quarterly returns stored{when} for {plan_id}: record one with `carepool monitor record`."
                )
            )
        return
    if as_json:
        emit_json(found.to_dict())
        return
    print_position(found)


def print_position(mp: MonitoringPosition) -> None:
    p = mp.position
    out.print(
        Text(
            f"{mp.plan_id} — position for {mp.year} from {len(mp.returns)} return(s), on plan version "
            f"{mp.plan_version} ({mp.plan_sha256[:12]})",
            style="bold",
        )
    )
    counted = [
        (r.quarter, r.revision, stamp(r.received_at)[:19].replace("T", " "), r.actor, r.plan_version)
        for r in mp.returns
    ]
    out.print(
        table(
            "Returns counted (latest revision of each quarter)",
            ("quarter", "revision", "received (UTC)", "by", "plan version"),
            counted,
        )
    )
    release = p.latest.release
    if release is not None:
        by = p.assessed_by()
        money_rows = [
            (
                q.quarter,
                fmt_pounds(q.pot),
                "" if q.achievement_pct is None else f"{q.achievement_pct}%",
                fmt_pounds(q.released) if q.assessed else "pending",
                fmt_pounds(q.retained) if q.assessed else "",
                by.get(q.quarter, "the plan" if q.assessed else ""),
            )
            for q in release.quarters
        ]
        out.print(
            table(
                "Performance money",
                ("payment quarter", "pot", "achieved", "released", "retained", "reported in"),
                money_rows,
            )
        )
        out.print(
            Text(
                f"Released {fmt_pounds(p.released)}, retained {fmt_pounds(p.retained)}, pending "
                f"{fmt_pounds(p.pending)}."
            )
        )
    if p.latest.performance_note:
        out.print(Text(p.latest.performance_note))
    rows = [
        (
            s.scheme,
            s.name,
            fmt_pounds(s.budget),
            fmt_pounds(s.profile_to_date),
            "—" if s.spend_to_date is None else fmt_pounds(s.spend_to_date),
            "—" if s.variance_to_date is None else fmt_pounds(s.variance_to_date),
            "—" if s.forecast_outturn is None else fmt_pounds(s.forecast_outturn),
        )
        for s in p.schemes
    ]
    c = p.latest
    rows.append(
        (
            "total",
            "",
            fmt_pounds(c.budget),
            fmt_pounds(c.profile_to_date),
            fmt_pounds(c.spend_to_date),
            fmt_pounds(c.spend_to_date - c.profile_to_date),
            "",
        )
    )
    out.print(
        table(
            f"Spend against plan to the end of {c.quarter}",
            ("scheme", "name", "budget", "profile", "spend", "variance", "forecast"),
            rows,
        )
    )
    if c.settlement is None:
        out.print(Text(f"Settlement: {c.settlement_note}"))
    else:
        out.print(Text(f"Settlement ({c.settlement_note}):"))
        for line in settlement_lines(c.settlement):
            out.print(Text(line))
