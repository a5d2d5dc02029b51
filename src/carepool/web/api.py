"""JSON API, version 1: the same services and the same permissions as the pages (session sign-in).

Reads are GETs. Every call that changes something is a POST with a JSON body and the session's CSRF
token in the ``X-CSRFToken`` header (``GET /api/v1/csrf-token``); each names the version it acts on, so
a plan that moved on since is refused (409) rather than overwritten. Refusals have one shape
(``carepool.web.jsonerrors``) and mean nothing was written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, Response, g, jsonify, url_for
from werkzeug.wrappers import Response as WerkzeugResponse

from carepool.io.plan_json import parse_plan_data
from carepool.problems import InputRejected, NotFound, Problem
from carepool.services.assurance import (
    KLOES,
    ConditionInput,
    assurance_view,
    clear_condition,
    record_assurance,
)
from carepool.services.checks import check_stored
from carepool.services.errors import Conflict
from carepool.services.permissions import Action, PlanScope, allowed, signs_for
from carepool.services.plans import diff_versions, export_plan
from carepool.services.portfolio import visible
from carepool.services.workflow import save_draft
from carepool.services.workflow import sign as sign_version
from carepool.services.workflow import submit as submit_version
from carepool.web.apibody import Body, kind_of, read_object
from carepool.web.assurance import ASSURE
from carepool.web.csrf import token
from carepool.web.jsonerrors import CHECKS_FAILED, ApiError, answer
from carepool.web.openapi import document
from carepool.web.security import me, public, requires
from carepool.web.state import state

bp = Blueprint("api", __name__, url_prefix="/api/v1")
NAME_MAX = 200  # a signatory's name or role


@bp.errorhandler(ApiError)
def _refused(error: ApiError) -> WerkzeugResponse:
    return answer(error)


def _within(prefix: str, problems: Sequence[Problem]) -> list[Problem]:
    """Problems about a plan document, placed inside the request body (``document.schemes[0].name``)."""
    return [
        Problem(p.stage, f"{prefix}.{p.location}" if p.location else prefix, p.message, p.found, p.expected)
        for p in problems
    ]


def _refusal(refused: Conflict | InputRejected, what: str, version_field: str = "version") -> ApiError:
    """A service's refusal as an API error: 409 when the plan or its state moved on, 422 for bad input.
    The services call the version a caller names ``based_on``; the body may call it ``version``."""
    problems = [
        Problem(
            p.stage, version_field if p.location == "based_on" else p.location, p.message, p.found, p.expected
        )
        for p in refused.problems
    ]
    if isinstance(refused, Conflict):
        return ApiError(
            409,
            f"{what} was refused: the plan is not in the state you expected; nothing was written",
            problems,
        )
    return ApiError(422, f"{what} was refused; nothing was written", problems)


# --- reading ----------------------------------------------------------------------------------------


@bp.route("/openapi.json")
@public
def openapi() -> Response:
    return jsonify(document())


@bp.route("/csrf-token")
@public
def csrf_token() -> Response:
    response = jsonify({"csrf_token": token(), "header": "X-CSRFToken"})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/plans")
@requires(Action.SIGNED_IN)
def plans() -> Response:
    roles = me().assignments
    mine = visible(state().db, lambda scope: allowed(roles, Action.VIEW_PLAN, scope))
    return jsonify({"plans": [e.summary.to_dict() for e in mine]})


def _plan_document(plan_id: str, number: int | None) -> Response:
    try:
        exported = export_plan(state().db, plan_id, number, canonical=True)
    except NotFound:
        raise ApiError(404, f"plan {plan_id} has no version {number}") from None
    return jsonify(
        {
            "plan": exported.plan_id,
            "version": exported.version,
            "sha256": exported.sha256,
            "document": json.loads(exported.text),
        }
    )


@bp.route("/plans/<plan_id>")
@requires(Action.VIEW_PLAN)
def plan(plan_id: str) -> Response:
    return _plan_document(plan_id, None)


@bp.route("/plans/<plan_id>/versions/<int:number>")
@requires(Action.VIEW_PLAN)
def version(plan_id: str, number: int) -> Response:
    return _plan_document(plan_id, number)


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


# --- changing ---------------------------------------------------------------------------------------


@bp.route("/plans/<plan_id>/versions", methods=["POST"])
@requires(Action.EDIT_PLAN)
def save(plan_id: str) -> tuple[Response, int]:
    """A new draft: the whole plan document, built on the version the caller read (``based_on``)."""
    body = read_object({"based_on", "document"})
    based_on = body.version("based_on")
    data = body.mapping("document")
    body.done()
    assert based_on is not None and data is not None
    db = state().db
    try:
        edited = parse_plan_data(data)
    except InputRejected as refused:
        raise ApiError(
            422, "the plan document was refused; nothing was written", _within("document", refused.problems)
        ) from None
    except RecursionError:
        raise ApiError(
            400,
            "the plan document is nested too deeply",
            [Problem("format", "document", "nested too deeply")],
        ) from None
    if edited.id != plan_id:
        problem = Problem(
            "reference",
            "document.id",
            "the document is another plan; a plan's id never changes",
            edited.id,
            plan_id,
        )
        raise ApiError(422, "the plan document was refused; nothing was written", [problem])
    try:
        saved = save_draft(db, edited, based_on=based_on, actor=me().actor)
    except Conflict as refused:
        raise _refusal(refused, "the save", "based_on") from None
    except InputRejected as refused:
        placed = [p if p.location == "based_on" else _within("document", [p])[0] for p in refused.problems]
        raise ApiError(422, "the save was refused; nothing was written", placed) from None
    report = check_stored(db, plan_id, saved.number)
    result: dict[str, Any] = {
        **saved.to_dict(),
        "based_on": saved.number if saved.result == "unchanged" else saved.number - 1,
        "changes": [],
        "checks": {"ok": report.ok, "counts": report.counts()},
    }
    if saved.result == "unchanged":
        return jsonify(result), 200
    result["changes"] = [
        c.to_dict() for c in diff_versions(db, plan_id, saved.number - 1, saved.number).changes
    ]
    response = jsonify(result)
    response.headers["Location"] = url_for("api.version", plan_id=plan_id, number=saved.number)
    return response, 201


@bp.route("/plans/<plan_id>/submit", methods=["POST"])
@requires(Action.SUBMIT_PLAN)
def submit(plan_id: str) -> Response:
    """Submit the latest version (named by ``version``); refused while the checks report errors."""
    body = read_object({"version"})
    expected = body.version("version")
    body.done()
    try:
        result = submit_version(state().db, plan_id, actor=me().actor, expected=expected)
    except (Conflict, InputRejected) as refused:
        raise _refusal(refused, "the submission") from None
    if not result.submitted:
        errors = [
            Problem("check", f.location, f"{f.code}: {f.message}", f.found, f.expected)
            for f in result.findings
            if f.severity.value == "error"
        ]
        message = f"version {result.version} has {len(errors)} error(s) in its checks; fix them, then submit. Nothing was written"
        raise ApiError(409, message, errors, CHECKS_FAILED)
    return jsonify(result.to_dict())


@bp.route("/plans/<plan_id>/sign", methods=["POST"])
@requires(Action.SIGN_PLAN)
def sign(plan_id: str) -> Response:
    """Sign the latest, submitted version for an organisation the signed-in person signs for."""
    who = me()
    scope: PlanScope = g.plan_scope
    mine = signs_for(who.assignments, scope)
    body = read_object({"version", "organisation", "name", "role"})
    expected = body.version("version")
    organisation = body.text("organisation", limit=NAME_MAX)
    name = body.text("name", limit=NAME_MAX)
    role = body.text("role", required=True, limit=NAME_MAX)
    if organisation is None and "organisation" not in body.data and len(mine) > 1:
        body.problems.append(
            Problem(
                "format", "organisation", "say which organisation you sign for", "nothing", ", ".join(mine)
            )
        )
    body.done()
    assert expected is not None and role is not None
    organisation = organisation if organisation is not None else mine[0]
    if organisation not in mine:
        problem = Problem(
            "permission",
            "organisation",
            "you do not sign for this organisation",
            organisation,
            ", ".join(mine),
        )
        raise ApiError(403, "you may sign only for your own organisation; nothing was written", [problem])
    try:
        status = sign_version(
            state().db,
            plan_id,
            name=name if name is not None else who.display_name,
            role=role,
            organisation=organisation,
            actor=who.actor,
            expected=expected,
        )
    except (Conflict, InputRejected) as refused:
        raise _refusal(refused, "the signature") from None
    return jsonify({"plan": plan_id, "organisation": organisation, "status": status.to_dict()})


_CONDITION_AT = re.compile(r"^conditions\[(\d+)\]")


def _zero_based(problems: Sequence[Problem]) -> list[Problem]:
    """The assurance service counts conditions from 1 (as the form shows them); JSON lists count from 0."""

    def place(location: str) -> str:
        return _CONDITION_AT.sub(lambda m: f"conditions[{int(m.group(1)) - 1}]", location)

    return [Problem(p.stage, place(p.location), p.message, p.found, p.expected) for p in problems]


@bp.route("/plans/<plan_id>/assurance", methods=["POST"])
@requires(ASSURE)
def record(plan_id: str) -> Response:
    """Record the assurance decision on the latest, submitted version."""
    body = read_object({"version", "category", "notes", "conditions"})
    expected = body.version("version")
    category = body.text("category", required=True, limit=NAME_MAX)
    notes_in = body.mapping("notes")
    notes: dict[str, str] = {}
    for key, text in (notes_in or {}).items():
        if isinstance(text, str):
            notes[str(key)] = text
        else:
            body.problems.append(Problem("format", f"notes.{key}", "must be text", kind_of(text), "text"))
    conditions: list[ConditionInput] = []
    for i, item in enumerate(body.items("conditions") or []):
        if not isinstance(item, dict):
            expected = 'an object {"text": ..., "due": "YYYY-MM-DD"}'
            body.problems.append(
                Problem("format", f"conditions[{i}]", "must be an object", kind_of(item), expected)
            )
            continue
        row = Body(item, prefix=f"conditions[{i}].")
        text, due = row.text("text", required=True), row.day("due")
        unknown = sorted(set(item) - {"text", "due"})
        row.problems += [
            Problem("format", f"conditions[{i}].{k}", "unknown field", k, "text, due") for k in unknown
        ]
        body.problems += row.problems
        if text is not None and due is not None:
            conditions.append(ConditionInput(text, due))
    body.done()
    assert category is not None and expected is not None
    try:
        status = record_assurance(
            state().db,
            plan_id,
            category=category,
            notes=notes,
            conditions=conditions,
            actor=me().actor,
            by=me().assignments,
            expected=expected,
        )
    except (Conflict, InputRejected) as refused:
        error = _refusal(refused, "the assurance decision")
        raise ApiError(error.status, error.message, _zero_based(error.problems)) from None
    return jsonify({"plan": plan_id, "status": status.to_dict()})


@bp.route("/plans/<plan_id>/assurance/conditions/<int:number>/clear", methods=["POST"])
@requires(ASSURE)
def clear(plan_id: str, number: int) -> Response:
    """Record that condition ``number`` (as numbered in the decision, from 1) has been met."""
    body = read_object({"note"})
    note = body.text("note")
    body.done()
    try:
        status = clear_condition(
            state().db, plan_id, number, actor=me().actor, by=me().assignments, note=note or ""
        )
    except (Conflict, InputRejected) as refused:
        raise _refusal(refused, "clearing the condition") from None
    return jsonify({"plan": plan_id, "condition": number, "status": status.to_dict()})
