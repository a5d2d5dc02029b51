"""The live checklist: every finding of the engine's checks on the latest version, linked to its field."""

from __future__ import annotations

from flask import Blueprint, render_template

from carepool.services.checks import check_stored
from carepool.services.permissions import Action
from carepool.web.sections import field_link
from carepool.web.security import requires
from carepool.web.state import state

bp = Blueprint("checklist", __name__)


@bp.route("/plans/<plan_id>/checklist")
@requires(Action.VIEW_PLAN)
def show(plan_id: str) -> str:
    report = check_stored(state().db, plan_id)
    rows = [(f, field_link(plan_id, f.location)) for f in report.findings]
    return render_template("checklist.html", title=f"Checklist – {report.title}", report=report, rows=rows)
