"""``carepool serve``: the web app on a production WSGI server (waitress), on loopback by default.

Mounted by ``carepool.cli`` as a command; it reads the global ``--db`` option from the root context.
"""

from __future__ import annotations

import os
from typing import Annotated

import typer
import waitress
from rich.console import Console
from rich.table import Table

from carepool.services.accounts import STRONG
from carepool.services.backend import connect, redact, resolve_url
from carepool.web import create_app
from carepool.web.bootstrap import bootstrap

out = Console()
STRONG_HASHER = STRONG  # the tests swap in a cheap hasher


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="address to listen on (loopback unless you mean otherwise)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    threads: Annotated[int, typer.Option(min=1, max=64, help="worker threads")] = 8,
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
    app = create_app(
        {
            "DATABASE_URL": url,
            "SESSION_COOKIE_SECURE": secure_cookies or os.environ.get("CAREPOOL_SECURE_COOKIES") == "1",
        }
    )
    out.print(
        f"carepool on http://{host}:{port}/ (database {redact(url)}); sign in at http://{host}:{port}/sign-in"
    )
    out.print("Press Ctrl+C to stop.")
    waitress.serve(app, host=host, port=port, threads=threads, ident="carepool")
