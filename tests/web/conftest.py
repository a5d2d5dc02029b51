"""Web fixtures: a migrated database with the demo plans and one account per role, and the app.

The shared ``database_url`` fixture empties the plan tables between tests on PostgreSQL; the account
tables are emptied here too.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright
from sqlalchemy import text

from carepool.services.accounts import FAST
from carepool.services.backend import connect
from carepool.store.db import SqlDatabase
from carepool.web import create_app
from carepool.web.bootstrap import bootstrap

from .browser import CHROMIUM, CHROMIUM_ARGS
from .helpers import Site

ACCOUNT_TABLES = ("login_attempts", "role_assignments", "users")


@pytest.fixture
def web_database_url(database_url: str) -> str:
    if not database_url.startswith("sqlite"):
        db = connect(database_url)
        try:
            assert isinstance(db, SqlDatabase)
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(ACCOUNT_TABLES)} RESTART IDENTITY CASCADE"))
        finally:
            db.dispose()
    return database_url


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """On SQLite: one database with the demo plans and accounts per session, copied for each test."""
    path = tmp_path_factory.mktemp("web-template") / "carepool.db"
    db = connect(f"sqlite:///{path}")
    made = bootstrap(db, FAST)
    db.dispose()
    return path, {a.username: a.password for a in made.accounts}


def _seed(url: str, request: pytest.FixtureRequest) -> dict[str, str]:
    if url.startswith("sqlite:///"):
        template, passwords = request.getfixturevalue("_demo_template")
        shutil.copyfile(template, url.removeprefix("sqlite:///"))
        return dict(passwords)
    db = connect(url)
    made = bootstrap(db, FAST)
    db.dispose()
    return {a.username: a.password for a in made.accounts}


@pytest.fixture
def site(web_database_url: str, request: pytest.FixtureRequest) -> Iterator[Site]:
    passwords = _seed(web_database_url, request)
    app = create_app({"DATABASE_URL": web_database_url, "PASSWORD_HASH": "fast", "TESTING": True})
    yield Site(app, web_database_url, passwords)
    app.extensions["carepool"].db.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (one per test module)."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it with `apt-get install -y chromium`")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
