"""Database fixtures: every test gets a clean, migrated database.

``CAREPOOL_TEST_DATABASE_URL`` empty → a fresh SQLite file per test (a copy of one migrated template).
Set to a PostgreSQL URL → the schema is migrated once per session and every table is emptied with
TRUNCATE before each test (fast, and TRUNCATE does not fire the append-only row triggers).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from carepool.services.ports import Database
from carepool.store.db import SqlDatabase, make_engine, open_database, upgrade

TABLES = ("events", "uploads", "plan_versions", "plans")
RETURN_TABLES = ("quarterly_returns",)
ACCOUNT_TABLES = ("login_attempts", "role_assignments", "users")


def _env_url() -> str:
    """A server database to test against; SQLite always gets a fresh file per test instead."""
    url = os.environ.get("CAREPOOL_TEST_DATABASE_URL", "").strip()
    return "" if url.startswith("sqlite") else url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per session; each test gets a copy (DDL per test is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "carepool.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def _server_engine() -> Iterator[Engine | None]:
    url = _env_url()
    if not url:
        yield None
        return
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, request: pytest.FixtureRequest, _server_engine: Engine | None) -> str:
    if _server_engine is None:
        path = tmp_path / "carepool-test.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        return f"sqlite:///{path}"
    upgrade(_server_engine)  # a test may have downgraded; a no-op otherwise
    with _server_engine.begin() as conn:
        conn.execute(
            text(f"TRUNCATE {', '.join(RETURN_TABLES + TABLES + ACCOUNT_TABLES)} RESTART IDENTITY CASCADE")
        )
    return _server_engine.url.render_as_string(hide_password=False)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = open_database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def engine(db: Database) -> Engine:
    """The raw engine behind ``db``, for tests that must reach past the services (tampering, counts)."""
    assert isinstance(db, SqlDatabase)
    return db.engine


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in TABLES}


def tamper(engine: Engine, sql: str, params: dict[str, object] | None = None) -> None:
    """Change stored rows as someone with full database rights could: past the ORM and the triggers."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(
                text("SET LOCAL session_replication_role = replica")
            )  # triggers off, this transaction
        else:
            names = (
                conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
            )
            for name in names:
                conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text(sql), params or {})


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


CliRunner = Callable[..., CliResult]


@pytest.fixture
def cli(database_url: str, capsys: pytest.CaptureFixture[str]) -> CliRunner:
    """Run ``carepool --db <test database> ARGS...`` in process; returns exit code, stdout, stderr."""

    from carepool.cli import run  # here, so a broken face fails only the CLI tests

    def invoke(*args: str | Path) -> CliResult:
        capsys.readouterr()
        code = run(["--db", database_url, *(str(a) for a in args)])
        captured = capsys.readouterr()
        assert "Traceback" not in captured.out + captured.err
        return CliResult(code, captured.out, captured.err)

    return invoke
