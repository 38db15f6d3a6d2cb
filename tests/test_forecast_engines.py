"""The forecast's engines: one pure bucket function; local pool, Dask LocalCluster and a real
``dask scheduler`` + ``dask worker`` processes publish identical runs; a lost worker's bucket is
re-run; a failing bucket publishes nothing."""
from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pytest
from skillpulse.data import store
from skillpulse.data.cluster import LOOPBACK_ANY_PORT, dask_client
from skillpulse.models import batch, bucket, engines
from skillpulse.models.series import analyse

from tests.forecast_fixtures import build_db, read_table, run_cli

distributed = pytest.importorskip("distributed")
pytestmark = pytest.mark.xdist_group("dask")

RUN_TABLES = ("SELECT * EXCLUDE (run_id) FROM forecast WHERE run_id = $r ORDER BY ALL",
              "SELECT * EXCLUDE (run_id) FROM outlook WHERE run_id = $r ORDER BY ALL",
              "SELECT * EXCLUDE (run_id) FROM backtest WHERE run_id = $r ORDER BY ALL")
BIN = Path(sys.executable).parent
_REAL_BUCKET = bucket.forecast_bucket


def _run_rows(path: Path, run_id: int) -> list[pl.DataFrame]:
    return [read_table(path, sql, r=run_id) for sql in RUN_TABLES]


def _assert_same_run(path: Path, a: int, b: int) -> None:
    for sql, x, y in zip(RUN_TABLES, _run_rows(path, a), _run_rows(path, b), strict=True):
        assert x.height > 0
        assert x.equals(y), sql


def _latest_run(path: Path) -> int:
    return int(read_table(path, "SELECT max(run_id) AS r FROM forecast_run")["r"][0])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A small database and its reference run (in this process, one series per bucket)."""
    path = build_db(tmp_path_factory.mktemp("engines") / "engines.duckdb")
    return path, batch.run_forecast(path, horizon=6, jobs=1, bucket_size=1)


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """A 2-worker LocalCluster on 127.0.0.1, as the command starts one (``dask_client``: its
    scratch space removed with it); yields the scheduler address."""
    with dask_client(None, jobs=2) as client:
        yield client.scheduler.address


def _bucket_of(path: Path) -> pa.Table:
    with store.read(path) as con:
        cur = con.cursor()
        try:
            meta = batch.series_meta(cur, market=False)
            return batch.bucket_table(batch.read_packed(cur, meta, None), {})
        finally:
            cur.close()


def test_bucket_function_is_pure_and_keeps_the_evidence(db: tuple[Path, int]) -> None:
    table = _bucket_of(db[0])
    first = bucket.forecast_bucket(table, horizon=6)
    again = bucket.forecast_bucket(table, horizon=6)
    for name in ("forecast", "backtest", "evidence"):  # repr: NaN evidence compares equal
        assert repr(getattr(first, name).to_pylist()) == repr(getattr(again, name).to_pylist()), name
    assert first.evidence.num_rows == table.num_rows
    assert first.forecast.num_rows == 6 * len(first.evidence.column("forecast").drop_null())
    # the evidence read back is the evidence models.series.analyse found (flat market assumed)
    values = table.column("values").to_pylist()
    totals = table.column("totals").to_pylist()
    measures = table.column("measure").to_pylist()
    for i, ev in enumerate(bucket.evidence_records(first.evidence)):
        tot = None if totals[i] is None else np.array(totals[i], dtype=float)
        direct = analyse(np.array(values[i], dtype=float), tot, measures[i], horizon=6).evidence
        assert repr(ev) == repr(direct)


def test_local_pool_publishes_the_same_run(db: tuple[Path, int], monkeypatch: pytest.MonkeyPatch) -> None:
    path, reference = db
    monkeypatch.setattr(batch, "IN_PROCESS_BELOW", 0)
    pooled = batch.run_forecast(path, horizon=6, jobs=2, bucket_size=2)
    _assert_same_run(path, reference, pooled)


def test_cli_dask_local_cluster_publishes_the_same_run(db: tuple[Path, int]) -> None:
    path, reference = db
    assert run_cli(["forecast", "--db", str(path), "--horizon", "6", "--engine", "dask", "--jobs", "2",
                 "--bucket-size", "2"]) == 0
    _assert_same_run(path, reference, _latest_run(path))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_dask_scheduler_and_two_workers_publish_the_same_run(db: tuple[Path, int], tmp_path: Path) -> None:
    """As users run it: ``dask scheduler`` and two ``dask worker`` processes, then the command."""
    path, reference = db
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = dict(os.environ, TMPDIR=str(tmp_path))  # the workers' scratch space goes with the test
    logs = [open(tmp_path / f"dask{i}.log", "wb") for i in range(3)]  # noqa: SIM115
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               address.rsplit(":", 1)[1], "--dashboard-address", LOOPBACK_ANY_PORT],
                              stdout=logs[0], stderr=subprocess.STDOUT, env=env)]
    try:
        procs += [subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads", "1",
                                    "--host", "127.0.0.1", "--dashboard-address", LOOPBACK_ANY_PORT,
                                    "--no-nanny"],
                                   stdout=logs[i], stderr=subprocess.STDOUT, env=env)
                  for i in (1, 2)]
        with distributed.Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=90)
        assert run_cli(["forecast", "--db", str(path), "--horizon", "6", "--engine", "dask",
                        "--scheduler", address, "--bucket-size", "2"]) == 0
        _assert_same_run(path, reference, _latest_run(path))
    finally:
        for p in reversed(procs):
            p.terminate()
        deadline = time.monotonic() + 20
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        for fh in logs:
            fh.close()


def _fail_for(table: pa.Table, *, series_id: int, **params: object) -> bucket.BucketOutput:
    if series_id in table.column("series_id").to_pylist():
        raise ValueError(f"cannot forecast series {series_id} (simulated)")
    return _REAL_BUCKET(table, **params)  # type: ignore[arg-type]


def _die_once(table: pa.Table, *, marker: str, **params: object) -> bucket.BucketOutput:
    if not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()))
        os._exit(1)  # the worker process dies mid-bucket
    return _REAL_BUCKET(table, **params)  # type: ignore[arg-type]


def _some_series(path: Path) -> int:
    return int(_bucket_of(path).column("series_id")[1].as_py())


def test_a_failing_bucket_publishes_nothing(db: tuple[Path, int], cluster: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path, _ = db
    before = (store.resolve(path), _latest_run(path))
    monkeypatch.setattr(bucket, "forecast_bucket", functools.partial(_fail_for, series_id=_some_series(path)))
    with pytest.raises(engines.BucketFailed, match="simulated"):
        batch.run_forecast(path, horizon=6, engine="dask", scheduler=cluster, bucket_size=2)
    assert (store.resolve(path), _latest_run(path)) == before


def test_a_lost_workers_bucket_is_run_again(db: tuple[Path, int], cluster: str, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    path, reference = db
    marker = tmp_path / "died"
    monkeypatch.setattr(bucket, "forecast_bucket", functools.partial(_die_once, marker=str(marker)))
    run = batch.run_forecast(path, horizon=6, engine="dask", scheduler=cluster, bucket_size=2)
    assert marker.exists()  # a worker did die
    _assert_same_run(path, reference, run)


def test_dask_not_installed_is_a_usage_error(db: tuple[Path, int], monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    assert run_cli(["forecast", "--db", str(db[0]), "--engine", "dask"]) == 2
    assert "pip install 'skillpulse[dask]'" in capsys.readouterr().err


def test_scheduler_nobody_listens_on_is_a_usage_error(db: tuple[Path, int], monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SKILLPULSE_DASK_CONNECT_TIMEOUT", "2")
    address = f"tcp://127.0.0.1:{_free_port()}"
    assert run_cli(["forecast", "--db", str(db[0]), "--engine", "dask", "--scheduler", address]) == 2
    assert f"--scheduler {address}: no Dask scheduler answers" in capsys.readouterr().err


def _worker_settings() -> tuple[object, object, str | None]:
    import dask

    return (dask.config.get("distributed.worker.profile.enabled"),
            dask.config.get("distributed.admin.tick.interval"), os.environ.get("OMP_NUM_THREADS"))


def test_the_commands_local_cluster_leaves_the_gil_to_the_buckets() -> None:
    # no profiler thread, a 1 s event-loop tick, one BLAS thread: cluster.WORKER_CONFIG
    with dask_client(None, jobs=2) as client:
        settings = client.run(_worker_settings)
    assert len(settings) == 2
    assert all(s == (False, "1s", "1") for s in settings.values()), settings


def test_the_commands_local_cluster_leaves_nothing_in_the_temporary_directory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask's workers keep a dask-scratch-space (with lock files) in the temporary directory by
    default; the command's cluster keeps it in a directory of its own, removed with it."""
    import tempfile

    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    with dask_client(None, jobs=1) as client:
        assert client.submit(sum, [1, 2]).result() == 3
        assert list(tmp.iterdir())  # the scratch space exists while the cluster runs
    assert not list(tmp.iterdir())
