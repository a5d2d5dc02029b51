"""``carepool serve``: demo data and demo sign-ins on an empty database, then waitress on loopback."""

from __future__ import annotations

from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from carepool import cli_web
from carepool.services.accounts import FAST
from carepool.services.backend import connect
from carepool.services.plans import list_plans


class Root:
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url


def test_serve_loads_the_demo_once_and_prints_the_sign_ins(
    web_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli_web.waitress, "serve", lambda app, **kw: calls.append({"app": app, **kw}))
    monkeypatch.setattr(cli_web, "STRONG_HASHER", FAST)
    app = typer.Typer()

    @app.callback()
    def root(ctx: typer.Context) -> None:
        ctx.obj = Root(web_database_url)

    app.command("serve")(cli_web.serve)
    first = CliRunner().invoke(app, ["serve", "--port", "8123"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo plans" in first.output and "brackenford-editor" in first.output
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8123
    assert calls[0]["app"].config["SESSION_COOKIE_HTTPONLY"] is True

    again = CliRunner().invoke(app, ["serve"])
    assert again.exit_code == 0 and "Demo sign-ins" not in again.output
    db = connect(web_database_url)
    assert len(list_plans(db)) == 2
    db.dispose()
    for call in calls:
        call["app"].extensions["carepool"].db.dispose()
