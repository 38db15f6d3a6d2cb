"""Production serving: gunicorn (threads in 2 worker processes) running the Dash app read-only.

Each worker builds its own app after the fork (DuckDB connections must not cross a fork) and runs a
warm-up (queries plus one figure) before taking traffic: a cold worker's first callbacks are ~10x
slower. ``wsgi()`` is the entry for any other WSGI server: ``gunicorn 'dashboard.server:wsgi()'``.
"""
from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from data import store
from data.settings import get_settings

log = logging.getLogger("skillpulse.server")
WORKERS = 2
THREADS = 4


def warm_up(app: Any) -> None:
    """Run the first pages' queries and build one figure, inside the app context."""
    from dashboard import figures, queries

    with app.server.app_context():
        db = queries.current()
        queries.warm_up(db)
        figures.market_context(queries.market_context(db, None), queries.market_postings(db)).to_json()
    with app.server.test_client() as client:  # Dash registers its page routing on the first request
        client.get("/")


def build(db_path: str) -> Flask:
    """The Flask server of a new, warmed-up Dash app for ``db_path``."""
    from dashboard.app import create_app

    app = create_app(db_path)
    try:
        warm_up(app)
    except Exception as exc:  # never refuse to start because the warm-up failed; log why
        log.warning("warm-up failed: %s", exc)
    return app.server


def wsgi(db_path: str | None = None) -> Flask:
    """WSGI entry point (gunicorn factory syntax): the database from the argument or settings."""
    return build(db_path or get_settings().db)


class DashApplication(BaseApplication):  # type: ignore[misc]
    """gunicorn embedded: our options, no command-line parsing, the app built per worker."""

    def __init__(self, db_path: str, options: dict[str, Any]) -> None:
        self.db_path = db_path
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return build(self.db_path)


def options(host: str, port: int, workers: int = WORKERS, threads: int = THREADS) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 60,
        "graceful_timeout": 10,
        "keepalive": 5,
        "preload_app": False,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "warning",
        "proc_name": "skillpulse",
        "limit_request_line": 8190,
    }


def run_server(db_path: str, host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the dashboard for ``db_path`` until interrupted (blocking)."""
    store.resolve(db_path)  # fail early, with a sentence, when there is no database
    DashApplication(str(db_path), options(host, port)).run()
