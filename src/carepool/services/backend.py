"""Which database to use, and the one place the services reach the store implementation.

The store is loaded by name at run time: the faces import the services, and an import-linter contract
forbids the faces from reaching ``carepool.store`` even indirectly. The services talk to it only through
the ``ports`` protocols; ``carepool.store.db.open_database`` is type-checked against them.
"""

from __future__ import annotations

import importlib
import os
from typing import cast

from carepool.services.errors import Unavailable
from carepool.services.ports import Database

DEFAULT_URL = "sqlite:///carepool.db"
URL_ENV = "CAREPOOL_DATABASE_URL"
STORE_MODULE = "carepool.store.db"


def resolve_url(url: str | None = None) -> str:
    """The --db option, else $CAREPOOL_DATABASE_URL, else carepool.db in the current directory."""
    return url or os.environ.get(URL_ENV) or DEFAULT_URL


def connect(url: str | None = None) -> Database:
    """Open the database (creating or upgrading its schema) and return it."""
    store = importlib.import_module(STORE_MODULE)
    target = resolve_url(url)
    try:
        return cast(Database, store.open_database(target))
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
