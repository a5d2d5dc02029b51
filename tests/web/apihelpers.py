"""Helpers of the JSON API tests: the session's CSRF token, JSON calls, and checking a response against
the schema the OpenAPI document gives for it."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from werkzeug.test import TestResponse

from carepool.services.audit import timeline
from carepool.services.plans import list_versions
from carepool.services.uploads import list_uploads
from carepool.web.openapi import document

from .helpers import Site


def api_token(client: FlaskClient) -> str:
    response = client.get("/api/v1/csrf-token")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    token: str = response.get_json()["csrf_token"]
    return token


def post_json(client: FlaskClient, url: str, body: Any, token: str | None = "") -> TestResponse:
    """POST ``body`` as JSON with the session's token (``""``: fetch it; None: send no token)."""
    headers = {}
    if token is not None:
        headers["X-CSRFToken"] = token or api_token(client)
    return client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)


@cache
def _validator(name: str) -> Draft202012Validator:
    spec = document()
    return Draft202012Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})


def conforms(instance: Any, schema: str) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(schema).iter_errors(instance)]
    assert errors == [], errors


def refused(response: TestResponse, status: int, code: str) -> list[dict[str, str]]:
    """Assert a JSON refusal in the one error shape; return its problems."""
    assert response.status_code == status, response.get_data(as_text=True)[:800]
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:300]
    body = response.get_json()
    conforms(body, "Error")
    assert body["error"] == code, body
    assert body["message"]
    problems: list[dict[str, str]] = body["problems"]
    return problems


def written(site: Site, plan_id: str) -> tuple[int, int, int]:
    """What a refusal must leave alone: the plan's versions, its events and the kept uploads."""
    db = site.app.extensions["carepool"].db
    return len(list_versions(db, plan_id)), len(timeline(db, plan_id)), len(list_uploads(db, plan_id))
