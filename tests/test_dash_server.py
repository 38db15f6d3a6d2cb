"""Serving: the ``serve`` command, the gunicorn options and the WSGI entry point (the running
gunicorn server itself is exercised by the browser tests)."""
from __future__ import annotations

import inspect
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from skillpulse.dashboard import server
from skillpulse.dashboard.cli import main

from tests import fixtures_app as fx

dash_db = fx.dash_db


def test_serve_refuses_a_missing_database_with_one_sentence(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", "--db", str(tmp_path / "missing.duckdb")])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "no database here" in err and "Traceback" not in err


def test_serve_help_and_safe_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    main(["serve", "--help"])  # standalone_mode=False: help prints and returns
    assert "127.0.0.1" in capsys.readouterr().out
    assert inspect.signature(server.run_server).parameters["host"].default == "127.0.0.1"
    opts = server.options("127.0.0.1", 8050)
    assert opts["bind"] == "127.0.0.1:8050" and opts["workers"] == 2 and opts["threads"] >= 2
    assert opts["preload_app"] is False  # each worker opens DuckDB after the fork


def test_wsgi_entry_serves_a_warm_app(dash_db: Path) -> None:
    flask_app = server.wsgi(str(dash_db))
    client = flask_app.test_client()
    resp = client.get("/methodology")
    assert resp.status_code == 200 and resp.headers["X-Frame-Options"] == "DENY"
    from skillpulse.dashboard import queries

    db = flask_app.extensions[queries.EXTENSION_KEY]
    assert db.misses > 0  # the warm-up ran the first pages' queries before any request
    assert not flask_app.debug


def _serve_exit(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, float]:
    start = time.monotonic()
    with pytest.raises(SystemExit) as exit_info:
        main(["serve", *args])
    return int(exit_info.value.code), capsys.readouterr().err, time.monotonic() - start  # type: ignore[arg-type]


def test_serve_on_a_busy_port_says_so_at_once(dash_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, err, seconds = _serve_exit(["--db", str(dash_db), "--port", str(port)], capsys)
    assert code == 2 and seconds < 3
    assert err.strip() == f"error: 127.0.0.1:{port} is already in use; pass --port another port"


@pytest.mark.parametrize("host", ["999.1.1.1", "10.254.254.254"])
def test_serve_on_a_bad_host_says_so_at_once(host: str, dash_db: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    code, err, _ = _serve_exit(["--db", str(dash_db), "--host", host, "--port", "8050"], capsys)
    assert code == 2  # (no timing asserted: a name lookup's speed depends on the resolver)
    assert err.startswith(f"error: cannot bind host {host}: ") and err.count("\n") == 1
    assert "gunicorn" not in err.lower() and "Traceback" not in err


def test_serve_announces_one_line_and_keeps_gunicorn_quiet(dash_db: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    calls: list[tuple[str, str, int]] = []
    monkeypatch.setattr(server, "run_server", lambda db, host, port: calls.append((db, host, port)))
    with socket.socket() as probe:  # a port free right now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    main(["serve", "--db", str(dash_db), "--port", str(port)])
    assert calls == [(str(dash_db), "127.0.0.1", port)]
    assert capsys.readouterr().err == f"serving http://127.0.0.1:{port} — Ctrl+C to stop\n"
    assert server.options("127.0.0.1", port)["loglevel"] == "error"  # no start/stop chatter



def _run(code: str, env: dict[str, str] | None = None) -> str:
    """stdout of ``code`` in a fresh interpreter, without any POLARS_MAX_THREADS of ours."""
    base = {k: v for k, v in os.environ.items() if k != "POLARS_MAX_THREADS"}
    done = subprocess.run([sys.executable, "-c", code], env={**base, **(env or {})},
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout.strip()


@pytest.mark.parametrize("module", ["skillpulse.dashboard.commands.serve", "skillpulse.dashboard.server"])
def test_the_serving_entry_points_run_polars_on_one_thread(module: str) -> None:
    # a callback's frames are small: a thread pool per worker costs more than it saves
    code = f"import {module}\nimport polars\nprint(polars.thread_pool_size())"
    assert _run(code) == "1"
    assert _run(code, {"POLARS_MAX_THREADS": "2"}) == "2"  # the user's value is kept


def test_the_polars_thread_setting_never_leaks_from_a_process_that_already_uses_polars() -> None:
    # a test run or a build imported polars first: the processes it starts keep polars' default
    code = ("import os, polars\nimport skillpulse.dashboard.server\n"
            "print(os.environ.get('POLARS_MAX_THREADS', 'unset'))")
    assert _run(code) == "unset"
