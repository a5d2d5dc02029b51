"""Submitting a version (area editors; refused while errors remain) and signing it (signatories and the
HWB chair, each for their own organisation; the signature binds to the version's hash)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from carepool.problems import InputRejected
from carepool.services.checks import check_stored
from carepool.services.errors import Conflict
from carepool.services.permissions import Action, PlanScope, signs_for
from carepool.services.plans import show_plan
from carepool.services.workflow import sign as sign_version
from carepool.services.workflow import submit as submit_version
from carepool.web.sections import field_link
from carepool.web.security import me, requires
from carepool.web.state import state

bp = Blueprint("signoff", __name__)


@bp.route("/plans/<plan_id>/submit", methods=["GET", "POST"])
@requires(Action.SUBMIT_PLAN)
def submit(plan_id: str) -> Response | str | tuple[str, int]:
    db = state().db
    detail = show_plan(db, plan_id)
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        try:
            result = submit_version(
                db, plan_id, actor=me().actor, expected=request.form.get("sha256") or None
            )
        except (Conflict, InputRejected) as refused:
            errors = [{"text": p.message, "href": ""} for p in refused.problems]
        else:
            if result.submitted:
                flash(f"Version {result.version} submitted. Signatories can now sign it.")
                return redirect(url_for("plans.overview", plan_id=plan_id))
            errors = [
                {"text": f"{f.code}: {f.message}", "href": field_link(plan_id, f.location)}
                for f in result.findings
                if f.severity.value == "error"
            ]
    report = check_stored(db, plan_id)
    page = render_template(
        "submit.html", title=f"Submit – {detail.summary.title}", plan=detail, report=report, errors=errors
    )
    return (page, 409) if errors else page


@bp.route("/plans/<plan_id>/sign", methods=["GET", "POST"])
@requires(Action.SIGN_PLAN)
def sign(plan_id: str) -> Response | str | tuple[str, int]:
    db = state().db
    scope: PlanScope = g.plan_scope
    who = me()
    detail = show_plan(db, plan_id)
    mine = [o for o in signs_for(who.assignments, scope) if o in {s["signs_for"] for s in detail.signatories}]
    errors: list[dict[str, str]] = []
    form = {"name": who.display_name, "role": "", "organisation": mine[0] if mine else ""}
    if request.method == "POST":
        form = {k: request.form.get(k, "").strip() for k in ("name", "role", "organisation")}
        if not form["organisation"]:
            errors.append({"text": "Select who you are signing for", "href": "#organisation-1"})
        elif form["organisation"] not in mine:
            abort(403)  # signing for someone else's organisation is never offered, so this is tampering
        if not form["name"]:
            errors.append({"text": "Enter your full name", "href": "#name"})
        if not form["role"]:
            errors.append(
                {
                    "text": "Enter your role, for example Chair of the Health and Wellbeing Board",
                    "href": "#role",
                }
            )
        if not errors:
            try:
                sign_version(
                    db,
                    plan_id,
                    name=form["name"],
                    role=form["role"],
                    organisation=form["organisation"],
                    actor=who.actor,
                    expected=request.form.get("sha256", ""),
                )
            except (Conflict, InputRejected) as refused:
                errors = [{"text": p.message, "href": ""} for p in refused.problems]
            else:
                flash(f"Signed version {detail.summary.version} for {form['organisation']}.")
                return redirect(url_for("plans.overview", plan_id=plan_id))
    page = render_template(
        "sign.html", title=f"Sign – {detail.summary.title}", plan=detail, mine=mine, form=form, errors=errors
    )
    return (page, 409 if request.method == "POST" else 200) if errors else page
