"""Command line: a thin face over the services. Every reporting command takes --json."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from carepool.io.plan_json import read_plan
from carepool.model import Plan
from carepool.policy import PackError, list_packs, load_pack
from carepool.problems import InputRejected, NotFound, Problem
from carepool.rules import has_errors, run_checks

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__, pretty_exceptions_enable=False)
policy_app = typer.Typer(no_args_is_help=True, help="Policy packs (one per policy year).")
schema_app = typer.Typer(no_args_is_help=True, help="Published JSON Schemas.")
app.add_typer(policy_app, name="policy")
app.add_typer(schema_app, name="schema")

out = Console()
err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def report_problems(problems: list[Problem], as_json: bool) -> None:
    if as_json:
        emit_json({"ok": False, "problems": [p.to_dict() for p in problems]})
        return
    table = Table(title="The input was refused; nothing was written", show_lines=False)
    for column in ("where", "problem", "found", "expected"):
        table.add_column(column)
    for p in problems:
        table.add_row(p.location or "(file)", p.message, p.found, p.expected)
    err.print(table)


@policy_app.command("list")
def policy_list(as_json: JsonOpt = False) -> None:
    """List the policy packs shipped with carepool."""
    packs = [load_pack(pid) for pid in list_packs()]
    if as_json:
        emit_json([{"id": p.id, "title": p.title, "years": p.years, "published": p.published} for p in packs])
        return
    table = Table("id", "title", "years", "published")
    for p in packs:
        table.add_row(p.id, p.title, ", ".join(p.years), p.published)
    out.print(table)


@policy_app.command("show")
def policy_show(pack_id: str, as_json: JsonOpt = False) -> None:
    """Show one policy pack: streams, conditions, metrics, performance rules, with sources."""
    pack = load_pack(pack_id)
    if as_json:
        emit_json(pack.model_dump(mode="json"))
        return
    out.print(f"[bold]{pack.title}[/bold] ({pack.id}) — {pack.summary}")
    streams = Table("stream", "name", "national amount", "confidence", title="Funding streams")
    for s in pack.funding_streams:
        amount = f"£{s.national_amount.value:,.0f}" if s.national_amount else "—"
        streams.add_row(s.code, s.name, amount, s.national_amount.confidence if s.national_amount else "")
    out.print(streams)
    conditions = Table("id", "condition", title="National conditions")
    for c in pack.national_conditions:
        conditions.add_row(c.id, c.title)
    out.print(conditions)
    metrics = Table("id", "metric", "direction", "pays", title="Metrics")
    for m in pack.metrics:
        metrics.add_row(m.id, m.name, m.direction, "yes" if m.pays else "")
    out.print(metrics)
    out.print(f"Performance mechanism: [bold]{pack.performance.mechanism}[/bold]")


@schema_app.command("plan")
def schema_plan() -> None:
    """Print the JSON Schema of the plan exchange format."""
    emit_json(Plan.model_json_schema())


@app.command("check")
def check_file(
    file: Path,
    as_json: JsonOpt = False,
) -> None:
    """Check a plan file. Exit 0 = no errors, 1 = errors, 2 = unreadable."""
    plan = read_plan(file)
    findings = run_checks(plan, load_pack(plan.policy))
    if as_json:
        emit_json(
            {"plan": plan.id, "findings": [f.to_dict() for f in findings], "ok": not has_errors(findings)}
        )
    else:
        table = Table("severity", "code", "where", "message", title=f"Checks for {plan.title}")
        for f in findings:
            table.add_row(f.severity.value, f.code, f.location, f.message)
        out.print(table if findings else "[green]No findings: the plan passes every check.[/green]")
    raise typer.Exit(1 if has_errors(findings) else 0)


def main() -> None:
    """Entry point: known failures become clear messages and exit code 2, never a stack trace."""
    as_json = "--json" in sys.argv
    try:
        app(standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except InputRejected as exc:
        report_problems(exc.problems, as_json)
        sys.exit(2)
    except (PackError, NotFound) as exc:
        report_problems([Problem("reference", "", str(exc))], as_json)
        sys.exit(2)
    except Exception as exc:  # the last line of defence: a message, never a trace
        if isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        err.print(f"[red]carepool failed unexpectedly:[/red] {type(exc).__name__}: {exc}")
        sys.exit(3)
