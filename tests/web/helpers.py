"""Shared names and helpers of the web tests: the demo plans and accounts, CSRF tokens, signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

PLAN = "demo-brackenford-2015-16"  # the area every test account (but wealdshire-*) works in
OTHER = "demo-wealdshire-2015-16"  # another area, in another region
CONTRIBUTION = "BRK-14-01"

# Short names for the demo accounts the tests use.
ROLES = {
    "admin": "admin",
    "assurer": "assurer",
    "national-viewer": "national-viewer",
    "editor": "brackenford-editor",
    "signatory": "brackenford-signatory",
    "chair": "brackenford-chair",
    "viewer": "brackenford-viewer",
}


@dataclass(frozen=True)
class Site:
    app: Flask
    url: str
    passwords: dict[str, str]


def csrf_token(client: FlaskClient, path: str = "/sign-in") -> str:
    page = client.get(path, follow_redirects=True).get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def sign_in(site: Site, role: str) -> FlaskClient:
    """A fresh client signed in as the demo account for ``role`` (a key of ROLES, or a username)."""
    username = ROLES.get(role, role)
    client = site.app.test_client()
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_token(client), "username": username, "password": site.passwords[username]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
