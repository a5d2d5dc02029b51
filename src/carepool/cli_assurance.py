"""`carepool assure ...`: record an assurance decision on a stored plan's submitted version, clear its
conditions, and show the outcome. The same services as the web pages (``carepool.services.assurance``).

Mounted by the main CLI as ``assure``. Refusals are raised (``InputRejected``, ``Conflict``,
``NotFound``); the main CLI prints them and exits non-zero, with JSON under --json. The CLI acts as the
local operator of the database (as ``carepool plan sign`` does): it names the actor for the audit trail
with ``--as``, and no web role applies.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from carepool.cli_context import session_of
from carepool.problems import InputRejected, Problem
from carepool.services.assurance import (
    KLOES,
    ConditionInput,
    assurance_view,
    clear_condition,
    record_assurance,
)
from carepool.services.status import Assurance, PlanStatus

assurance_app = typer.Typer(
    no_args_is_help=True, help="Assurance: record a decision on a submitted version, clear its conditions."
)
out = Console()

JsonOpt = Annotated[bool, typer.Option("--json", help="print machine-readable JSON")]
PlanId = Annotated[str, typer.Argument(help="plan id, as shown by `carepool plan list`")]


def emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def parse_kloe(values: list[str]) -> dict[str, str]:
    """``ID=TEXT`` pairs; the ids are the key lines of enquiry (see ``carepool assure lines``)."""
    notes: dict[str, str] = {}
    problems = []
    for i, value in enumerate(values, start=1):
        kloe, sep, text = value.partition("=")
        if not sep:
            problems.append(
                Problem("reference", f"--kloe[{i}]", "write ID=TEXT", value, "e.g. finance=Totals reconcile")
            )
        else:
            key = kloe.strip()
            notes[key] = f"{notes[key]}\n{text}" if key in notes else text  # a repeated id adds a line
    if problems:
        raise InputRejected(problems)
    return notes


def parse_condition(values: list[str]) -> list[ConditionInput]:
    """``TEXT|YYYY-MM-DD`` pairs."""
    found: list[ConditionInput] = []
    problems = []
    for i, value in enumerate(values, start=1):
        text, sep, due = value.rpartition("|")
        try:
            when = date.fromisoformat(due.strip()) if sep else None
        except ValueError:
            when = None
        if when is None:
            problems.append(
                Problem(
                    "reference",
                    f"--condition[{i}]",
                    "write TEXT|YYYY-MM-DD with a real date",
                    value,
                    "e.g. Sign the s75 agreement|2015-01-09",
                )
            )
        else:
            found.append(ConditionInput(text, when))
    if problems:
        raise InputRejected(problems)
    return found


def print_assurance(plan_id: str, status: PlanStatus) -> None:
    a = status.assurance
    out.print(Text(f"{plan_id} version {status.version}: {status.label}"))
    if a is None:
        return
    print_decision(a)


def print_decision(a: Assurance) -> None:
    out.print(
        Text(f"decided {a.at:%Y-%m-%d %H:%M} UTC by {a.actor} on version {a.version} ({a.sha256[:12]})")
    )
    notes = Table(title=Text("Notes by key line of enquiry"))
    notes.add_column("line of enquiry", no_wrap=True)
    notes.add_column("notes")
    for kloe, text in a.notes.items():
        notes.add_row(Text(KLOES.get(kloe, kloe)), Text(text))
    out.print(notes)
    if a.conditions:
        t = Table(title=Text("Conditions"))
        for name in ("no.", "condition", "due", "state"):
            t.add_column(name, no_wrap=name != "condition")
        for c in a.conditions:
            state = "open" if c.open else f"cleared by {c.cleared_by}"
            t.add_row(str(c.number), Text(c.text), c.due.isoformat(), Text(state))
        out.print(t)


@assurance_app.command("record")
def record_cmd(
    ctx: typer.Context,
    plan_id: PlanId,
    category: Annotated[str, typer.Option("--category", help="a category of the plan's policy pack")],
    kloe: Annotated[
        list[str] | None, typer.Option("--kloe", help="notes for a key line of enquiry: ID=TEXT (repeat)")
    ] = None,
    condition: Annotated[
        list[str] | None, typer.Option("--condition", help="a condition to clear: TEXT|YYYY-MM-DD (repeat)")
    ] = None,
    expected: Annotated[
        str | None, typer.Option("--expect", help="the version number or hash you reviewed")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record the assurance decision on the latest, submitted version (bound to its hash)."""
    s = session_of(ctx)
    notes = parse_kloe(kloe or [])
    conditions = parse_condition(condition or [])
    status = record_assurance(
        s.db(),
        plan_id,
        category=category.strip().replace(" ", "_").lower(),
        notes=notes,
        conditions=conditions,
        actor=s.actor,
        by=None,
        expected=expected,
    )
    if as_json:
        emit_json({"ok": True, "plan": plan_id, **status.to_dict()})
    else:
        print_assurance(plan_id, status)


@assurance_app.command("clear")
def clear_cmd(
    ctx: typer.Context,
    plan_id: PlanId,
    number: Annotated[int, typer.Argument(min=1, help="the condition's number")],
    note: Annotated[str, typer.Option("--note", help="how the condition was met")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Record that a condition of the current decision has been met."""
    s = session_of(ctx)
    status = clear_condition(s.db(), plan_id, number, actor=s.actor, by=None, note=note)
    if as_json:
        emit_json({"ok": True, "plan": plan_id, **status.to_dict()})
    else:
        print_assurance(plan_id, status)


@assurance_app.command("show")
def show_cmd(ctx: typer.Context, plan_id: PlanId, as_json: JsonOpt = False) -> None:
    """The plan's assurance: the current decision and every earlier round."""
    view = assurance_view(session_of(ctx).db(), plan_id)
    if as_json:
        emit_json(
            {
                "plan": plan_id,
                "status": view.status.to_dict(),
                "categories": view.categories,
                "history": [a.to_dict() for a in view.history],
            }
        )
        return
    print_assurance(plan_id, view.status)
    earlier = [a for a in view.history if a is not view.current and a != view.current]
    for a in earlier:
        out.print(Text(f"earlier round, version {a.version}: {a.label}"))


@assurance_app.command("lines")
def lines_cmd(as_json: JsonOpt = False) -> None:
    """The key lines of enquiry that notes may be written against (ids for --kloe)."""
    if as_json:
        emit_json([{"id": k, "label": v} for k, v in KLOES.items()])
        return
    t = Table(title=Text("Key lines of enquiry (rules.md §6.3)"))
    t.add_column("id", no_wrap=True)
    t.add_column("line of enquiry")
    for k, v in KLOES.items():
        t.add_row(k, v)
    out.print(t)
