"""The JSON API: same data and permissions as the pages, and a valid OpenAPI document covering it."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from .apihelpers import conforms
from .helpers import PLAN, Site, sign_in


def test_openapi_document_is_valid_and_documents_every_api_route(site: Site) -> None:
    client = site.app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routes = {
        (re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule), method)
        for rule in site.app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    assert routes - documented == set(), "document these API routes in web/openapi.py"
    assert documented - routes == set(), "the OpenAPI document names routes that do not exist"


def test_every_write_is_documented_with_its_body_errors_and_csrf(site: Site) -> None:
    spec = site.app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["csrf"] == {
        **spec["components"]["securitySchemes"]["csrf"],
        "type": "apiKey",
        "in": "header",
        "name": "X-CSRFToken",
    }
    writes = [op for ops in spec["paths"].values() for method, op in ops.items() if method != "get"]
    assert len(writes) == 5
    for op in writes:
        assert op["security"] == [{"session": [], "csrf": []}]
        assert op["requestBody"]["content"]["application/json"]["schema"]["$ref"].startswith("#/components/")
        assert {"400", "401", "403", "404", "409", "413", "415", "422"} <= set(op["responses"])
    for ops in spec["paths"].values():
        for op in ops.values():
            for code, response in op["responses"].items():
                if code.startswith(("4", "5")):
                    assert response == {"$ref": f"#/components/responses/E{code}"}


def test_every_api_error_has_the_one_shape(site: Site) -> None:
    viewer = sign_in(site, "viewer")
    token = viewer.get("/api/v1/csrf-token").get_json()["csrf_token"]
    for response, status in (
        (site.app.test_client().get("/api/v1/plans"), 401),
        (viewer.get("/api/v1/plans/no-such-plan"), 404),
        (viewer.get(f"/api/v1/plans/{PLAN}/versions/99"), 404),
        (viewer.get("/api/v1/no-such-thing"), 404),
        (viewer.delete(f"/api/v1/plans/{PLAN}", headers={"X-CSRFToken": token}), 405),
        (
            viewer.post(f"/api/v1/plans/{PLAN}/submit", json={"version": 1}, headers={"X-CSRFToken": token}),
            403,
        ),
    ):
        assert response.status_code == status
        assert response.mimetype == "application/json"
        conforms(response.get_json(), "Error")
        assert set(response.get_json()) == {"error", "message", "problems"}


def test_anonymous_api_calls_get_401_json(site: Site) -> None:
    response = site.app.test_client().get("/api/v1/plans")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorised"


def test_plan_document_and_checks(site: Site) -> None:
    client = sign_in(site, "viewer")
    plan = client.get(f"/api/v1/plans/{PLAN}").get_json()
    assert plan["version"] == 1 and len(plan["sha256"]) == 64
    assert plan["document"]["id"] == PLAN
    assert plan["document"]["contributions"][0]["amount"] == "5904107.00"  # money stays a string
    checks = client.get(f"/api/v1/plans/{PLAN}/checks").get_json()
    assert checks["ok"] is True and checks["plan"] == PLAN
