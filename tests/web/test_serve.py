"""``carepool serve``: demo data and demo sign-ins on an empty database, then gunicorn on loopback — and a
real server with two worker processes that all accept the same session cookie."""

from __future__ import annotations

import http.client
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from carepool import cli_web
from carepool.services.accounts import FAST, accounts_of, create_user
from carepool.services.backend import connect
from carepool.services.permissions import Assignment, Role
from carepool.services.plans import list_plans
from carepool.web.bootstrap import bootstrap

PASSWORD = "two-workers-password-1"


class Root:
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url


def test_serve_loads_the_demo_once_and_prints_the_sign_ins(
    web_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(cli_web.server, "run", lambda make_app, **kw: calls.append({"app": make_app(), **kw}))
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
    assert calls[0]["workers"] >= 1 and calls[0]["threads"] >= 1

    again = CliRunner().invoke(app, ["serve"])
    assert again.exit_code == 0 and "Demo sign-ins" not in again.output
    db = connect(web_database_url)
    assert len(list_plans(db)) == 2
    db.dispose()
    for call in calls:
        call["app"].extensions["carepool"].db.dispose()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read().decode()
    finally:
        conn.close()


def test_a_real_server_with_two_workers_honours_one_session(web_database_url: str, tmp_path: Path) -> None:
    """Sign in once, then many requests on fresh connections (spread over both workers by the kernel)."""
    db = connect(web_database_url)
    try:
        bootstrap(db, FAST)
        create_user(
            accounts_of(db), "two-workers", "Two Workers", PASSWORD, [Assignment(Role.NATIONAL_ADMIN)]
        )
    finally:
        db.dispose()
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    command = [sys.executable, "-m", "carepool", "--db", web_database_url, "serve", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--workers", "2", "--threads", "2"], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, cookie, page = _get(port, "/sign-in")
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "serve.log"
                ).read_text()
                time.sleep(0.2)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert status == 200 and token
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        body = urllib.parse.urlencode(
            {"csrf_token": token.group(1), "username": "two-workers", "password": PASSWORD}
        )
        conn.request(
            "POST",
            "/sign-in",
            body,
            {"Cookie": cookie.split(";")[0], "Content-Type": "application/x-www-form-urlencoded"},
        )
        response = conn.getresponse()
        session = (response.getheader("Set-Cookie") or "").split(";")[0]
        conn.close()
        assert response.status == 302 and session.startswith("carepool_session=")
        statuses = {_get(port, "/dashboard", session)[0] for _ in range(12)}
        assert statuses == {200}  # never sent back to sign in, whichever worker answered
        workers = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True
        ).stdout.split()
        assert len(workers) == 2
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
    assert proc.returncode == 0, (tmp_path / "serve.log").read_text()
