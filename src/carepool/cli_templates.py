"""CLI faces for Excel templates: ``template export|import`` and ``returns import FOLDER``.

Mounted by the main CLI (``app.add_typer(template_app, name="template")`` and
``app.add_typer(returns_app, name="returns")``). Exit codes as in ``carepool.cli``: 0 done; 1 some files
of a bulk import were rejected; 2 unusable input (the problems are printed, nothing is written).
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
from carepool.io.bulk import BulkReport
from carepool.io.excel import read_plan_file, return_for_quarter, write_plan_workbook, write_return_workbook
from carepool.io.plan_json import problems_from_validation, read_plan
from carepool.model.canonical import content_hash, pretty_json
from carepool.model.plan import Plan
from carepool.money import fmt_pounds
from carepool.problems import InputRejected, NotFound, Problem
from carepool.services.plans import stored_plan
from carepool.services.returns import import_folder_to_store

template_app = typer.Typer(
    no_args_is_help=True, help="Excel planning templates: export a plan, import it back."
)
returns_app = typer.Typer(
    no_args_is_help=True,
    help="Quarterly returns: export one pre-filled, import a folder of filled templates into the database.",
)


out = Console(width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 160)
JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _problems(problems: list[Problem], as_json: bool, title: str) -> None:
    if as_json:
        _emit({"ok": False, "problems": [p.to_dict() for p in problems]})
        return
    table = Table(title=Text(title))
    for name in ("where", "problem", "found", "expected"):
        table.add_column(name, no_wrap=name == "where")
    for p in problems:
        table.add_row(Text(p.location or "—"), Text(p.message), Text(p.found), Text(p.expected))
    err.print(table)


def _refuse(exc: InputRejected, as_json: bool, title: str) -> typer.Exit:
    _problems(exc.problems, as_json, title)
    return typer.Exit(2)


def plan_summary(plan: Plan) -> dict[str, Any]:
    """What was understood from a template: the preview a person checks before saving."""
    by_year = {y: sum((c.amount for c in plan.contributions if c.year == y), Decimal(0)) for y in plan.years}
    return {
        "plan": plan.id,
        "title": plan.title,
        "policy": plan.policy,
        "area": plan.area.name,
        "sha256": content_hash(plan),
        "pools": len(plan.pools),
        "contributions": len(plan.contributions),
        "schemes": len(plan.schemes),
        "pooled_by_year": {y: f"{v:.2f}" for y, v in by_year.items()},
    }


def _plan_from(ctx: typer.Context, target: str, version: int | None) -> Plan:
    """A plan from a JSON file when ``target`` is a path that exists or ends in .json, otherwise a stored
    plan's version (the same rule as ``carepool check``)."""
    path = Path(target)
    if path.exists() or target.lower().endswith(".json"):
        return read_plan(path)
    try:
        return stored_plan(session_of(ctx).db(), target, version)[1]
    except NotFound:
        raise NotFound(f"{target!r} is neither a file nor the id of a stored plan") from None


@template_app.command("export")
def template_export(
    ctx: typer.Context,
    plan: Annotated[
        str, typer.Argument(metavar="PLAN", help="a plan exchange file (JSON) or the id of a stored plan")
    ],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="the .xlsx file to write")],
    version: Annotated[
        int | None, typer.Option("--version", help="stored plans: a version number; default the latest")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a plan as an Excel planning template (inputs yellow, checklist, drop-downs)."""
    try:
        plan_doc = _plan_from(ctx, plan, version)
        write_plan_workbook(plan_doc, out_file)
    except InputRejected as exc:
        raise _refuse(exc, as_json, "The template was not written") from None
    if as_json:
        _emit({"ok": True, "plan": plan_doc.id, "sha256": content_hash(plan_doc), "out": str(out_file)})
    else:
        err.print(f"Wrote the template for {plan_doc.id} to {out_file}")


@template_app.command("import")
def template_import(
    file: Annotated[Path, typer.Argument(help="a filled .xlsx planning template")],
    out_file: Annotated[
        Path | None, typer.Option("--out", "-o", help="write the plan exchange JSON here")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Read a filled template into a plan. All or nothing: any problem and nothing is written."""
    try:
        plan = read_plan_file(file)
    except InputRejected as exc:
        raise _refuse(exc, as_json, f"{file.name} was refused; nothing was written") from None
    if out_file is not None:
        try:
            out_file.write_text(pretty_json(plan), encoding="utf-8")
        except OSError as exc:
            problem = Problem("file", str(out_file), f"cannot write the file: {exc.strerror}")
            raise _refuse(InputRejected([problem]), as_json, "The plan was not written") from None
    summary = plan_summary(plan)
    if as_json:
        _emit({"ok": True, **summary, "out": None if out_file is None else str(out_file)})
        return
    out.print(f"[bold]{summary['plan']}[/bold] — {summary['title']} ({summary['policy']}, {summary['area']})")
    out.print(
        f"{summary['pools']} pool(s), {summary['contributions']} contribution(s), {summary['schemes']} scheme(s)"
    )
    for year, total in summary["pooled_by_year"].items():
        out.print(f"  pooled {year}: {fmt_pounds(Decimal(total))}")
    out.print(f"sha256 {summary['sha256']}" + (f"; written to {out_file}" if out_file else ""))


@returns_app.command("export")
def returns_export(
    ctx: typer.Context,
    plan_file: Annotated[
        str,
        typer.Argument(metavar="PLAN", help="the plan exchange file (JSON) or the id of a stored plan"),
    ],
    quarter: Annotated[str, typer.Option("--quarter", "-q", help="e.g. 2015-16 Q2")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="the .xlsx file to write")],
    as_json: JsonOpt = False,
) -> None:
    """Write a quarterly return pre-filled from a plan (schemes, planned spend, metrics due, conditions);
    a stored plan's latest version, whose hash the return then names."""
    try:
        plan = _plan_from(ctx, plan_file, None)
        try:
            ret = return_for_quarter(plan, quarter)
        except ValidationError as exc:
            raise InputRejected(problems_from_validation(exc)) from None
        write_return_workbook(ret, out_file)
    except InputRejected as exc:
        raise _refuse(exc, as_json, "The return was not written") from None
    if as_json:
        _emit({"ok": True, "plan": plan.id, "quarter": ret.quarter, "out": str(out_file)})
    else:
        err.print(f"Wrote the {ret.quarter} return for {plan.id} to {out_file}")


@returns_app.command("import")
def returns_import(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="a folder of filled .xlsx templates")],
    summary: Annotated[
        Path | None, typer.Option("--summary", help="write the per-file outcome as CSV here")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import every workbook in a folder into the database: quarterly returns are recorded against their
    stored plans, planning templates imported as plan versions, every file kept as received. One bad
    file never stops or changes the others."""
    s = session_of(ctx)
    try:
        report = import_folder_to_store(s.db(), folder, s.actor, summary_csv=summary, progress=not as_json)
    except InputRejected as exc:
        raise _refuse(exc, as_json, "The folder could not be read") from None
    _print_report(report, as_json)
    if report.rejected:
        raise typer.Exit(1)


def _print_report(report: BulkReport, as_json: bool) -> None:
    if as_json:
        _emit(report.to_dict())
        return
    table = Table(title=Text(f"{report.imported} imported, {report.rejected} rejected"))
    for name in ("file", "outcome", "kind", "plan", "quarter", "problems"):
        table.add_column(name, no_wrap=name != "problems")
    for o in report.outcomes:
        cells = (o.file, o.outcome, o.kind, o.plan_id, o.quarter, o.reasons(limit=3))
        table.add_row(*(Text(c) for c in cells))
    out.print(table)
    if report.summary_csv is not None:
        out.print(f"Summary written to {report.summary_csv}")
