"""The CLI's per-invocation context: global options and the database opened on first use."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field

import typer

from carepool.services import backend
from carepool.services.ports import Database


@dataclass
class Session:
    """Global options, and the database opened on first use (commands that need none never open it)."""

    db_url: str | None
    actor: str
    _db: Database | None = field(default=None, repr=False)

    def db(self) -> Database:
        if self._db is None:
            self._db = backend.connect(self.db_url)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def default_actor() -> str:
    try:
        return os.environ.get("CAREPOOL_ACTOR") or getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "unknown"


def session_of(ctx: typer.Context) -> Session:
    obj = ctx.find_root().obj
    assert isinstance(obj, Session)
    return obj
