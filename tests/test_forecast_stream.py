"""Streaming forecast runs: buckets spilled to a spool beside the database, removed however the
run ends (a killed run's by the next write); a small, fixed number of bytes per series kept in
memory for the run-wide step; DuckDB capped while it reads and inserts."""
from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from skillpulse.data import store
from skillpulse.models import batch

from tests.forecast_fixtures import build_db, read_table


def _spools(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.spool-*"))


def test_a_run_spills_beside_the_database_and_leaves_nothing(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_db(tmp_path / "s.duckdb")
    seen: list[tuple[Path, list[str]]] = []
    real = batch.publish

    def publish(db, spool, *a, **kw):  # type: ignore[no-untyped-def]
        run_id = real(db, spool, *a, **kw)
        seen.append((spool.folder, sorted(p.name for p in spool.folder.iterdir())))
        return run_id

    monkeypatch.setattr(batch, "publish", publish)
    run_id = batch.run_forecast(path, horizon=6, jobs=1, bucket_size=2)
    folder, names = seen[0]
    assert folder.parent == path.parent and folder.name.startswith(f".{path.name}.spool-")
    # the market bucket (0) and three buckets of two series, each with its four spilled tables
    for kind in ("forecast", "backtest", "evidence", "outlook"):
        assert [n for n in names if n.endswith(f".{kind}.parquet")] == [
            f"{i:07d}.{kind}.parquet" for i in range(4)]
    assert not _spools(path) and not folder.exists()
    n = read_table(path, "SELECT count(*) AS n FROM outlook WHERE run_id = $r", r=run_id)
    assert n["n"][0] == 6


def test_a_killed_runs_spool_goes_at_the_next_write_a_live_one_stays(tmp_path: Path) -> None:
    path = build_db(tmp_path / "k.duckdb")
    killed = path.parent / f".{path.name}.spool-killed"
    killed.mkdir()
    (killed / ".owner").touch()  # nobody holds its lock: its run is gone
    (killed / "0000001.forecast.parquet").write_bytes(b"x" * 100)
    live = path.parent / f".{path.name}.spool-live"
    live.mkdir()
    fd = os.open(str(live / ".owner"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a running forecast holds it
        with store.write(path):
            pass
        assert not killed.exists() and live.exists()
    finally:
        os.close(fd)
    with store.spool(path) as mine:
        with store.write(path):
            pass
        assert mine.exists()  # the process's own spool is live too
    assert not mine.exists()
    with store.write(path):
        pass
    assert not live.exists()


def test_run_wide_keeps_a_few_bytes_per_series(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_db(tmp_path / "b.duckdb")
    kept: list[int] = []
    real = batch.Spool.run_wide

    def run_wide(self: batch.Spool):  # type: ignore[no-untyped-def]
        kept.append(sum(a.nbytes for part in self.gathered.values() for a in part))
        kept.append(sum(self.rows.values()))
        return real(self)

    monkeypatch.setattr(batch.Spool, "run_wide", run_wide)
    batch.run_forecast(path, horizon=6, jobs=1, bucket_size=4)
    nbytes, series = kept
    assert series == 6 and nbytes == series * batch.GATHERED_BYTES_PER_SERIES


def test_duckdb_is_capped_while_a_run_reads_inserts_and_summarises(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_db(tmp_path / "m.duckdb")
    limits: dict[str, set[str]] = {"read": set(), "insert": set(), "summaries": set()}

    def limit(con) -> str:  # type: ignore[no-untyped-def]
        return str(con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0])

    def recorded(kind: str, real):  # type: ignore[no-untyped-def]
        def call(con, *a, **kw):  # type: ignore[no-untyped-def]
            limits[kind].add(limit(con))
            return real(con, *a, **kw)
        return call

    monkeypatch.setattr(batch, "read_packed", recorded("read", batch.read_packed))
    monkeypatch.setattr(batch, "insert_frame", recorded("insert", batch.insert_frame))
    monkeypatch.setattr(batch, "write_summaries", recorded("summaries", batch.write_summaries))
    monkeypatch.setenv("SKILLPULSE_RUN_DUCKDB_MEMORY", "48MB")
    monkeypatch.setenv("SKILLPULSE_SUMMARY_DUCKDB_MEMORY", "96MB")
    # per row of each table, visible at this size
    monkeypatch.setattr(batch, "INDEX_BYTES_PER_ROW", {"outlook": 10**6, "backtest": 3 * 10**6})
    run_id = batch.run_forecast(path, horizon=6, jobs=1)
    rows = read_table(path, "SELECT (SELECT count(*) FROM outlook WHERE run_id = $r) AS outlook, "
                            "(SELECT count(*) FROM backtest WHERE run_id = $r) AS backtest", r=run_id)
    room = 10**6 * int(rows["outlook"][0]) + 3 * 10**6 * int(rows["backtest"][0])
    assert int(rows["backtest"][0]) > 0

    def mib(mb: int) -> float:  # the cap, plus room for the rows' index
        return (mb * 10**6 + room) / 2**20

    assert limits["read"] == {"45.7 MiB"}  # DuckDB reports MiB, to 0.1
    for kind, mb in (("insert", 48), ("summaries", 96)):
        (shown,) = limits[kind]
        assert shown.endswith(" MiB") and abs(float(shown.split()[0]) - mib(mb)) < 0.1, kind


def test_memory_sizes_raised_as_duckdb_reads_them() -> None:
    assert store.plus_bytes("64MB", 0) == "64000000B"
    assert store.plus_bytes(" 1.5 GiB", 10) == f"{int(1.5 * 2**30) + 10}B"
    assert store.plus_bytes("256kb", 1) == "256001B"
    assert store.plus_bytes("80%", 10) == "80%"  # not a size: DuckDB's own reading


def test_the_bucket_tables_are_identical_to_a_whole_read(tmp_path: Path) -> None:
    """Paged reading (a page of series, then its observations) gives the buckets one read of
    every series gives, cut the same way."""
    path = build_db(tmp_path / "p.duckdb")
    with store.read(path) as con:
        cur = con.cursor()
        paged = [t for _, t in batch.iter_buckets(cur, as_of=None, bucket_size=2, market={})]
        whole = batch.bucket_table(batch.read_packed(cur, batch.series_meta(cur, market=False), None), {})
        cur.close()
    assert [t.num_rows for t in paged] == [2, 2, 1]
    assert repr([r for t in paged for r in t.to_pylist()]) == repr(whole.to_pylist())  # NaN gaps


def test_a_query_streams_in_parts_of_the_size_asked(tmp_path: Path) -> None:
    path = build_db(tmp_path / "q.duckdb")
    with store.read(path) as con:
        parts = list(store.stream(con, "forecast_series", 4, market=None, n=None))
        whole = batch.series_meta(con)
    assert [p.height for p in parts] == [4, 2]
    assert parts[0].vstack(parts[1]).equals(whole)


def test_a_run_beside_an_open_reader_in_the_same_process(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A server and a run in one process (DuckDB shares one instance per file and process):
    the run opens the file the reader holds under the reader's configuration, and publishes."""
    path = build_db(tmp_path / "r.duckdb")
    monkeypatch.setenv("SKILLPULSE_RUN_DUCKDB_MEMORY", "64MB")
    with store.read(path) as reader:
        before = read_table(path, "SELECT * FROM forecast_run").height
        batch.run_forecast(path, horizon=6, jobs=1)
        assert reader.sql("SELECT count(*) FROM skill").fetchall()[0][0] > 0
    assert read_table(path, "SELECT * FROM forecast_run").height == before + 1


def test_a_connection_clash_is_not_called_a_foreign_file(tmp_path: Path) -> None:
    import duckdb

    exc = duckdb.ConnectionException("Connection Error: Can't open a connection to same database "
                                     "file with a different configuration than existing connections")
    msg = str(store._friendly(tmp_path / "x.duckdb", exc))
    assert "not a DuckDB database file" not in msg and "different configuration" in msg
