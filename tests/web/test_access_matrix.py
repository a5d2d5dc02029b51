"""Every route × every role: the expected outcome comes from the table below, so a new route without
an entry (or without a declared permission) fails here."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from carepool.services.permissions import Action
from carepool.web.app import _refuse_undeclared
from carepool.web.assurance import ASSURE
from carepool.web.security import PUBLIC, Permission, permission_of

from .helpers import CONTRIBUTION, PLAN, ROLES, Site, csrf_token, sign_in

EVERYONE = frozenset(ROLES)
PUBLIC_ROUTE = "public"
ASSURERS = frozenset({"admin", "assurer"})

# endpoint → the roles allowed (on a plan in their own area or region), or "public".
EXPECTED: dict[str, frozenset[str] | str] = {
    "static": PUBLIC_ROUTE,
    "auth.sign_in": PUBLIC_ROUTE,
    "auth.sign_out": PUBLIC_ROUTE,
    "plans.home": PUBLIC_ROUTE,
    "api.openapi": PUBLIC_ROUTE,
    "api.csrf_token": PUBLIC_ROUTE,
    "plans.index": EVERYONE,
    "api.plans": EVERYONE,
    "plans.overview": EVERYONE,
    "plans.section": EVERYONE,
    "checklist.show": EVERYONE,
    "versions.index": EVERYONE,
    "versions.diff": EVERYONE,
    "versions.audit": EVERYONE,
    "api.plan": EVERYONE,
    "api.checks": EVERYONE,
    "api.assurance": EVERYONE,
    "monitoring.show": EVERYONE,
    "monitoring.template": EVERYONE,
    "monitoring.upload": frozenset({"editor"}),
    "api.version": EVERYONE,
    "api.save": frozenset({"editor"}),
    "api.submit": frozenset({"editor"}),
    "api.sign": frozenset({"signatory", "chair"}),
    "api.record": ASSURERS,
    "api.clear": ASSURERS,
    "spreadsheets.template": EVERYONE,
    "spreadsheets.plan_json": EVERYONE,
    "spreadsheets.upload": frozenset({"editor"}),
    "editing.contribution": frozenset({"editor"}),
    "editing.add": frozenset({"editor"}),
    "editing.change": frozenset({"editor"}),
    "editing.change_single": frozenset({"editor"}),
    "editing.remove": frozenset({"editor"}),
    "editing.check_answers": EVERYONE,
    "signoff.submit": frozenset({"editor"}),
    "signoff.sign": frozenset({"signatory", "chair"}),
    "assurance.index": ASSURERS,
    "assurance.record": ASSURERS,
    "assurance.clear": ASSURERS,
    "dashboard.show": EVERYONE,
    "dashboard.download": EVERYONE,
    "admin.users": frozenset({"admin"}),
    "admin.new_user": frozenset({"admin"}),
    "scenarios.show": EVERYONE,
    "scenarios.save": frozenset({"editor"}),
    "admin.person": frozenset({"admin"}),
    "admin.grant": frozenset({"admin"}),
    "admin.revoke": frozenset({"admin"}),
    "admin.active": frozenset({"admin"}),
    "admin.password": frozenset({"admin"}),
    "admin.audit": frozenset({"admin"}),
}

ARGS = {
    "plan_id": PLAN,
    "section": "contributions",
    "item_id": CONTRIBUTION,
    "filename": "carepool.css",
    "a": 1,
    "b": 1,
    "number": 1,
    "index": 0,
    "username": "brackenford-viewer",
}
# Where a route takes only some values of an argument (single-object sections).
ENDPOINT_ARGS: dict[str, dict[str, object]] = {"editing.change_single": {"section": "s75"}}


def routes(app: Flask) -> list[tuple[Rule, str]]:
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule, method))
    return out


def _build(rule: Rule) -> str:
    args = {**ARGS, **ENDPOINT_ARGS.get(rule.endpoint, {})}
    built = rule.build({k: v for k, v in args.items() if k in rule.arguments})
    assert built is not None
    return built[1]


def call(client: FlaskClient, method: str, url: str) -> str:
    """The outcome class of one request: allowed, sign-in (redirected there), 401, 403 or 404."""
    if method == "GET":
        response = client.get(url)
    elif url.startswith("/api/"):  # the API takes JSON, with the token in its header
        response = client.open(url, method=method, json={}, headers={"X-CSRFToken": csrf_token(client)})
    else:
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
    response.close()  # static files are streamed: close them
    location = response.headers.get("Location", "")
    if response.status_code in (301, 302, 303) and "/sign-in" in location:
        return "sign-in"
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    return "allowed"


def expected_outcome(endpoint: str, role: str | None, url: str) -> set[str]:
    rule = EXPECTED[endpoint]
    if rule == PUBLIC_ROUTE:
        return {"allowed", "sign-in"}  # sign-out sends you to the sign-in page
    if role is None:
        return {"401"} if url.startswith("/api/") else {"sign-in"}
    return {"allowed"} if role in rule else {"403"}


def test_every_route_has_an_expectation_and_a_declared_permission(site: Site) -> None:
    endpoints = {rule.endpoint for rule, _ in routes(site.app)}
    assert endpoints - set(EXPECTED) == set(), "add the new route to EXPECTED (and give it a permission)"
    assert set(EXPECTED) - endpoints == set(), "EXPECTED names a route that no longer exists"
    for endpoint in endpoints:
        declared = permission_of(site.app.view_functions[endpoint])
        assert declared is not None, endpoint
        assert (declared == PUBLIC) == (EXPECTED[endpoint] == PUBLIC_ROUTE), endpoint


def test_a_view_without_a_permission_stops_the_app(site: Site) -> None:
    site.app.add_url_rule("/undeclared", "undeclared", lambda: "hello")
    with pytest.raises(RuntimeError, match="undeclared"):
        _refuse_undeclared(site.app)


def test_permissions_name_real_actions() -> None:
    assert Permission(Action.EDIT_PLAN).label == "edit_plan"
    assert Permission(ASSURE).label == "assure_plan"
    assert PUBLIC.label == "public"


@pytest.mark.parametrize("role", [None, *ROLES])
def test_every_route_for_every_role(site: Site, role: str | None) -> None:
    failures = []
    for rule, method in routes(site.app):
        url = _build(rule)
        client = site.app.test_client() if role is None else sign_in(site, role)
        got = call(client, method, url)
        want = expected_outcome(rule.endpoint, role, url)
        if got not in want:
            failures.append(f"{method} {url} as {role or 'anonymous'}: got {got}, expected {want}")
    assert failures == []
