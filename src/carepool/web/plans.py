"""The plan list, a plan's overview (a task list of its sections) and each section as summary lists."""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from carepool.problems import NotFound
from carepool.services.assurance import KLOES, may_assure
from carepool.services.checks import report_of
from carepool.services.permissions import Action, PlanScope, allowed, signs_for
from carepool.services.plans import export_plan
from carepool.services.portfolio import visible
from carepool.web.fragments import body
from carepool.web.sections import EDITABLE, SECTION_PATTERN, SECTIONS, cards, section_state
from carepool.web.security import me, plan_entry, public, requires
from carepool.web.state import state

bp = Blueprint("plans", __name__)


@bp.route("/")
@public
def home() -> Response:
    return redirect(url_for("plans.index"))


@bp.route("/plans")
@requires(Action.SIGNED_IN)
def index() -> str:
    roles = me().assignments
    mine = [e.summary for e in visible(state().db, lambda scope: allowed(roles, Action.VIEW_PLAN, scope))]
    return render_template("plans/index.html", title="Plans", plans=mine)


def abilities(plan_id: str) -> dict[str, bool]:
    """What the signed-in person may do here, so pages only offer what will be allowed."""
    scope: PlanScope = g.plan_scope
    roles = me().assignments
    return {
        "edit": allowed(roles, Action.EDIT_PLAN, scope),
        "submit": allowed(roles, Action.SUBMIT_PLAN, scope),
        "sign": bool(signs_for(roles, scope)),
        "assure": may_assure(roles, scope),
    }


@bp.route("/plans/<plan_id>")
@requires(Action.VIEW_PLAN)
def overview(plan_id: str) -> str:
    entry = plan_entry(plan_id)  # kept current from the event chain: no document is read
    can = abilities(plan_id)
    # The body shows this state of the plan (its latest event), today's checks, and what this person may do.
    key = (state().db.url, entry.head, entry.version.sha256, date.today(), tuple(sorted(can.items())))
    report = report_of(entry.version)
    page = body(
        key,
        "plans/overview_body.html",
        plan=entry,
        report=report,
        sections=SECTIONS,
        states={name: section_state(name, report.findings) for name in SECTIONS},
        can=can,
        assurance_rounds=entry.history,
        kloes=KLOES,
    )
    return render_template("plans/overview.html", title=entry.summary.title, body=page)


@bp.route(f"/plans/<plan_id>/sections/<{SECTION_PATTERN}:section>")
@requires(Action.VIEW_PLAN)
def section(plan_id: str, section: str) -> str:
    try:
        exported = export_plan(state().db, plan_id, canonical=True)
    except NotFound:
        abort(404)
    document = json.loads(exported.text)
    return render_template(
        "plans/section.html",
        title=f"{SECTIONS[section]} – {document.get('title', plan_id)}",
        heading=SECTIONS[section],
        plan_id=plan_id,
        plan_title=document.get("title", plan_id),
        version=exported.version,
        cards=cards(section, document),
        editable=EDITABLE[section] if abilities(plan_id)["edit"] else None,
    )
