"""Production serving: gunicorn (threads in 2 worker processes) running the Dash app read-only.

Each worker builds its own app after the fork (DuckDB connections must not cross a fork) and runs a
warm-up (queries plus one figure) before taking traffic: a cold worker's first callbacks are ~10x
slower. For the same reason a newly published version is warmed (queries and the most requested
pages, built in a background thread) before the worker serves it; until then requests are answered
from the version they were answered from, complete and consistent.
``wsgi()`` is the entry for any other WSGI server: ``gunicorn 'skillpulse.dashboard.server:wsgi()'``.
"""
from __future__ import annotations

from skillpulse.dashboard.threads import single_threaded_polars

single_threaded_polars()  # before polars is imported (``dashboard.threads``)

import errno  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask  # noqa: E402
from gunicorn.app.base import BaseApplication  # noqa: E402
from skillpulse.data import store  # noqa: E402
from skillpulse.data.errors import UsageError  # noqa: E402
from skillpulse.data.settings import get_settings  # noqa: E402

log = logging.getLogger("skillpulse.server")
WORKERS = 2
THREADS = 4


def warm_up(app: Any) -> None:
    """Run the first pages' queries, build one figure and the pages' default views."""
    import dash
    from skillpulse.dashboard import figures, queries, responses

    with app.server.app_context():
        db = queries.current()
        queries.warm_up(db)
        figures.market_context(queries.market_context(db, None), queries.market_postings(db)).to_json()
    with app.server.test_client() as client:  # Dash registers its page routing on the first request
        client.get("/")
    cache = app.server.extensions.get(responses.EXTENSION_KEY)
    if cache is not None:  # the pages' default views, built before the first user asks them
        cache.seed([responses.page_body(page["path"]) for page in dash.page_registry.values()])
        with queries.current_of(app).pinned():
            prepare(app)


def prepare(app: Any) -> None:
    """Warm the version this thread has pinned: the first pages' queries, then the most requested
    read-only responses (``responses.prebuild``)."""
    from skillpulse.dashboard import queries, responses

    queries.warm_up(queries.current_of(app))
    responses.prebuild(app)


def build(db_path: str) -> Flask:
    """The Flask server of a new, warmed-up Dash app for ``db_path``; it switches to each newly
    published version once that version is warm (``Db.switch_when_warm``)."""
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.app import create_app

    app = create_app(db_path)
    try:
        warm_up(app)
    except Exception as exc:  # never refuse to start because the warm-up failed; log why
        log.warning("warm-up failed: %s", exc)
    queries.current_of(app).switch_when_warm(lambda: prepare(app))
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
        # Quiet by default: gunicorn's start/stop chatter is info; real trouble (a worker that
        # cannot boot, a timeout) is logged at error and still shows.
        "loglevel": "error",
        "proc_name": "skillpulse",
        "limit_request_line": 8190,
    }


def check_bind(host: str, port: int) -> None:
    """Raise ``UsageError`` (one sentence) unless ``host:port`` can be bound right now.

    Binds a socket the way gunicorn will (``SO_REUSEADDR``, every address the host resolves to)
    and closes it: otherwise gunicorn retries for several seconds and fills stderr with its log.
    """
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, OSError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or "unknown host"
        raise UsageError(f"cannot bind host {host or repr(host)}: {reason}; pass --host an address of this "
                         f"machine, e.g. 127.0.0.1") from None
    for family, kind, proto, _, address in infos:
        try:
            with socket.socket(family, kind, proto) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(f"{where} is already in use; pass --port another port") from None
            if exc.errno == errno.EACCES:
                raise UsageError(f"no permission to bind {where} (ports below 1024 need root); "
                                 f"pass --port another port") from None
            raise UsageError(f"cannot bind host {host}: {exc.strerror or exc}; pass --host an "
                             f"address of this machine, e.g. 127.0.0.1") from None


def run_server(db_path: str, host: str = "127.0.0.1", port: int = 8050) -> None:
    """Serve the dashboard for ``db_path`` until interrupted (blocking).

    Raises ``UsageError`` before starting gunicorn when ``host:port`` cannot be bound.
    """
    store.resolve(db_path)  # fail early, with a sentence, when there is no database
    check_bind(host, port)
    DashApplication(str(db_path), options(host, port)).run()
