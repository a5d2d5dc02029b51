"""JSON API, version 1: the same services and the same permissions as the pages (session sign-in)."""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify

from carepool.services.assurance import KLOES, assurance_view
from carepool.services.checks import check_stored
from carepool.services.permissions import Action, allowed
from carepool.services.plans import export_plan
from carepool.services.portfolio import visible
from carepool.web.openapi import document
from carepool.web.security import me, public, requires
from carepool.web.state import state

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(document())


@bp.route("/plans")
@requires(Action.SIGNED_IN)
def plans() -> Response:
    roles = me().assignments
    mine = visible(state().db, lambda scope: allowed(roles, Action.VIEW_PLAN, scope))
    return jsonify({"plans": [e.summary.to_dict() for e in mine]})


@bp.route("/plans/<plan_id>")
@requires(Action.VIEW_PLAN)
def plan(plan_id: str) -> Response:
    exported = export_plan(state().db, plan_id, canonical=True)
    return jsonify(
        {
            "plan": exported.plan_id,
            "version": exported.version,
            "sha256": exported.sha256,
            "document": json.loads(exported.text),
        }
    )


@bp.route("/plans/<plan_id>/checks")
@requires(Action.VIEW_PLAN)
def checks(plan_id: str) -> Response:
    return jsonify(check_stored(state().db, plan_id).to_dict())


@bp.route("/plans/<plan_id>/assurance")
@requires(Action.VIEW_PLAN)
def assurance(plan_id: str) -> Response:
    view = assurance_view(state().db, plan_id)
    return jsonify(
        {
            "plan": plan_id,
            "state": view.status.state,
            "status": view.status.label,
            "current": view.current.to_dict() if view.current else None,
            "history": [a.to_dict() for a in view.history],
            "categories": view.categories,
            "lines_of_enquiry": KLOES,
        }
    )
