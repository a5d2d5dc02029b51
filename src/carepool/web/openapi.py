"""The OpenAPI 3.1 document of ``/api/v1``, served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from typing import Any

from carepool import __version__

ERROR = {"$ref": "#/components/responses/Error"}
PLAN_ID = {
    "name": "plan_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "the plan's id, e.g. demo-brackenford-2015-16",
}


def _get(summary: str, schema: dict[str, Any], with_plan: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {"description": "OK", "content": {"application/json": {"schema": schema}}},
        "401": ERROR,
    }
    if with_plan:
        responses["403"] = ERROR
        responses["404"] = ERROR
    op: dict[str, Any] = {"summary": summary, "responses": responses, "security": [{"session": []}]}
    if with_plan:
        op["parameters"] = [PLAN_ID]
    return {"get": op}


def document() -> dict[str, Any]:
    obj: dict[str, Any] = {"type": "object"}
    summary = {
        "type": "object",
        "required": ["id", "title", "area_code", "version", "sha256", "status", "state"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "area_code": {"type": "string"},
            "area_name": {"type": "string"},
            "policy": {"type": "string"},
            "version": {"type": "integer"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "status": {"type": "string"},
            "state": {
                "type": "string",
                "enum": ["none", "draft", "submitted", "signed", "fully_signed", "assured"],
            },
            "updated_at": {"type": "string", "format": "date-time"},
        },
    }
    condition = {
        "type": "object",
        "required": ["number", "text", "due", "open"],
        "properties": {
            "number": {"type": "integer"},
            "text": {"type": "string"},
            "due": {"type": "string", "format": "date"},
            "open": {"type": "boolean"},
            "cleared_at": {"type": ["string", "null"], "format": "date-time"},
            "cleared_by": {"type": ["string", "null"]},
            "note": {"type": "string"},
        },
    }
    assurance = {
        "type": "object",
        "required": ["category", "version", "sha256", "conditions"],
        "properties": {
            "category": {"type": "string"},
            "label": {"type": "string"},
            "notes": {"type": "object", "additionalProperties": {"type": "string"}},
            "conditions": {"type": "array", "items": condition},
            "open_conditions": {"type": "integer"},
            "actor": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
            "version": {"type": "integer"},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        },
    }
    finding = {
        "type": "object",
        "properties": {
            k: {"type": "string"}
            for k in ("code", "severity", "message", "location", "rule", "found", "expected")
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "carepool API",
            "version": f"1 ({__version__})",
            "description": "Better Care Fund plans: the same services and permissions as the web pages. "
            "Sign in through /sign-in; the session cookie authenticates API calls.",
        },
        "paths": {
            "/api/v1/plans": _get(
                "Plans the signed-in person may see",
                {"type": "object", "properties": {"plans": {"type": "array", "items": summary}}},
                with_plan=False,
            ),
            "/api/v1/plans/{plan_id}": _get(
                "A plan's latest version: its canonical document and hash",
                {
                    "type": "object",
                    "required": ["plan", "version", "sha256", "document"],
                    "properties": {
                        "plan": {"type": "string"},
                        "version": {"type": "integer"},
                        "sha256": {"type": "string"},
                        "document": obj,
                    },
                },
                with_plan=True,
            ),
            "/api/v1/plans/{plan_id}/checks": _get(
                "The checklist of a plan's latest version",
                {
                    "type": "object",
                    "properties": {
                        "plan": {"type": "string"},
                        "ok": {"type": "boolean"},
                        "counts": obj,
                        "findings": {"type": "array", "items": finding},
                    },
                },
                with_plan=True,
            ),
            "/api/v1/plans/{plan_id}/assurance": _get(
                "A plan's assurance: the decision on its latest version (if any) and every round",
                {
                    "type": "object",
                    "required": ["plan", "state", "current", "history", "categories"],
                    "properties": {
                        "plan": {"type": "string"},
                        "state": {"type": "string"},
                        "status": {"type": "string"},
                        "current": {"oneOf": [assurance, {"type": "null"}]},
                        "history": {"type": "array", "items": assurance},
                        "categories": {"type": "array", "items": {"type": "string"}},
                        "lines_of_enquiry": obj,
                    },
                },
                with_plan=True,
            ),
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {"description": "OK", "content": {"application/json": {"schema": obj}}}
                    },
                }
            },
        },
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "carepool_session"}},
            "responses": {
                "Error": {
                    "description": "Refused or not found",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                            }
                        }
                    },
                }
            },
        },
    }
