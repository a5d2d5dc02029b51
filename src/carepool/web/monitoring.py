"""A plan's quarterly monitoring: the returns received, the year's position with its charts, a return's
upload (the plan's area editors) and the pre-filled return template for a quarter.

The page reads the stored position through ``services.returns``; the upload goes through the same
``record_return_bytes`` the CLI uses, so the same checks refuse the same files. A refused upload shows
every problem (sheet and cell for a workbook) in a GOV.UK error summary and a table; nothing is recorded,
and the file is kept as a refused upload for support to reproduce.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from carepool.money import fmt_pounds
from carepool.monitoring.views import settlement_lines
from carepool.problems import InputRejected, Problem
from carepool.reports.monitoring import monitoring_figures
from carepool.services.errors import Conflict, ImportRejected
from carepool.services.permissions import Action, PlanScope, allowed
from carepool.services.plans import show_plan
from carepool.services.returns import (
    MonitoringPosition,
    StoredReturn,
    admissions_outlook,
    list_returns,
    plan_quarters,
    record_return_bytes,
    return_template,
    stored_position,
)
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("monitoring", __name__)
bp.add_app_template_filter(fmt_pounds, "pounds")
bp.add_app_template_filter(settlement_lines, "settlement_lines")

FIELD = "return-file"  # the file input's id, where every error summary link points
YEAR = re.compile(r"^\d{4}-\d{2}$")
SHOWN = 10  # problems listed in the error summary; the table below lists them all


def _page(plan_id: str, year: str | None, problems: list[Problem], upload_id: int | None = None) -> str:
    db = state().db
    detail = show_plan(db, plan_id)
    received = list(reversed(list_returns(db, plan_id)))
    counted = {(r.quarter, r.revision) for r in _latest(received)}
    try:
        found = stored_position(db, plan_id, year)
        position_problem = ""
    except InputRejected as exc:  # stored returns that no longer fit the plan: say so, never a trace
        found, position_problem = None, "; ".join(str(p) for p in exc.problems)
    figures, outlook, note = None, None, ""
    if found is not None:
        outlook, note = admissions_outlook(found)
        figures = monitoring_figures(found.position, found.pack, outlook)
    quarters = plan_quarters(db, plan_id)
    scope: PlanScope = g.plan_scope
    errors = [{"text": str(p), "href": f"#{FIELD}"} for p in problems[:SHOWN]]
    if len(problems) > SHOWN:
        errors.append(
            {"text": f"and {len(problems) - SHOWN} more problems: see the table below", "href": "#problems"}
        )
    return render_template(
        "monitoring/index.html",
        title=f"Quarterly monitoring – {detail.summary.title}",
        plan=detail,
        received=received,
        counted=counted,
        found=found,
        position_problem=position_problem,
        figures=figures,
        outlook=outlook,
        outlook_note=note,
        quarters=quarters,
        next_quarter=_next_quarter(found, quarters),
        can_upload=allowed(me().assignments, Action.EDIT_PLAN, scope),
        errors=errors,
        problems=problems,
        upload_id=upload_id,
        field=FIELD,
    )


def _latest(received: list[StoredReturn]) -> list[StoredReturn]:
    newest: dict[str, StoredReturn] = {}
    for r in sorted(received, key=lambda r: (r.quarter, r.revision)):
        newest[r.quarter] = r
    return list(newest.values())


def _next_quarter(found: MonitoringPosition | None, quarters: list[str]) -> str:
    """The quarter whose template people most likely want: the one after the latest reported."""
    if found is None or not found.position.quarters:
        return quarters[-4] if len(quarters) >= 4 else quarters[0]
    latest = found.position.quarters[-1]
    later = [q for q in quarters if q > latest]
    return later[0] if later else latest


def _year_arg() -> str | None:
    year = request.args.get("year", "").strip()
    return year if YEAR.match(year) else None


@bp.route("/plans/<plan_id>/monitoring")
@requires(Action.VIEW_PLAN)
def show(plan_id: str) -> str:
    return _page(plan_id, _year_arg(), [])


@bp.route("/plans/<plan_id>/monitoring/returns", methods=["POST"])
@requires(Action.EDIT_PLAN)
def upload(plan_id: str) -> BaseResponse | tuple[str, int]:
    storage = request.files.get("return_file")
    name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1] if storage else ""
    if storage is None or not name:
        problem = Problem("file", "", "Select the filled return template (.xlsx) or a return file (.json)")
        return _page(plan_id, None, [problem]), 400
    raw = storage.read()
    try:
        recorded = record_return_bytes(state().db, raw, name, me().actor, plan_id)
    except ImportRejected as refused:
        return _page(plan_id, None, refused.problems, refused.upload_id), 400
    except Conflict as busy:
        return _page(plan_id, None, busy.problems), 409
    r = recorded.stored
    if recorded.result == "unchanged":
        flash(f"The {r.quarter} return is the same as revision {r.revision}: nothing new was recorded.")
    else:
        flash(
            f"Recorded the {r.quarter} return as revision {r.revision} (against plan version {r.plan_version})."
        )
    return redirect(url_for("monitoring.show", plan_id=plan_id, year=r.quarter.split(" ")[0]))


@bp.route("/plans/<plan_id>/monitoring/template")
@requires(Action.VIEW_PLAN)
def template(plan_id: str) -> Response:
    quarters = plan_quarters(state().db, plan_id)
    quarter = request.args.get("quarter", "").strip()
    if not quarter:
        try:
            quarter = _next_quarter(stored_position(state().db, plan_id), quarters)
        except InputRejected:
            quarter = quarters[-4]
    if quarter not in quarters:
        abort(400)
    try:
        filename, content = return_template(state().db, plan_id, quarter)
    except InputRejected:
        abort(400)
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
