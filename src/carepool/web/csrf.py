"""CSRF protection on every form, from Flask-WTF (untyped: its use is kept to this one module)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf

__all__ = ["CSRFError", "protect", "token"]


def protect(app: Flask, exempt: list[Blueprint]) -> None:
    """Check a CSRF token on every POST (and PUT, PATCH, DELETE), except in the ``exempt`` blueprints: from
    the form's ``csrf_token`` field, or (for the JSON API) the ``X-CSRFToken`` header."""
    csrf: Any = CSRFProtect(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)


def token() -> str:
    """The CSRF token of the current session (made, and kept in the session, on first use)."""
    found: str = generate_csrf()
    return found
