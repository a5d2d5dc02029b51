"""CLI face for board reports: ``carepool report PLAN --format pdf|html --out FILE``.

Mounted by the main CLI as ``app.command("report")(report)``. Reads a stored plan version through the
services; unknown plans or versions raise ``NotFound``, which the main CLI turns into a message and exit 2.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from carepool.cli_context import session_of
from carepool.policy import load_pack
from carepool.problems import InputRejected, Problem
from carepool.reports.data import Version, build_report_data
from carepool.reports.html import render_html
from carepool.reports.pdf import render_pdf
from carepool.services.plans import stored_plan
from carepool.services.returns import report_monitoring


class ReportFormat(StrEnum):
    PDF = "pdf"
    HTML = "html"


def report(
    ctx: typer.Context,
    plan_id: Annotated[str, typer.Argument(metavar="PLAN", help="the id of a stored plan")],
    out: Annotated[Path, typer.Option("--out", "-o", help="the file to write")],
    format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="pdf or html", case_sensitive=False)
    ] = ReportFormat.PDF,
    version: Annotated[
        int | None, typer.Option("--version", "-v", help="a version number; default the latest")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print machine-readable JSON")] = False,
) -> None:
    """Write a Health and Wellbeing Board paper for a stored plan: summary, minimums, funding flow, spend,
    metrics, performance money, quarterly monitoring (when returns are stored), risks, milestones and
    conditions; every chart beside its data table."""
    db = session_of(ctx).db()
    summary, plan = stored_plan(db, plan_id, version)
    pack = load_pack(plan.policy)
    monitoring = report_monitoring(db, plan_id)  # the latest year's position when returns are stored
    data = build_report_data(plan, pack, Version(summary.number, summary.status, summary.sha256), monitoring)
    content = render_pdf(data) if format is ReportFormat.PDF else render_html(data).encode("utf-8")
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InputRejected([Problem("file", str(out), f"cannot write the file: {exc.strerror}")]) from None
    result = {
        "ok": True,
        "plan": plan.id,
        "version": summary.number,
        "sha256": summary.sha256,
        "format": format.value,
        "out": str(out),
        "bytes": len(content),
    }
    if as_json:
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        sys.stderr.write(
            f"Wrote the {format.value.upper()} board report for {plan.id} v{summary.number} to {out}\n"
        )
