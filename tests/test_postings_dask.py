"""Raw postings with ``--engine dask``: skills extracted on the workers of a 2-worker cluster on
127.0.0.1, monthly counts, totals and statistics identical to the local path."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from skillpulse.data import store
from skillpulse.data.cluster import dask_client
from skillpulse.data.demo_postings import generate_postings
from skillpulse.data.postings import postings_to_frame

from tests.forecast_fixtures import read_table, run_cli

pytest.importorskip("distributed")
pytestmark = pytest.mark.xdist_group("dask")

SERIES = ("SELECT k.name AS skill, s.region, s.occupation, o.period, o.value, o.total "
          "FROM observation o JOIN series s USING (series_id) JOIN skill k USING (skill_id) ORDER BY ALL")


@pytest.fixture(scope="module")
def postings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("postings")
    df = generate_postings(3000, 11, dt.date(2018, 1, 1), 36)
    for i, part in enumerate(df.iter_slices(1000)):  # three files: the CLI reads a glob
        part.write_csv(folder / f"part{i}.csv")
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    """A 2-worker LocalCluster on 127.0.0.1, as the command starts one (``dask_client``)."""
    with dask_client(None, jobs=2) as c:
        yield c


def test_dask_extraction_counts_like_the_local_path(postings: Path, client: object) -> None:
    path = postings / "part0.csv"
    with store.memory() as con:
        local, local_stats = postings_to_frame(path, con, jobs=1, chunk_rows=150)
        remote, remote_stats = postings_to_frame(path, con, chunk_rows=150, client=client)
    assert local.height > 100 and local["skill"].n_unique() > 10
    assert remote.equals(local)
    assert remote_stats == local_stats


def test_cli_ingest_postings_glob_with_dask_stores_the_same_counts(postings: Path, tmp_path: Path) -> None:
    pattern = str(postings / "part*.csv")
    local_db, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    assert run_cli(["ingest", pattern, "--format", "postings", "--db", str(local_db)]) == 0
    assert run_cli(["ingest", pattern, "--format", "postings", "--engine", "dask", "--db",
                    str(dask_db)]) == 0
    local, remote = read_table(local_db, SERIES), read_table(dask_db, SERIES)
    assert local.height > 100
    assert remote.equals(local)
    files = read_table(dask_db, "SELECT count(*) AS n FROM ingest_batch")["n"][0]
    assert files == 3


def test_a_glob_matching_nothing_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pattern = str(tmp_path / "none*.csv")
    assert run_cli(["ingest", pattern, "--format", "postings", "--db", str(tmp_path / "x.duckdb")]) == 2
    assert "no file matches this pattern" in capsys.readouterr().err


def test_scheduler_without_dask_engine_is_a_usage_error(postings: Path, tmp_path: Path) -> None:
    assert run_cli(["ingest", str(postings / "part0.csv"), "--format", "postings", "--scheduler",
                    "tcp://127.0.0.1:1", "--db", str(tmp_path / "x.duckdb")]) == 2
    assert not (tmp_path / "x.duckdb").exists()
