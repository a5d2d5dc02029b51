"""Which database to use, and the one place the services reach the store implementation.

The services talk to the store only through the ``ports`` protocols; ``open_database`` is type-checked
against them here. The faces may not import ``carepool.store`` themselves (an import-linter contract).
"""

from __future__ import annotations

import os

from carepool.services.errors import Unavailable
from carepool.services.ports import Database
from carepool.store.db import open_database

DEFAULT_URL = "sqlite:///carepool.db"
URL_ENV = "CAREPOOL_DATABASE_URL"


def resolve_url(url: str | None = None) -> str:
    """The --db option, else $CAREPOOL_DATABASE_URL, else carepool.db in the current directory."""
    return url or os.environ.get(URL_ENV) or DEFAULT_URL


def connect(url: str | None = None) -> Database:
    """Open the database (creating or upgrading its schema) and return it."""
    target = resolve_url(url)
    try:
        database: Database = open_database(target)
        return database
    except Exception as exc:  # whatever the driver raises, the person needs the URL and the reason
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise Unavailable(f"cannot open the database {redact(target)}: {reason}") from exc


def redact(url: str) -> str:
    """Hide a password in a URL before printing it."""
    head, sep, tail = url.partition("@")
    if not sep or "://" not in head:
        return url
    scheme, _, credentials = head.partition("://")
    user = credentials.split(":", 1)[0]
    return f"{scheme}://{user}:***@{tail}" if ":" in credentials else url
