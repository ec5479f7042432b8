"""Serving the app in production: gunicorn's pre-forked worker processes, or waitress where there is no fork.

Pages are CPU work in Python (SQL, templates), and threads in one process share one GIL, so one worker process
per core is what lets a 2-core machine use both cores. The app is created once in the parent, so migrations
and the secret key are settled before the workers start; its connection pool is emptied before the fork, so
no SQLite connection is shared between processes.
"""

from __future__ import annotations

import os
import sys

from flask import Flask

GRACEFUL_SECONDS = 10
"""On SIGINT or SIGTERM, requests in hand get this long to finish before their workers are stopped."""


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def run(app: Flask, host: str, port: int, workers: int | None = None) -> None:
    """Serve ``app`` until interrupted (SIGINT/SIGTERM stop the workers too)."""
    workers = workers or default_workers()
    app.extensions["briefdesk_store"].close()
    if sys.platform == "win32":
        waitress_server(app, host, port).run()
        return
    _gunicorn(app, {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "sync",  # measured: gthread costs ~25 % more CPU per request here
        "timeout": 120,  # a bulk download of many briefs can take a while
        "graceful_timeout": GRACEFUL_SECONDS,
        "post_worker_init": _finish_requests_on_sigint,
        "loglevel": "warning",
        "errorlog": "-",
        "proc_name": "briefdesk",
    })


def waitress_server(app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8):
    """A waitress server for ``app`` (``.run()`` serves; port 0 picks a free one: ``.effective_port``).
    Proxy headers are passed to the app, whose ProxyFix believes them only from configured proxies."""
    import waitress

    return waitress.create_server(app, host=host, port=port, threads=threads, ident="briefdesk",
                                  clear_untrusted_proxy_headers=False)


def _gunicorn(app: Flask, options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        """gunicorn's documented way to run an app object from Python ("Custom Application")."""

        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

        def run(self) -> None:
            from gunicorn.arbiter import Arbiter

            class GracefulArbiter(Arbiter):
                # gunicorn stops at once on SIGINT, cutting requests in half (a traceback per request in the log);
                # Ctrl+C is how people stop a server in a terminal: let it stop as SIGTERM does, gracefully.
                def handle_int(self) -> None:
                    self.handle_term()

            try:
                GracefulArbiter(self).run()
            except RuntimeError as error:  # as gunicorn's own run(): the reason, not a traceback
                print(f"\nError: {error}\n", file=sys.stderr)
                sys.exit(1)

    Server().run()


def _finish_requests_on_sigint(worker) -> None:
    """A terminal's Ctrl+C reaches the workers too: each finishes its request, then exits (as on SIGTERM)."""
    import signal

    signal.signal(signal.SIGINT, worker.handle_exit)
