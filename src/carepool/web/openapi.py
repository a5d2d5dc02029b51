"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``.

Tests check that it validates, that it documents exactly the API routes Flask serves (each path and
method), and that real responses match the schemas given here.
"""

from __future__ import annotations

from typing import Any

from carepool import __version__
from carepool.web.jsonerrors import ALL_CODES

JSON = "application/json"
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
PLAN_ID = {
    "name": "plan_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "the plan's id, e.g. demo-brackenford-2015-16",
}
NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
READ_SECURITY: list[dict[str, list[str]]] = [{"session": []}]
WRITE_SECURITY: list[dict[str, list[str]]] = [
    {"session": [], "csrf": []}
]  # both: the session cookie and the X-CSRFToken header

ERRORS = {
    "400": "The body could not be read (media type aside), a field has the wrong type or is missing, or the "
    "CSRF token is missing or invalid (error csrf_failed). Nothing was written.",
    "401": "Not signed in.",
    "403": "Signed in, and may see the plan, but the role does not allow this.",
    "404": "No such plan or version, or one the signed-in person may not see (never 403, so ids cannot be "
    "probed).",
    "409": "The plan moved on since the version named (a newer version was saved, or it is already "
    "submitted, signed or assured), or (error checks_failed) its checks report errors. The problems say "
    "what changed. Nothing was written.",
    "413": "The body is larger than 2 MB. Nothing was written.",
    "415": "The body is not sent as application/json. Nothing was written.",
    "422": "The content was refused by the rules: each problem names the field path (inside the body), "
    "what was found and what was expected. Nothing was written.",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*codes: str) -> dict[str, Any]:
    return {code: {"$ref": f"#/components/responses/E{code}"} for code in codes}


def _get(summary: str, schema: dict[str, Any], params: list[dict[str, Any]]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "security": READ_SECURITY,
        "responses": {"200": _ok(schema), **_errors("401", *(("403", "404") if params else ()))},
    }
    if params:
        op["parameters"] = params
    return op


def _post(
    summary: str,
    description: str,
    request: str,
    responses: dict[str, Any],
    params: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "summary": summary,
        "description": description,
        "security": WRITE_SECURITY,
        "parameters": params,
        "requestBody": {"required": True, "content": {JSON: {"schema": _ref(request)}}},
        "responses": {**responses, **_errors("400", "401", "403", "404", "409", "413", "415", "422")},
    }


def _object(required: list[str], properties: dict[str, Any], closed: bool = False) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "required": required, "properties": properties}
    if closed:
        schema["additionalProperties"] = False
    return schema


def schemas() -> dict[str, Any]:
    obj: dict[str, Any] = {"type": "object"}
    text = {"type": "string"}
    version_ref = {
        "description": "the version acted on: its number, or its full sha256",
        "oneOf": [{"type": "integer", "minimum": 1}, SHA256],
    }
    return {
        "Problem": _object(
            ["location", "message", "found", "expected", "stage"],
            {
                "location": {
                    "type": "string",
                    "description": "a field path in the request body (document.schemes[0].name), a "
                    "header (X-CSRFToken), or a place in the plan",
                },
                "message": text,
                "found": text,
                "expected": text,
                "stage": {
                    "type": "string",
                    "description": "format, schema, reference, policy, permission, conflict, check, csrf…",
                },
            },
        ),
        "Error": _object(
            ["error", "message", "problems"],
            {
                "error": {"type": "string", "enum": list(ALL_CODES)},
                "message": text,
                "problems": {"type": "array", "items": _ref("Problem")},
            },
            closed=True,
        ),
        "PlanSummary": _object(
            ["id", "title", "area_code", "version", "sha256", "status", "state"],
            {
                "id": text,
                "title": text,
                "area_code": text,
                "area_name": text,
                "policy": text,
                "version": {"type": "integer"},
                "sha256": SHA256,
                "status": text,
                "state": {
                    "type": "string",
                    "enum": ["none", "draft", "submitted", "signed", "fully_signed", "assured"],
                },
                "updated_at": {"type": "string", "format": "date-time"},
            },
        ),
        "PlanVersion": _object(
            ["plan", "version", "sha256", "document"],
            {
                "plan": text,
                "version": {"type": "integer"},
                "sha256": SHA256,
                "document": {**obj, "description": "the plan exchange document (carepool-plan format)"},
            },
        ),
        "Finding": {
            "type": "object",
            "properties": {
                k: text for k in ("code", "severity", "message", "location", "rule", "found", "expected")
            },
        },
        "Condition": _object(
            ["number", "text", "due", "open"],
            {
                "number": {"type": "integer"},
                "text": text,
                "due": {"type": "string", "format": "date"},
                "open": {"type": "boolean"},
                "cleared_at": {"type": ["string", "null"], "format": "date-time"},
                "cleared_by": {"type": ["string", "null"]},
                "note": text,
            },
        ),
        "Assurance": _object(
            ["category", "version", "sha256", "conditions"],
            {
                "category": text,
                "label": text,
                "notes": {"type": "object", "additionalProperties": text},
                "conditions": {"type": "array", "items": _ref("Condition")},
                "open_conditions": {"type": "integer"},
                "actor": text,
                "at": {"type": "string", "format": "date-time"},
                "version": {"type": "integer"},
                "sha256": SHA256,
            },
        ),
        "Status": _object(
            ["state", "label", "version", "sha256", "signatures", "awaiting", "assurance"],
            {
                "state": text,
                "label": text,
                "version": {"type": ["integer", "null"]},
                "sha256": {"type": ["string", "null"]},
                "signatures": {
                    "type": "array",
                    "items": _object(
                        ["organisation", "name", "role", "at", "version", "sha256"],
                        {
                            "organisation": text,
                            "name": text,
                            "role": text,
                            "at": {"type": "string", "format": "date-time"},
                            "version": {"type": "integer"},
                            "sha256": SHA256,
                        },
                    ),
                },
                "awaiting": {"type": "array", "items": text},
                "assurance": {"oneOf": [_ref("Assurance"), {"type": "null"}]},
            },
        ),
        "SaveRequest": _object(
            ["based_on", "document"],
            {
                "based_on": {**version_ref, "description": "the version the document was read from"},
                "document": {
                    **obj,
                    "description": "the whole plan document, as GET /api/v1/plans/{plan_id} returns it "
                    "in `document`, with your edits; money as strings of pounds and pence",
                },
            },
            closed=True,
        ),
        "Saved": _object(
            ["plan", "version", "sha256", "result", "based_on", "changes", "checks"],
            {
                "plan": text,
                "version": {"type": "integer"},
                "sha256": SHA256,
                "result": {"type": "string", "enum": ["new_version", "unchanged"]},
                "based_on": {"type": "integer"},
                "changes": {
                    "type": "array",
                    "items": _object(["path", "old", "new"], {"path": text, "old": {}, "new": {}}),
                },
                "checks": _object(
                    ["ok", "counts"],
                    {
                        "ok": {"type": "boolean", "description": "no errors: the version may be submitted"},
                        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
                    },
                ),
            },
        ),
        "SubmitRequest": _object(["version"], {"version": version_ref}, closed=True),
        "Submitted": _object(
            ["ok", "plan", "version", "sha256", "submitted", "findings"],
            {
                "ok": {"type": "boolean"},
                "plan": text,
                "version": {"type": "integer"},
                "sha256": SHA256,
                "submitted": {"type": "boolean"},
                "findings": {"type": "array", "items": _ref("Finding")},
            },
        ),
        "SignRequest": _object(
            ["version", "role"],
            {
                "version": {
                    **version_ref,
                    "description": "the submitted version signed; the signature binds to its hash",
                },
                "organisation": {
                    "type": "string",
                    "description": "the signatory code signed for (an organisation code, or hwb); may be "
                    "left out by someone who signs for one organisation only",
                },
                "name": {"type": "string", "maxLength": 200, "description": "default: your account's name"},
                "role": {"type": "string", "maxLength": 200, "description": "e.g. Chair of the HWB"},
            },
            closed=True,
        ),
        "Signed": _object(
            ["plan", "organisation", "status"],
            {"plan": text, "organisation": text, "status": _ref("Status")},
        ),
        "AssuranceRequest": _object(
            ["version", "category", "notes"],
            {
                "version": version_ref,
                "category": {
                    "type": "string",
                    "description": "one of the plan's policy pack categories (see GET …/assurance)",
                },
                "notes": {
                    "type": "object",
                    "additionalProperties": {"type": "string", "maxLength": 5000},
                    "description": "notes per key line of enquiry; at least one",
                },
                "conditions": {
                    "type": "array",
                    "description": "only for approved_subject_to_conditions (and then at least one)",
                    "items": _object(
                        ["text", "due"],
                        {"text": text, "due": {"type": "string", "format": "date"}},
                        closed=True,
                    ),
                },
            },
            closed=True,
        ),
        "ClearRequest": _object([], {"note": {"type": "string", "maxLength": 5000}}, closed=True),
        "StatusResult": _object(["plan", "status"], {"plan": text, "status": _ref("Status")}),
        "Cleared": _object(
            ["plan", "condition", "status"],
            {"plan": text, "condition": {"type": "integer"}, "status": _ref("Status")},
        ),
    }


def document() -> dict[str, Any]:
    obj: dict[str, Any] = {"type": "object"}
    with_plan = [PLAN_ID]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "carepool API",
            "version": f"1 ({__version__})",
            "description": "Better Care Fund plans: the same services and permissions as the web pages. "
            "Sign in through POST /sign-in (a form, with its csrf_token field); the session cookie then "
            "authenticates API calls. Every call that changes something also needs the session's CSRF "
            "token in the X-CSRFToken header: get it from GET /api/v1/csrf-token after signing in (signing "
            "in starts a new session, with a new token). Over HTTPS, send a Referer header of this site "
            "too. Every write names the version it acts on and is refused (409) if the plan moved on; "
            "every refusal has the Error shape and means nothing was written.",
        },
        "paths": {
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {"200": _ok(obj)},
                }
            },
            "/api/v1/csrf-token": {
                "get": {
                    "summary": "The CSRF token of this session, for the X-CSRFToken header of every POST",
                    "security": [],
                    "responses": {
                        "200": _ok(
                            _object(
                                ["csrf_token", "header"],
                                {"csrf_token": {"type": "string"}, "header": {"const": "X-CSRFToken"}},
                            )
                        )
                    },
                }
            },
            "/api/v1/plans": {
                "get": _get(
                    "Plans the signed-in person may see",
                    _object(["plans"], {"plans": {"type": "array", "items": _ref("PlanSummary")}}),
                    [],
                )
            },
            "/api/v1/plans/{plan_id}": {
                "get": _get(
                    "A plan's latest version: its canonical document and hash", _ref("PlanVersion"), with_plan
                )
            },
            "/api/v1/plans/{plan_id}/versions/{number}": {
                "get": _get(
                    "One version of a plan: its canonical document and hash",
                    _ref("PlanVersion"),
                    [PLAN_ID, NUMBER],
                )
            },
            "/api/v1/plans/{plan_id}/versions": {
                "post": _post(
                    "Save a new draft version (area editors of the plan's area)",
                    "The whole plan document, built on the version it was read from (based_on). Refused "
                    "with 409 if another version was saved since, naming the fields it changed; with 422 "
                    "if the document breaks the plan format (each problem's location is its path, e.g. "
                    "document.contributions[0].amount). A document identical to the latest version saves "
                    "nothing (200, result unchanged). Saving on top of a submitted version reopens it: "
                    "its signatures lapse.",
                    "SaveRequest",
                    {
                        "200": _ok(_ref("Saved"), "Nothing changed: the document is the latest version"),
                        "201": {
                            **_ok(_ref("Saved"), "Saved as a new draft version; the changes field by field"),
                            "headers": {
                                "Location": {
                                    "description": "the new version, /api/v1/plans/{plan_id}/versions/{n}",
                                    "schema": {"type": "string"},
                                }
                            },
                        },
                    },
                    with_plan,
                )
            },
            "/api/v1/plans/{plan_id}/checks": {
                "get": _get(
                    "The checklist of a plan's latest version",
                    _object(
                        [],
                        {
                            "plan": {"type": "string"},
                            "ok": {"type": "boolean"},
                            "counts": obj,
                            "findings": {"type": "array", "items": _ref("Finding")},
                        },
                    ),
                    with_plan,
                )
            },
            "/api/v1/plans/{plan_id}/submit": {
                "post": _post(
                    "Submit the latest version (area editors)",
                    "Freezes the named version so signatories can sign it. Refused with 409 checks_failed "
                    "(each error finding as a problem) while the checks report errors, or 409 conflict if "
                    "the version named is not the latest or is already submitted.",
                    "SubmitRequest",
                    {"200": _ok(_ref("Submitted"), "Submitted; any warnings are listed")},
                    with_plan,
                )
            },
            "/api/v1/plans/{plan_id}/sign": {
                "post": _post(
                    "Sign the submitted version for your organisation (partner signatories, HWB chair)",
                    "The signature binds to the version's hash. 403 for an organisation you do not sign "
                    "for; 409 if the version is a draft, not the latest, or already signed for that "
                    "organisation; 422 if the organisation is not one of the plan's signatories.",
                    "SignRequest",
                    {"200": _ok(_ref("Signed"), "Signed; the plan's status after signing")},
                    with_plan,
                )
            },
            "/api/v1/plans/{plan_id}/assurance": {
                "get": _get(
                    "A plan's assurance: the decision on its latest version (if any) and every round",
                    _object(
                        ["plan", "state", "current", "history", "categories"],
                        {
                            "plan": {"type": "string"},
                            "state": {"type": "string"},
                            "status": {"type": "string"},
                            "current": {"oneOf": [_ref("Assurance"), {"type": "null"}]},
                            "history": {"type": "array", "items": _ref("Assurance")},
                            "categories": {"type": "array", "items": {"type": "string"}},
                            "lines_of_enquiry": obj,
                        },
                    ),
                    with_plan,
                ),
                "post": _post(
                    "Record the assurance decision (regional assurers of the plan's region, national admin)",
                    "On the latest, submitted version, bound to its hash: a category of the plan's policy "
                    "pack, notes per key line of enquiry, and conditions with due dates (only for "
                    "approved_subject_to_conditions). One decision per submitted version (409 after).",
                    "AssuranceRequest",
                    {"200": _ok(_ref("StatusResult"), "Recorded; the plan's status with the decision")},
                    with_plan,
                ),
            },
            "/api/v1/plans/{plan_id}/assurance/conditions/{number}/clear": {
                "post": _post(
                    "Clear one condition of the current assurance decision (assurers)",
                    "Conditions are numbered from 1 as the decision lists them. 409 if already cleared "
                    "or there is no decision; 422 if there is no such condition.",
                    "ClearRequest",
                    {"200": _ok(_ref("Cleared"), "Cleared; the plan's status after")},
                    [PLAN_ID, NUMBER],
                )
            },
        },
        "components": {
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "carepool_session"},
                "csrf": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "X-CSRFToken",
                    "description": "the token from GET /api/v1/csrf-token, for the same session; "
                    "required on every POST (missing or wrong: 400 csrf_failed)",
                },
            },
            "schemas": schemas(),
            "responses": {
                f"E{code}": {"description": text, "content": {JSON: {"schema": _ref("Error")}}}
                for code, text in ERRORS.items()
            },
        },
    }
