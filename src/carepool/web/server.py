"""The production server: gunicorn, one process per core, each with a few threads.

Python runs one thread at a time per process, so a single process serves at most one core's worth of
pages; gunicorn's pre-fork workers use every core, restart a worker that dies, and stop cleanly on
SIGTERM/SIGINT. Every worker builds its own app (its own database connections, never shared across a
fork) with the same secret key, so a session cookie signed by one worker is good in all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, cast

from flask import Flask
from gunicorn.app.base import BaseApplication

if TYPE_CHECKING:
    from gunicorn._types import _WSGIAppType


class Server(BaseApplication):
    def __init__(self, make_app: Callable[[], Flask], options: Mapping[str, Any]) -> None:
        self.make_app = make_app
        self.options = dict(options)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> _WSGIAppType:
        # Flask's __call__ types its environ as dict, the stubs as MutableMapping: the same thing at run time.
        return cast("_WSGIAppType", self.make_app())


def run(make_app: Callable[[], Flask], host: str, port: int, workers: int, threads: int) -> None:
    """Serve until stopped. ``make_app`` runs once in each worker process."""
    Server(
        make_app,
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "preload_app": False,
            "accesslog": None,
            "errorlog": "-",
            "loglevel": "warning",
            "proc_name": "carepool",
            "graceful_timeout": 10,
            # Close after each response: the next request goes to whichever worker is free, so no worker
            # holds a queue of kept-alive clients while another idles (TLS and keep-alive belong to the
            # reverse proxy in front).
            "keepalive": 0,
            "timeout": 120,  # a board report PDF may take a while; a stuck worker is still replaced
        },
    ).run()
