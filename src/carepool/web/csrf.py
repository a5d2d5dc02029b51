"""CSRF protection on every form, from Flask-WTF (untyped: its use is kept to this one module)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask
from flask_wtf.csrf import CSRFError, CSRFProtect

__all__ = ["CSRFError", "protect"]


def protect(app: Flask, exempt: list[Blueprint]) -> None:
    """Check a CSRF token on every POST (and PUT, PATCH, DELETE), except in the ``exempt`` blueprints."""
    csrf: Any = CSRFProtect(app)
    for blueprint in exempt:
        csrf.exempt(blueprint)
