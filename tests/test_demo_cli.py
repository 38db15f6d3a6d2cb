"""``skillpulse demo --no-serve`` end to end on a temporary path, and rebuilding over it."""
from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from dashboard.cli import cli
from data import store
from data.demo_samples import sample_paths
from data.planning_io import read_courses, read_inventory

HAS_FORECAST = importlib.util.find_spec("models.batch") is not None
pytestmark = pytest.mark.slow if HAS_FORECAST else []


def _series(db: Path) -> pl.DataFrame:
    with store.read(db) as con:
        # a fresh cursor: the read connection may hold an unfinished schema-version result
        return con.cursor().sql(
            "SELECT k.name, k.category, s.source, count(*) AS months FROM observation o "
            "JOIN series s USING (series_id) JOIN skill k USING (skill_id) "
            "GROUP BY ALL").pl()


def test_demo_builds_offline_and_rebuilds(tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    runner = CliRunner()
    t0 = time.perf_counter()
    res = runner.invoke(cli, ["demo", "--db", str(db), "--no-serve"])
    elapsed = time.perf_counter() - t0
    assert res.exit_code == 0, res.output
    assert "built" in res.output and "skillpulse serve --db" in res.output
    series = _series(db)
    demo = series.filter(pl.col("source") == "demo")
    assert demo.height == 321  # 320 skills + the market
    market = demo.filter(pl.col("category") == store.MARKET_CATEGORY)
    assert market["name"].to_list() == [store.MARKET_SKILL]
    assert (demo.filter(pl.col("category") != "market")["category"] != "uncategorised").all()
    courses, inventory = sample_paths(db)
    assert 35 <= read_courses(courses).height <= 45
    assert read_inventory(inventory)["person"].n_unique() == 25
    if HAS_FORECAST:
        with store.read(db) as con:
            assert store.query(con.cursor(), "latest_run").height == 1
        res = runner.invoke(cli, ["catalogue", str(courses), "--db", str(db)])
        assert res.exit_code == 0, res.output
        assert "retire" in res.stdout and "build" in res.stdout
    else:
        assert elapsed < 10
    first = Path(store.resolve(db))
    res = runner.invoke(cli, ["demo", "--db", str(db), "--no-serve"])
    assert res.exit_code == 0, res.output
    assert Path(store.resolve(db)) != first  # a new version was published
    again = _series(db).filter(pl.col("source") == "demo")
    assert again.sort("name").equals(demo.sort("name"))  # same data, no duplicate months
