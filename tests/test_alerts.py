"""``skillpulse alerts`` against a local webhook (an HTTP server on 127.0.0.1 in this process):
one delivery, an idempotent second call, a failing webhook leaves nothing recorded and the next
call delivers, a watchlist filters, and only http(s) URLs are ever contacted."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from skillpulse.data import store
from skillpulse.data.settings import get_settings
from skillpulse.services import alerts
from skillpulse.services.changes import CHANGE_COLUMNS, compute_changes

from tests.fixtures_app import TEST_ALIAS, add_run, build_db, demo_frames, load_frame


class Hook:
    """A webhook that records each POST and answers with the next scripted status (then 200)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.answers: list[int] = []
        self.requests = 0
        self.received = threading.Event()  # set when a POST arrives
        self.release = threading.Event()  # a slow webhook: answers once this is set
        self.release.set()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hook.requests += 1
                hook.received.set()
                hook.release.wait(30)
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status = hook.answers.pop(0) if hook.answers else 200
                if status == 200:
                    assert self.headers["Content-Type"].startswith("application/json")
                    hook.bodies.append(json.loads(raw))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T0/B0/secret"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    h = Hook()
    yield h
    h.close()


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("alerts") / "a.duckdb", n_skills=24, runs=2,
                    real_forecast=False)


@pytest.fixture
def db(base_db: Path, tmp_path: Path) -> Path:
    """A private copy of the two-run database (deliveries change it)."""
    versions = base_db.with_name(base_db.name + ".versions")
    target = tmp_path / base_db.name
    shutil.copytree(versions, tmp_path / versions.name)
    os.symlink(os.readlink(base_db), target)
    return target


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("skillpulse")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "skillpulse"]
    env = {**os.environ, "SKILLPULSE_ALERT_BACKOFF": "0.01", "SKILLPULSE_ALERT_TIMEOUT": "5",
           "SKILLPULSE_ALERT_RETRIES": "2"}
    return subprocess.run([*cmd, *map(str, args)], capture_output=True, text=True, timeout=300,
                          env=env)


def delivered(db: Path, url: str) -> pl.DataFrame:
    with store.read(db) as con:
        return store.query(con, "alert_delivered", webhook_key=alerts.webhook_key(url))


def test_one_delivery_then_nothing_new(db: Path, hook: Hook) -> None:
    proc = cli("alerts", "--db", db, "--webhook", hook.url)
    assert proc.returncode == 0, proc.stderr
    assert len(hook.bodies) == 1
    body = hook.bodies[0]
    assert body["text"].startswith("*skillpulse:") and "run 1" in body["text"]
    assert body["runs"] == [{"from": 1, "to": 2, "changes": len(body["changes"])}]
    assert body["changes"] and set(CHANGE_COLUMNS) <= set(body["changes"][0])
    assert {c["change"] for c in body["changes"]} <= {"status", "new", "outside"}
    record = delivered(db, hook.url)
    assert record["run_id"].to_list() == [2] and record["http_status"].to_list() == [200]
    with store.read(db) as con:  # the secret URL itself is not stored
        dump = con.execute("SELECT * FROM alert_delivery").fetchall()
    assert "secret" not in repr(dump) and "127.0.0.1" in repr(dump)

    again = cli("alerts", "--db", db, "--webhook", hook.url)
    assert again.returncode == 0 and "nothing new" in again.stderr
    assert hook.requests == 1

    frame, taxonomy = demo_frames(n_skills=24)  # a skill first loaded now: new in run 3
    newcomer = frame.filter(pl.col("skill") == frame["skill"][0]).with_columns(
        pl.lit("Zeta Newcomer").alias("skill"))
    with store.write(db) as con:
        load_frame(con, newcomer, taxonomy)
    add_run(db, real_forecast=False)  # a new run: only its changes go out
    third = cli("alerts", "--db", db, "--webhook", hook.url)
    assert third.returncode == 0, third.stderr
    assert hook.requests == 2 and hook.bodies[1]["runs"] == [{"from": 2, "to": 3, "changes": 1}]
    assert hook.bodies[1]["changes"][0]["skill"] == "Zeta Newcomer"
    assert delivered(db, hook.url)["run_id"].to_list() == [2, 3]


def test_failed_delivery_records_nothing_and_the_next_call_delivers(db: Path, hook: Hook) -> None:
    hook.answers = [500, 500, 500]  # the first attempt and both retries fail
    proc = cli("alerts", "--db", db, "--webhook", hook.url)
    assert proc.returncode == 1, proc.stderr
    assert "HTTP 500" in proc.stderr and "nothing was recorded" in proc.stderr
    assert "secret" not in proc.stderr  # the URL's secret path is never echoed
    assert hook.requests == 3 and not hook.bodies
    assert delivered(db, hook.url).height == 0
    hook.answers = [503]  # one retry is enough now
    ok = cli("alerts", "--db", db, "--webhook", hook.url)
    assert ok.returncode == 0, ok.stderr
    assert hook.requests == 5 and len(hook.bodies) == 1
    assert delivered(db, hook.url)["run_id"].to_list() == [2]


def _send_in_thread(db: Path, url: str, settings: Any) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []

    def send() -> None:
        try:
            out.append(alerts.send_alerts(db, url, settings=settings))
        except Exception as exc:  # handed to the test
            out.append(exc)

    thread = threading.Thread(target=send)
    thread.start()
    return thread, out


def test_a_slow_webhook_never_holds_up_a_writer(db: Path, hook: Hook) -> None:
    """While the webhook takes its time, an ingest or a forecast writes at once: the writer lock
    is not held during the post (a writer gives up after ``lock_timeout``, 0.5 s here)."""
    settings = dataclasses.replace(get_settings(), lock_timeout=0.5, alert_timeout=30)
    hook.release.clear()
    thread, out = _send_in_thread(db, hook.url, settings)
    try:
        assert hook.received.wait(30)
        t0 = time.monotonic()
        with store.write(db, settings) as con:
            con.execute("SELECT 1")
        assert time.monotonic() - t0 < 0.5
    finally:
        hook.release.set()
        thread.join(60)
    assert isinstance(out[0], alerts.AlertResult) and out[0].posted
    assert delivered(db, hook.url)["run_id"].to_list() == [2]


def test_a_posted_delivery_waits_for_a_busy_writer_to_record_it(db: Path, hook: Hook) -> None:
    """Posted while a forecast holds the writer lock for longer than ``lock_timeout``: the
    delivery is still recorded (it waits), so the next call does not send it again."""
    settings = dataclasses.replace(get_settings(), lock_timeout=0.5, alert_timeout=30)
    hook.release.clear()
    thread, out = _send_in_thread(db, hook.url, settings)
    try:
        assert hook.received.wait(30)
        with store.exclusive(db, "forecast", settings):
            hook.release.set()
            time.sleep(1.5)  # three lock timeouts
            assert delivered(db, hook.url).height == 0
    finally:
        hook.release.set()
        thread.join(60)
    assert isinstance(out[0], alerts.AlertResult) and out[0].posted
    assert delivered(db, hook.url)["run_id"].to_list() == [2]
    assert alerts.send_alerts(db, hook.url, settings=settings).body is None
    assert hook.requests == 1


def test_two_deliveries_at_once_send_once(db: Path, hook: Hook) -> None:
    settings = dataclasses.replace(get_settings(), alert_timeout=30)
    hook.release.clear()
    first, out1 = _send_in_thread(db, hook.url, settings)
    assert hook.received.wait(30)
    second, out2 = _send_in_thread(db, hook.url, settings)
    time.sleep(0.5)  # the second waits for the first's alerts lock, not for the webhook
    hook.release.set()
    first.join(60)
    second.join(60)
    assert out1[0].posted and out2[0].body is None
    assert hook.requests == 1 and delivered(db, hook.url)["run_id"].to_list() == [2]


def test_client_error_is_not_retried(db: Path, hook: Hook) -> None:
    hook.answers = [404]
    proc = cli("alerts", "--db", db, "--webhook", hook.url)
    assert proc.returncode == 1 and "HTTP 404" in proc.stderr
    assert hook.requests == 1 and delivered(db, hook.url).height == 0


def test_watchlist_filters(db: Path, hook: Hook, tmp_path: Path) -> None:
    with store.read(db) as con:
        table = compute_changes(partial(store.query, con)).table
        first = store.query(con, "dash_resolve_skills", keys=[TEST_ALIAS.lower()])["name"][0]
    skill = table["skill"][0]
    category = table.filter(pl.col("skill") != skill)["category"][0]
    watch = tmp_path / "watch.txt"
    watch.write_text(f"# skills we teach\n{skill.upper()}\n\n{TEST_ALIAS}\n{category.lower()}\n"
                     "No Such Skill\n", encoding="utf-8")
    dry = cli("alerts", "--db", db, "--webhook", hook.url, "--watch", watch, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert hook.requests == 0 and delivered(db, hook.url).height == 0
    assert "'No Such Skill'" in dry.stderr
    body = json.loads(dry.stdout)
    rows = body["changes"]
    assert rows and all(r["skill"] in {skill, first} or r["category"] == category for r in rows)
    assert any(r["skill"] == skill for r in rows) and any(r["category"] == category for r in rows)
    expected = table.filter(pl.col("skill").is_in([skill, first]) | (pl.col("category") == category))
    assert len(rows) == expected.height < table.height
    proc = cli("alerts", "--db", db, "--webhook", hook.url, "--watch", watch)
    assert proc.returncode == 0, proc.stderr
    assert hook.bodies[0]["changes"] == rows
    assert delivered(db, hook.url)["changes"].to_list() == [len(rows)]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x", "127.0.0.1:80/x",
                                 "http:///nohost", "javascript:alert(1)"])
def test_only_http_urls(db: Path, url: str) -> None:
    proc = cli("alerts", "--db", db, "--webhook", url)
    assert proc.returncode == 2 and "http:// or https://" in proc.stderr


def test_redirects_are_not_followed(hook: Hook) -> None:
    target = Hook()
    try:
        class Redirect(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.send_response(307)
                self.send_header("Location", target.url)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        hook.server.RequestHandlerClass = Redirect
        settings = alerts.Settings(alert_retries=0, alert_timeout=5)
        with pytest.raises(alerts.DeliveryError, match="307"):
            alerts.post_json(hook.url, {"text": "x"}, settings)
        assert target.requests == 0
    finally:
        target.close()


def test_backoff_doubles_between_retries() -> None:
    waits: list[float] = []
    settings = alerts.Settings(alert_retries=3, alert_backoff=0.5, alert_timeout=0.2)
    with pytest.raises(alerts.DeliveryError, match="4 attempt"):
        alerts.post_json("http://127.0.0.1:9/x", {"text": "x"}, settings, sleep=waits.append)
    assert waits == [0.5, 1.0, 2.0]


def test_text_escapes_slack_control_characters() -> None:
    import datetime as dt

    from skillpulse.services.changes import Changes, RunPair

    row = {c: None for c in CHANGE_COLUMNS} | {
        "skill": "<!channel> & <https://evil|click>", "category": "c", "source": "", "region": "",
        "occupation": "", "change": "new", "to_status": "rising", "period": dt.date(2024, 1, 1),
        "reason": "<!channel> & <https://evil|click> is new.", "series_id": 1, "measure": "count",
        "importance": 1.0}
    table = pl.DataFrame([row], schema={**dict.fromkeys(CHANGE_COLUMNS, pl.String),
                                        "period": pl.Date, "actual": pl.Float64,
                                        "lower_95": pl.Float64, "upper_95": pl.Float64,
                                        "series_id": pl.Int64, "measure": pl.String,
                                        "importance": pl.Float64})
    body = alerts.build_payload([Changes(RunPair(1, 2, dt.date(2024, 1, 1), dt.date(2024, 2, 1)),
                                         table)])
    assert "<" not in body["text"] and "&lt;!channel&gt; &amp; &lt;https://evil|click&gt;" in body["text"]
    assert body["changes"][0]["skill"] == row["skill"]  # the data itself is unchanged
