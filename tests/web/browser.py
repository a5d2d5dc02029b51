"""Browser test support: the app on a threaded WSGI server in this process (so tests can reach its
database), Debian's Chromium driven by Playwright, axe. ``carepool serve`` itself (gunicorn worker
processes) is tested in test_serve.py."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import WSGIRequestHandler, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Assertions wait as long as actions do: 2 cores shared with other test workers and a database server.
expect.set_options(timeout=30_000)
SCREENSHOTS = Path(__file__).parent / "screenshots"  # git-ignored; CI keeps them as artefacts
BLOCKING = {"serious", "critical"}


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Pages are not logged: a failing test's output shows the failure, not every request."""


def _read_whole(app: Flask) -> WSGIApplication:
    """The app with each response read whole (and its iterable closed) before a byte is sent. When the
    browser drops a connection mid-response (it does, moving on to the next page), werkzeug's development
    server leaves the response's iterable unclosed — for a static file, an open file, whose
    ResourceWarning is an error here. The app's own responses are still closed, as a server must."""

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    return wsgi


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, a thread per request, for the length of the block."""
    server = make_server("127.0.0.1", 0, _read_whole(app), threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the current page, one line each."""
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def sign_in_page(page: Page, base: str, passwords: dict[str, str], username: str) -> None:
    """Sign in through the form, as a person would, and land on the plan list."""
    page.goto(f"{base}/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(passwords[username])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Plans")).to_be_visible()
