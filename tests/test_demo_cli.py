"""``skillpulse demo --no-serve`` end to end on a temporary path, and rebuilding over it."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from skillpulse.dashboard.cli import cli
from skillpulse.data import store
from skillpulse.data.demo_samples import sample_paths
from skillpulse.data.planning_io import read_courses, read_inventory

pytestmark = pytest.mark.slow


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
    res = runner.invoke(cli, ["demo", "--db", str(db), "--no-serve"])
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
    with store.read(db) as con:
        assert store.query(con.cursor(), "latest_run").height == 1
    res = runner.invoke(cli, ["catalogue", str(courses), "--db", str(db)])
    assert res.exit_code == 0, res.output
    actions = {line.split(",")[2] for line in res.stdout.splitlines()[1:] if line.count(",") >= 4}
    assert {"retire", "refresh", "keep", "build"} <= actions  # the sample shows every action
    first = Path(store.resolve(db))
    res = runner.invoke(cli, ["demo", "--db", str(db), "--no-serve"])
    assert res.exit_code == 0, res.output
    assert Path(store.resolve(db)) != first  # a new version was published
    again = _series(db).filter(pl.col("source") == "demo")
    assert again.sort("name").equals(demo.sort("name"))  # same data, no duplicate months


def test_demo_refuses_to_mix_with_real_data(tmp_path: Path) -> None:
    import datetime as dt

    import polars as pl
    from skillpulse.data.ingest.load import ingest_frame

    db = tmp_path / "mine.duckdb"
    frame = pl.DataFrame({"skill": ["SQL"], "period": [dt.date(2024, 1, 1)], "value": [1.0],
                          "total": [None], "source": ["hr-system"], "region": [""],
                          "occupation": [""], "measure": ["count"]},
                         schema_overrides={"total": pl.Float64})
    with store.write(db) as con:
        ingest_frame(con, frame, source_file="mine.csv", sha256="x" * 64, fmt="long")
    before = store.resolve(db)
    res = CliRunner().invoke(cli, ["demo", "--db", str(db), "--no-serve"])
    assert res.exit_code != 0 and "hr-system" in str(res.exception)
    assert store.resolve(db) == before  # nothing published


def test_demo_serves_through_a_fresh_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without --no-serve the build hands over to 'skillpulse serve' in a fresh interpreter."""
    from skillpulse.dashboard.commands import demo

    calls: list[list[str]] = []
    monkeypatch.setattr(demo, "build_demo", lambda db, **kw: {
        "timings": {"total": 0.1, "generate": 0.0, "ingest": 0.0, "forecast": 0.0}, "courses": "c",
        "inventory": "i"})
    monkeypatch.setattr(demo.os, "execv", lambda exe, argv: calls.append(argv))
    res = CliRunner().invoke(cli, ["demo", "--db", str(tmp_path / "d.duckdb"), "--port", "8123"])
    assert res.exit_code == 0, res.output
    assert "serving" not in res.output  # the served process prints the one "serving http://…" line
    assert calls and calls[0][1:4] == ["-m", "skillpulse", "serve"]
    assert calls[0][-4:] == ["--host", "127.0.0.1", "--port", "8123"]
