"""SIGKILL at random moments (publish window included) of ``skillpulse ingest`` and ``skillpulse
forecast --jobs 2``: the database is the old or the new one, never half-written; no process of
the killed command survives (pool workers, fork server); after the next write no unpublished
version file, WAL, temporary copy or link is left. Bounded: a handful of kills per command."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from skillpulse.data import store

from tests.fixtures_app import build_db
from tests.test_contract_cli import _cli, _env

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                                    reason="needs /proc")]
SEED = 12


def _session(sid: int) -> list[int]:
    """Live (non-zombie) processes of session ``sid``."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            out.append(int(entry))
    return out


def _kill_after(args: list[str], delay: float) -> int | None:
    """Run ``skillpulse ARGS`` in its own session, SIGKILL its main process after ``delay`` s
    (unless it ended); wait for the whole session to be gone; returns its exit code or None."""
    proc = subprocess.Popen([*_cli(), *args], env=_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=delay)
        code: int | None = proc.returncode
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        code = None
    deadline = time.monotonic() + 10
    while _session(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = _session(proc.pid)
    for pid in left:  # never leave them behind, even when the assertion fails
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of the killed command survived: {left}"
    return code


def _state(db: Path) -> tuple[int, int, float]:
    """(forecast runs, observations, sum of values) of the live version; opening and reading
    every table also proves the file is a whole database."""
    con = duckdb.connect(os.path.realpath(db), read_only=True)
    try:
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall():
            con.execute(f'SELECT count(*) FROM "{table}"').fetchall()
        runs = con.execute("SELECT count(*) FROM forecast_run").fetchall()[0][0]
        n, total = con.execute("SELECT count(*), coalesce(sum(value), 0) FROM observation").fetchall()[0]
        return int(runs), int(n), float(total)
    finally:
        con.close()


def _assert_clean(db: Path) -> None:
    live = Path(os.path.realpath(db)).name
    number = int(live[1:7])
    folder = store.versions_dir(db)
    for f in folder.iterdir():
        assert not f.name.endswith((".wal", ".tmp")), f"left over: {f.name}"
        assert int(f.name[1:7]) <= number, f"unpublished version left: {f.name} (live {live})"
    assert not list(db.parent.glob(f".{db.name}.*.link"))


def _postings_like_csv(path: Path, k: int) -> Path:
    rng = np.random.default_rng(k)
    n = 90_000
    months = [f"{2015 + m // 12}-{m % 12 + 1:02d}" for m in range(96)]
    pl.DataFrame({"skill": [f"Skill {i % 500}" for i in range(n)],
                  "period": [months[i // 500 % 96] for i in range(n)],
                  "region": [f"R{i // 48_000}" for i in range(n)],
                  "value": rng.poisson(40, n).astype(float) + k}).write_csv(path)
    return path


def test_ingest_killed_at_random_moments(tmp_path: Path) -> None:
    db = tmp_path / "k.duckdb"
    rnd = random.Random(SEED)
    subprocess.run([*_cli(), "ingest", str(_postings_like_csv(tmp_path / "f0.csv", 0)), "--db", str(db)],
                   env=_env(), check=True, capture_output=True, timeout=300)
    t0 = time.monotonic()
    subprocess.run([*_cli(), "ingest", str(_postings_like_csv(tmp_path / "f1.csv", 1)), "--db", str(db)],
                   env=_env(), check=True, capture_output=True, timeout=300)
    full = time.monotonic() - t0  # how long one ingest takes here: kills land inside it
    for k in range(2, 6):
        before = _state(db)
        code = _kill_after(["ingest", str(_postings_like_csv(tmp_path / f"f{k}.csv", k)), "--db", str(db)],
                           rnd.uniform(0.3, full * 1.1))
        after = _state(db)
        assert after == before or (after[1] == before[1] and after[2] > before[2]), (before, after, code)
        assert code in (None, 0)
    _kill_after(["ingest", str(_postings_like_csv(tmp_path / "last.csv", 99)), "--db", str(db)], 300)
    _assert_clean(db)


def test_forecast_killed_at_random_moments_leaves_no_worker(tmp_path: Path) -> None:
    db = build_db(tmp_path / "f.duckdb", n_skills=110, months=60, segments=3, runs=0)
    rnd = random.Random(SEED)
    for _ in range(3):
        before = _state(db)
        code = _kill_after(["forecast", "--db", str(db), "--jobs", "2", "--horizon", "6"],
                           rnd.uniform(1.5, 9.0))
        after = _state(db)
        assert after[0] in (before[0], before[0] + 1) and after[1:] == before[1:], (before, after, code)
    _kill_after(["ingest", str(_postings_like_csv(tmp_path / "next.csv", 7)), "--db", str(db)], 300)
    _assert_clean(db)
