"""``carepool serve``: the web app on the production server (gunicorn), on loopback by default.

Mounted by ``carepool.cli`` as a command; it reads the global ``--db`` option from the root context.
"""

from __future__ import annotations

import os
import secrets
import threading
from typing import Annotated

import typer
from flask import Flask
from rich.console import Console
from rich.table import Table

from carepool.services.accounts import STRONG
from carepool.services.backend import connect, redact, resolve_url
from carepool.services.national import warm
from carepool.web import create_app, server
from carepool.web.bootstrap import bootstrap

out = Console()
STRONG_HASHER = STRONG  # the tests swap in a cheap hasher


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="address to listen on (loopback unless you mean otherwise)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="worker processes (one per core serves the most pages)")
    ] = max(1, min(4, os.cpu_count() or 1)),
    threads: Annotated[int, typer.Option(min=1, max=64, help="threads in each worker process")] = 4,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="send the session cookie over HTTPS only (behind TLS)")
    ] = False,
) -> None:
    """Serve the web app. On an empty database, load the demo plans and print the demo sign-ins."""
    root = ctx.find_root().obj
    url = resolve_url(getattr(root, "db_url", None))
    db = connect(url)
    try:
        made = bootstrap(db, STRONG_HASHER)
    finally:
        db.dispose()
    if made.loaded_demo:
        out.print("Loaded the demo plans (two fictional areas).")
    if made.accounts:
        table = Table(title="Demo sign-ins (shown once; passwords are stored hashed)")
        for column in ("username", "password", "role"):
            table.add_column(column)
        for account in made.accounts:
            table.add_row(account.username, account.password, account.roles)
        out.print(table)
    config = {
        "DATABASE_URL": url,
        "SESSION_COOKIE_SECURE": secure_cookies or os.environ.get("CAREPOOL_SECURE_COOKIES") == "1",
        # One key for every worker, so each accepts the cookies the others sign.
        "SECRET_KEY": os.environ.get("CAREPOOL_SECRET_KEY") or secrets.token_hex(32),
    }
    out.print(
        f"carepool on http://{host}:{port}/ (database {redact(url)}); sign in at http://{host}:{port}/sign-in"
    )
    out.print(
        f"{workers} worker process{'es' if workers != 1 else ''} × {threads} threads. Press Ctrl+C to stop."
    )
    server.run(lambda: warmed(create_app(config)), host=host, port=port, workers=workers, threads=threads)


def warmed(app: Flask) -> Flask:
    """Fill this worker's caches (every plan's figures and checks) in the background while it serves."""
    threading.Thread(target=warm, args=(app.extensions["carepool"].db,), name="warm", daemon=True).start()
    return app
