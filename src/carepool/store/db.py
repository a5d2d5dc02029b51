"""Open a database: engine, session factory, and the schema brought up to date by Alembic.

``open_database(url)`` runs ``alembic upgrade head`` programmatically (no alembic.ini at run time), so a
fresh SQLite file or an empty PostgreSQL database is ready to use after one call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from carepool.problems import Problem
from carepool.services.errors import Busy
from carepool.services.ports import Database
from carepool.store import guards
from carepool.store.repository import SqlStore

DEFAULT_URL = "sqlite:///carepool.db"


def migrations_dir() -> str:
    return str(resources.files("carepool.store") / "migrations")


def alembic_config() -> Config:
    """Alembic's settings in code; env.py takes the live connection from ``config.attributes``."""
    config = Config()
    config.set_main_option("script_location", migrations_dir())
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str) -> Engine:
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_foreign_keys)
    return engine


def _is_race(exc: IntegrityError | OperationalError) -> bool:
    """A unique key taken by a writer that committed first, or SQLite's single writer lock."""
    text = str(exc.orig)
    if isinstance(exc, OperationalError):
        return "database is locked" in text
    return getattr(exc.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in text


class SqlDatabase:
    """Implements ``carepool.services.ports.Database``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, class_=guards.GuardedSession, expire_on_commit=False)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[SqlStore]:
        session: Session = self.sessions()
        try:
            with session.begin():
                yield SqlStore(session)
        except (IntegrityError, OperationalError) as exc:
            if not _is_race(exc):
                raise
            raise Busy(
                [
                    Problem(
                        "conflict",
                        "",
                        "someone else changed this data at the same moment; nothing was written — try again",
                        found=str(exc.orig).splitlines()[0] if exc.orig else "",
                    )
                ]
            ) from None
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str = DEFAULT_URL, migrate: bool = True) -> Database:
    guards.install()
    engine = make_engine(url)
    if migrate:
        upgrade(engine)
    return SqlDatabase(engine)
