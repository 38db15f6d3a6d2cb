"""The versioned store: atomic writes, publication, readers following new versions, bad files."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from skillpulse.data import skills, sqlfiles, store
from skillpulse.data.errors import DatabaseError
from skillpulse.data.settings import Settings


def _names(path: Path) -> list[str]:
    with store.read(path) as con:
        return [r[0] for r in con.execute("SELECT name FROM skill ORDER BY name").fetchall()]


def _add(path: Path, name: str, settings: Settings | None = None) -> None:
    with store.write(path, settings) as con:
        skills.upsert_taxonomy(con, pl.DataFrame({"name": [name], "category": ["test"]}))


def test_first_write_creates_versioned_symlink(db_path: Path) -> None:
    _add(db_path, "Rust")
    assert db_path.is_symlink()
    target = Path(os.path.realpath(db_path))
    assert target.parent == store.versions_dir(db_path)
    assert not Path(str(target) + ".wal").exists()
    assert _names(db_path) == ["Rust"]


def test_failed_write_leaves_database_exactly_as_before(db_path: Path) -> None:
    _add(db_path, "Rust")
    before_target = os.readlink(db_path)
    before_files = sorted(p.name for p in store.versions_dir(db_path).iterdir())
    with pytest.raises(RuntimeError), store.write(db_path) as con:
        skills.upsert_taxonomy(con, pl.DataFrame({"name": ["Go"], "category": ["test"]}))
        raise RuntimeError("simulated failure after a partial change")
    assert os.readlink(db_path) == before_target
    assert sorted(p.name for p in store.versions_dir(db_path).iterdir()) == before_files
    assert _names(db_path) == ["Rust"]


def test_failed_first_write_creates_nothing(db_path: Path) -> None:
    with pytest.raises(RuntimeError), store.write(db_path):
        raise RuntimeError("boom")
    assert not db_path.exists() and not db_path.is_symlink()
    assert list(store.versions_dir(db_path).glob("*.duckdb")) == []


def test_old_versions_are_collected(db_path: Path) -> None:
    settings = Settings(keep_versions=2)
    for name in ("A", "B", "C", "D"):
        _add(db_path, name, settings)
    files = sorted(p.name for p in store.versions_dir(db_path).glob("*.duckdb"))
    assert files == ["v000003.duckdb", "v000004.duckdb"]
    assert _names(db_path) == ["A", "B", "C", "D"]


def test_live_reader_follows_new_versions_while_holding_old(db_path: Path) -> None:
    _add(db_path, "Rust")
    reader = store.LiveReader(db_path)
    con = reader.connection()
    assert con.execute("SELECT count(*) FROM skill").fetchone() == (1,)
    first = reader.version
    _add(db_path, "Go")  # a writer publishes while the reader holds the old file open
    con = reader.connection()
    assert reader.version != first
    assert con.execute("SELECT count(*) FROM skill").fetchone() == (2,)
    reader.close()


def test_reader_connection_is_locked_down(db_path: Path) -> None:
    _add(db_path, "Rust")
    with store.read(db_path) as con:
        with pytest.raises(duckdb.Error):
            con.execute("INSERT INTO skill (name, name_key) VALUES ('x', 'x')")
        with pytest.raises(duckdb.Error):
            con.execute("SET enable_external_access = true")


def test_writer_in_another_process_does_not_block_reader(db_path: Path) -> None:
    _add(db_path, "Rust")
    reader = store.LiveReader(db_path)
    assert reader.connection().execute("SELECT count(*) FROM skill").fetchone() == (1,)
    code = (
        "import polars as pl, sys\n"
        "from data import store, skills\n"
        "with store.write(sys.argv[1]) as con:\n"
        "    skills.upsert_taxonomy(con, pl.DataFrame({'name': ['Go'], 'category': ['t']}))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(db_path)], check=True, timeout=60)
    assert reader.connection().execute("SELECT count(*) FROM skill").fetchone() == (2,)
    reader.close()


def test_not_a_duckdb_file_is_a_clear_error(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.duckdb"
    bogus.write_text("this is not a database\n" * 50)
    with pytest.raises(DatabaseError, match="not a DuckDB database"), store.write(bogus):
        pass
    assert bogus.read_text().startswith("this is not a database")


def test_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="no database here"):
        store.resolve(tmp_path / "absent.duckdb")


def test_plain_duckdb_file_is_migrated_and_written_in_place(tmp_path: Path) -> None:
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    _add(plain, "Rust")
    assert not plain.is_symlink()
    assert _names(plain) == ["Rust"]


def test_locked_plain_file_is_a_clear_error(tmp_path: Path) -> None:
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
         "time.sleep(30)", str(plain)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(DatabaseError, match="locked"), store.write(plain):
            pass
    finally:
        holder.kill()
        holder.wait()


def test_newer_schema_is_refused(db_path: Path) -> None:
    _add(db_path, "Rust")
    target = os.path.realpath(db_path)
    con = duckdb.connect(target)
    con.execute("INSERT INTO schema_version (version) VALUES (999)")
    con.close()
    with pytest.raises(DatabaseError, match="newer"), store.write(db_path):
        pass


def test_migrations_apply_once_and_record_versions() -> None:
    con = store.memory()
    assert store.schema_version(con) == store.latest_schema_version()
    assert store.migrate(con) == store.latest_schema_version()
    versions = [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()]
    assert versions == sorted({v for v, _ in sqlfiles.migrations()})


def test_a_migration_that_landed_after_a_higher_one_is_still_applied(db_path: Path) -> None:
    """Migrations are written in parallel: a database that already has 1 and 3 gets 2 too."""
    every = dict(sqlfiles.migrations())
    assert len(every) >= 3
    skipped = sorted(every)[1]
    con = duckdb.connect(str(db_path))  # every migration but ``skipped``, as a database would be
    con.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                "applied_at TIMESTAMP DEFAULT current_timestamp)")
    for version, text in sorted(every.items()):
        if version != skipped:
            con.execute(text)
            con.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
    assert store.pending_versions(con) == [skipped]
    assert store.migrate(con) == max(every)
    assert store.pending_versions(con) == []
    assert store.applied_versions(con) == set(every)
    con.close()


def test_failed_in_place_write_also_rolls_back_the_schema_upgrade(tmp_path: Path) -> None:
    plain = tmp_path / "plain.duckdb"
    duckdb.connect(str(plain)).close()
    with pytest.raises(RuntimeError), store.write(plain):
        raise RuntimeError("boom")
    con = duckdb.connect(str(plain), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM information_schema.tables").fetchall() == [(0,)]
    finally:
        con.close()


def test_lock_timeout_is_a_setting() -> None:
    assert Settings.from_env({"SKILLPULSE_LOCK_TIMEOUT": "0.5"}).lock_timeout == 0.5


def test_a_csv_given_as_database_is_refused_not_silently_ignored(tmp_path: Path) -> None:
    victim = tmp_path / "victim.csv"
    victim.write_text("skill,period,value\nRust,2024-01,3\n")
    with pytest.raises(DatabaseError, match="not a DuckDB database"), store.write(victim):
        pass
    assert victim.read_text() == "skill,period,value\nRust,2024-01,3\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["victim.csv"]  # no lock file left


def test_failed_first_write_leaves_no_versions_folder(db_path: Path) -> None:
    with pytest.raises(RuntimeError), store.write(db_path):
        raise RuntimeError("boom")
    assert not store.versions_dir(db_path).exists()
