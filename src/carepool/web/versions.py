"""A plan's versions with their hashes, and its timeline from the audit trail."""

from __future__ import annotations

from flask import Blueprint, render_template

from carepool.services.audit import timeline
from carepool.services.permissions import Action
from carepool.services.plans import list_versions, show_plan
from carepool.web.security import requires
from carepool.web.state import state

bp = Blueprint("versions", __name__)


@bp.route("/plans/<plan_id>/versions")
@requires(Action.VIEW_PLAN)
def index(plan_id: str) -> str:
    detail = show_plan(state().db, plan_id)
    return render_template(
        "versions.html",
        title=f"Versions – {detail.summary.title}",
        plan=detail,
        versions=list(reversed(list_versions(state().db, plan_id))),
        events=list(reversed(timeline(state().db, plan_id))),
    )
