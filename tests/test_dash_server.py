"""Serving: the ``serve`` command, the gunicorn options and the WSGI entry point (the running
gunicorn server itself is exercised by the browser tests)."""
from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from dashboard import server
from dashboard.cli import main
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
    from dashboard import queries

    db = flask_app.extensions[queries.EXTENSION_KEY]
    assert db.misses > 0  # the warm-up ran the first pages' queries before any request
    assert not flask_app.debug
