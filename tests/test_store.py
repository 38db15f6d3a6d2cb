"""The store's guarantees as ingest relies on them: one published version per write, failed writes
leave everything as it was (even mid-transaction), readers keep a consistent view and follow new
versions without reopening by hand."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from skillpulse.data import store
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import ingest_files, load
from skillpulse.data.settings import Settings

from tests.test_ingest_support import fingerprint, rows, write


def _versions(db: Path) -> list[str]:
    return sorted(os.listdir(f"{db}.versions"))


def _csv(tmp_path: Path, name: str, lines: list[str]) -> Path:
    return write(tmp_path / name, "skill,period,value\n" + "".join(f"{ln}\n" for ln in lines))


def test_each_ingest_publishes_one_new_version_and_old_ones_are_collected(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    settings = Settings(keep_versions=2)
    ingest_files([_csv(tmp_path, "a.csv", ["Go,2020-01,1"])], db, settings=settings)
    assert db.is_symlink() and _versions(db) == ["v000001.duckdb"]
    ingest_files([_csv(tmp_path, "b.csv", ["Go,2020-02,2"])], db, settings=settings)
    ingest_files([_csv(tmp_path, "c.csv", ["Go,2020-03,3"])], db, settings=settings)
    assert _versions(db) == ["v000002.duckdb", "v000003.duckdb"]
    assert os.readlink(db).endswith("v000003.duckdb")
    assert rows(db, "SELECT count(*) FROM observation") == [(3,)]


def test_failure_after_a_first_file_was_written_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([_csv(tmp_path, "seed.csv", ["Go,2020-01,1"])], db)
    before = fingerprint(db)
    good = _csv(tmp_path, "good.csv", ["Rust,2020-01,5", "Go,2020-01,7"])
    # 'go' and 'Go' are one skill: found only inside the transaction, after good.csv was stored.
    clash = _csv(tmp_path, "clash.csv", ["Go,2020-05,1", "go,2020-05,2"])
    with pytest.raises(InputError, match=r"clash\.csv, row 3"):
        ingest_files([good, clash], db)
    assert fingerprint(db) == before
    assert not [p for p in os.listdir(f"{db}.versions") if not p.startswith("v000001")]


def test_crash_inside_the_insert_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([_csv(tmp_path, "seed.csv", ["Go,2020-01,1", "Go,2020-02,2"])], db)
    before = fingerprint(db)
    real_execute = load.execute

    def failing(con, name, **params):  # type: ignore[no-untyped-def]
        real_execute(con, name, **params)
        if name == "ingest_observation_delete":  # the old values are gone inside the transaction
            raise RuntimeError("disk on fire")

    monkeypatch.setattr(load, "execute", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        ingest_files([_csv(tmp_path, "new.csv", ["Go,2020-02,20"])], db)
    assert fingerprint(db) == before
    assert rows(db, "SELECT value FROM observation ORDER BY period") == [(1.0,), (2.0,)]


def test_interrupt_leaves_no_partial_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([_csv(tmp_path, "seed.csv", ["Go,2020-01,1"])], db)
    before = fingerprint(db)

    def interrupt(*_a: object, **_k: object) -> dict[str, int]:
        raise KeyboardInterrupt

    monkeypatch.setattr("skillpulse.data.ingest.pipeline.ingest_frame", interrupt)
    with pytest.raises(KeyboardInterrupt):
        ingest_files([_csv(tmp_path, "new.csv", ["Go,2020-02,2"])], db)
    assert fingerprint(db) == before
    leftovers = [p for p in os.listdir(tmp_path) if p.startswith(".db.duckdb")]
    assert leftovers == [] and _versions(db) == ["v000001.duckdb"]


def test_reader_keeps_its_snapshot_and_follows_new_versions(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([_csv(tmp_path, "a.csv", ["Go,2020-01,1"])], db)
    reader = store.LiveReader(db)
    try:
        first = reader.connection()
        assert first.execute("SELECT count(*) FROM observation").fetchall() == [(1,)]
        old_target = reader.version
        ingest_files([_csv(tmp_path, "b.csv", ["Go,2020-02,2", "Go,2020-03,3"])], db)
        # The connection opened before the publish still reads the old, complete state ...
        assert first.execute("SELECT count(*) FROM observation").fetchall() == [(1,)]
        # ... and the next request sees the new version without a restart.
        again = reader.connection()
        assert again.execute("SELECT count(*) FROM observation").fetchall() == [(3,)]
        assert reader.version != old_target
    finally:
        reader.close()


def test_concurrent_reader_never_sees_a_partial_ingest(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([_csv(tmp_path, "a.csv", [f"S{i},2020-01,1" for i in range(50)])], db)
    seen: set[int] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_loop() -> None:
        reader = store.LiveReader(db)
        try:
            while not stop.is_set():
                con = reader.connection()
                seen.add(con.execute("SELECT count(*) FROM observation").fetchall()[0][0])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            reader.close()

    thread = threading.Thread(target=read_loop)
    thread.start()
    try:
        for batch in range(1, 4):
            month = f"2020-0{batch + 1}"
            ingest_files([_csv(tmp_path, f"b{batch}.csv", [f"S{i},{month},1" for i in range(50)])], db)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors
    assert seen and seen <= {50, 100, 150, 200}  # whole batches only, never part of one
    assert rows(db, "SELECT count(*) FROM observation") == [(200,)]
