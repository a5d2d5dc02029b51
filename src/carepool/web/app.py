"""The app factory."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from flask import Flask, Response, g
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader, PrefixLoader
from markupsafe import Markup

from carepool.money import fmt_pounds
from carepool.services.accounts import FAST, STRONG, accounts_of
from carepool.services.backend import connect
from carepool.web import (
    admin,
    api,
    assurance,
    auth,
    checklist,
    dashboard,
    editing,
    errors,
    monitoring,
    plans,
    scenarios,
    signoff,
    spreadsheets,
    versions,
)
from carepool.web.csrf import protect
from carepool.web.security import PUBLIC, declared, load_principal, permission_of
from carepool.web.state import State


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """``config`` may set DATABASE_URL, SECRET_KEY, SESSION_COOKIE_SECURE, PASSWORD_HASH ("fast" in tests)."""
    app = Flask(__name__)
    app.config.update(
        DATABASE_URL=None,
        SECRET_KEY=os.environ.get("CAREPOOL_SECRET_KEY") or secrets.token_hex(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("CAREPOOL_SECURE_COOKIES", "") == "1",
        SESSION_COOKIE_NAME="carepool_session",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        PASSWORD_HASH="strong",
    )
    app.config.update(config or {})
    db = connect(app.config["DATABASE_URL"])
    hasher = FAST if app.config["PASSWORD_HASH"] == "fast" else STRONG
    app.extensions["carepool"] = State(db, accounts_of(db), hasher)

    # The GOV.UK page template calls govukHeader() with no arguments: chainable undefined keeps it quiet.
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("carepool.web"),
            PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters["pounds"] = fmt_pounds
    app.jinja_env.filters["svg"] = Markup  # chart SVG comes from reports.charts, which escapes every text

    for blueprint in (
        auth.bp,
        plans.bp,
        checklist.bp,
        versions.bp,
        editing.bp,
        signoff.bp,
        monitoring.bp,
        scenarios.bp,
        assurance.bp,
        dashboard.bp,
        admin.bp,
        api.bp,
        spreadsheets.bp,
    ):
        app.register_blueprint(blueprint)
    protect(app, exempt=[])  # pages send the token in a form field, the JSON API in the X-CSRFToken header
    errors.register(app)
    declared(app.view_functions["static"], PUBLIC)

    app.before_request(load_principal)
    app.after_request(_security_headers)
    _refuse_undeclared(app)
    return app


def _security_headers(response: Response) -> Response:
    nonce = g.get("csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Frame-Options"] = "DENY"
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_undeclared(app: Flask) -> None:
    """A view without a declared permission is a bug: fail at start-up, not in production."""
    missing = [name for name, fn in app.view_functions.items() if permission_of(fn) is None]
    if missing:
        raise RuntimeError(f"views without a declared permission: {', '.join(sorted(missing))}")
