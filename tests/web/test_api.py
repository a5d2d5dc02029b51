"""The JSON API: same data and permissions as the pages, and a valid OpenAPI document covering it."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

from .helpers import PLAN, Site, sign_in


def test_openapi_document_is_valid_and_documents_every_api_route(site: Site) -> None:
    client = site.app.test_client()
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    documented = set(spec["paths"])
    routes = {
        re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for rule in site.app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert routes == documented


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
