"""The store under faults: killed writers' leftovers, a full disk, a writer arriving mid-forecast."""
from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data import skills, store
from skillpulse.data.errors import DatabaseError
from skillpulse.data.settings import Settings

from tests.test_contract_cli import _cli, _env
from tests.test_store_versions import _add, _names

# A writer that dies (SIGKILL: no clean-up runs) after changing its new, unpublished version.
_KILLED_WRITER = """
import os, signal, sys
import polars as pl
from skillpulse.data import skills, store
with store.write(sys.argv[1]) as con:
    skills.upsert_taxonomy(con, pl.DataFrame({"name": ["Ghost"] * 1, "category": ["t"]}))
    con.execute("CREATE TABLE big AS SELECT range AS i FROM range(300000)")
    os.kill(os.getpid(), signal.SIGKILL)
"""

# A writer that holds the lock (as a forecast run does) until its stdin closes.
_HOLDER = """
import sys
from skillpulse.data import store
with store.exclusive(sys.argv[1], "a forecast run"):
    print("locked", flush=True)
    sys.stdin.read()
"""


def _files(path: Path) -> list[str]:
    return sorted(p.name for p in store.versions_dir(path).iterdir())


def _kill_a_writer(path: Path) -> None:
    proc = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(path)], timeout=120)
    assert proc.returncode == -9


def test_a_killed_writers_files_are_removed_by_the_next_writer_and_never_count_as_versions(
        db_path: Path) -> None:
    settings = Settings(keep_versions=2)
    _add(db_path, "A", settings)
    _add(db_path, "B", settings)
    _kill_a_writer(db_path)
    assert "v000003.duckdb" in _files(db_path)  # the reproduction: an unpublished file is left
    assert os.readlink(db_path).endswith("v000002.duckdb") and _names(db_path) == ["A", "B"]
    _add(db_path, "C", settings)
    # kept: the two newest *published* versions; the orphan took no slot and left no WAL
    assert _files(db_path) == ["v000002.duckdb", "v000003.duckdb"]
    assert _names(db_path) == ["A", "B", "C"]
    import duckdb
    old = duckdb.connect(str(store.versions_dir(db_path) / "v000002.duckdb"), read_only=True)
    assert [r[0] for r in old.execute("SELECT name FROM skill ORDER BY 1").fetchall()] == ["A", "B"]
    old.close()


def test_stray_wals_tmp_copies_and_link_files_are_collected(db_path: Path) -> None:
    _add(db_path, "A")
    folder = store.versions_dir(db_path)
    strays = [folder / "v000001.duckdb.tmp", folder / "v000007.duckdb.wal",
              folder / "v000009.duckdb", db_path.with_name(f".{db_path.name}.999.1.link")]
    for p in strays:
        p.write_bytes(b"x")
    _add(db_path, "B")
    assert not [p for p in strays if p.exists()]
    assert _files(db_path) == ["v000001.duckdb", "v000002.duckdb"]


def test_a_live_writers_files_are_never_touched(db_path: Path) -> None:
    _add(db_path, "A")
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        its_file = store.versions_dir(db_path) / "v000002.duckdb"
        its_file.write_bytes(b"being written")  # as if the holder were building its version
        with pytest.raises(DatabaseError, match=r"locked by a forecast run, pid \d+, still writing"):
            _add(db_path, "B", Settings(lock_timeout=0.3))
        assert its_file.read_bytes() == b"being written"
    finally:
        holder.communicate("", timeout=30)
    assert _names(db_path) == ["A"]


def test_an_ingest_during_a_forecast_waits_with_a_message_then_lands(db_path: Path,
                                                                     tmp_path: Path) -> None:
    _add(db_path, "A")
    csv = tmp_path / "late.csv"
    csv.write_text("skill,period,value\nLatecomer,2024-01,5\nLatecomer,2024-02,6\n")
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(db_path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    # refused after the timeout: exit 2, naming the running writer; nothing written
    quick = subprocess.run([*_cli(), "ingest", str(csv), "--db", str(db_path)], capture_output=True,
                           text=True, env=_env(SKILLPULSE_LOCK_TIMEOUT="0.5"), timeout=120)
    assert quick.returncode == 2, quick.stderr
    assert "a forecast run, pid" in quick.stderr and "Traceback" not in quick.stderr
    assert _names(db_path) == ["A"]
    # waits (and says so) while the run holds the lock, then lands: nothing ingested is lost
    waiter = subprocess.Popen([*_cli(), "ingest", str(csv), "--db", str(db_path)],
                              stderr=subprocess.PIPE, text=True, env=_env(SKILLPULSE_LOCK_TIMEOUT="60"))
    assert waiter.stderr is not None
    first = ""
    while not first or "waiting" not in first:  # the ingest reached the lock and said so
        first = waiter.stderr.readline()
        if not first:
            break
    assert "waiting for a forecast run, pid" in first
    time.sleep(0.3)
    assert waiter.poll() is None  # still waiting while the run holds the lock
    holder.communicate("", timeout=30)
    _, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    assert "Latecomer" in _names(db_path)


def test_the_forecast_command_holds_the_writer_lock_for_the_whole_run(
        db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner
    from skillpulse.dashboard.cli import cli
    from skillpulse.models import batch

    _add(db_path, "A")
    seen: list[str] = []

    def fake_run(db: str, **_: object) -> int:
        seen.append(store._lock_path(Path(db)).read_text())
        return 7

    monkeypatch.setattr(batch, "run_forecast", fake_run)
    result = CliRunner().invoke(cli, ["forecast", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert seen and seen[0].startswith("a forecast run, pid ")


def _no_space(*_: object, **__: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["before", "copy", "checkpoint"])
def test_a_full_disk_is_one_sentence_and_leaves_the_database_unchanged(
        db_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    _add(db_path, "A")
    target, files = os.readlink(db_path), _files(db_path)
    if where == "before":
        usage = shutil.disk_usage(db_path.parent)
        monkeypatch.setattr(store.shutil, "disk_usage",
                            lambda _p: usage._replace(free=1000))  # type: ignore[attr-defined]
    elif where == "copy":
        monkeypatch.setattr(store.shutil, "copyfile", _no_space)
    with pytest.raises(DatabaseError) as info, store.write(db_path) as con:
        skills.upsert_taxonomy(con, pl.DataFrame({"name": ["B"], "category": ["t"]}))
        if where == "checkpoint":
            import duckdb
            raise duckdb.IOException('Could not write file "x": No space left on device')
    text = str(info.value)
    assert "disk is full" in text and str(store.versions_dir(db_path)) in text
    assert " MB" in text and "unchanged" in text and "\n" not in text
    assert info.value.exit_code == 2
    assert os.readlink(db_path) == target and _files(db_path) == files and _names(db_path) == ["A"]
