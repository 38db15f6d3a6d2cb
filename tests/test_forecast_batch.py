"""Forecast runs end to end: tables written, statuses, --as-of, atomicity, packing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from skillpulse.data import store
from skillpulse.models import batch

from tests.forecast_fixtures import build_db, read_table, synthetic_frame


@pytest.fixture(scope="module")
def run_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    path = build_db(tmp_path_factory.mktemp("fc") / "fc.duckdb")
    run_id = batch.run_forecast(path, horizon=12, jobs=1)
    return path, run_id


def _outlook(path: Path, run_id: int) -> pl.DataFrame:
    return read_table(path, "SELECT k.name AS skill, o.* FROM outlook o JOIN series s USING (series_id) "
                            "JOIN skill k USING (skill_id) WHERE run_id = $r", r=run_id)


def test_one_run_with_forecast_outlook_backtest(run_db: tuple[Path, int]) -> None:
    path, run_id = run_db
    run = read_table(path, "SELECT * FROM forecast_run WHERE run_id = $r", r=run_id)
    assert run.height == 1 and run["horizon"][0] == 12 and run["as_of"][0] == dt.date(2021, 12, 1)
    out = _outlook(path, run_id)
    assert out.height == 6  # every series, the market included
    fc = read_table(path, "SELECT * FROM forecast WHERE run_id = $r", r=run_id)
    assert fc.height == 6 * 12
    assert (fc["lower_80"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper_80"]).all()
    bt = read_table(path, "SELECT * FROM backtest WHERE run_id = $r", r=run_id)
    assert "headline" in bt["model"].to_list()


def test_statuses_follow_the_data(run_db: tuple[Path, int]) -> None:
    path, run_id = run_db
    status = dict(_outlook(path, run_id).select("skill", "status").iter_rows())
    assert status["Risingskill"] in ("rising", "emerging")
    assert status["Fadingskill"] in ("declining", "obsolescent")
    assert status["Flatskill"] in ("stable", "uncertain")
    assert status["Newskill"] == "insufficient-history"
    out = _outlook(path, run_id)
    gappy = out.filter(pl.col("skill") == "Gappyskill")
    assert "gaps=3" in gappy["note"][0]


def test_market_relative_growth_is_skill_minus_market(run_db: tuple[Path, int]) -> None:
    path, run_id = run_db
    out = _outlook(path, run_id)
    market = out.filter(pl.col("skill") == store.MARKET_SKILL)["growth_pct"][0]
    row = out.filter(pl.col("skill") == "Flatskill")
    # growth_pct of a count series with totals is on its share of postings; in counts the skill
    # grows by (1 + share growth)(1 + market growth) − 1, minus the market's growth
    g = row["growth_pct"][0] / 100
    assert row["growth_basis"][0] == "share"
    assert row["market_relative_growth_pct"][0] == pytest.approx(100 * g * (1 + market / 100),
                                                                 abs=1.0)


def test_a_share_series_has_no_growth_vs_the_market(tmp_path: Path) -> None:
    """A share of postings is already relative to the market: its growth minus the postings'
    growth mixed two bases (a falling share read as "+7% vs the market" while postings fell),
    so the column is empty for it and kept for a count in the same run."""
    frame = synthetic_frame()
    shares = (frame.filter(pl.col("skill").is_in(["Fadingskill", "Flatskill"]))
              .with_columns((100 * pl.col("value") / pl.col("total")).alias("value"),
                            pl.lit("share").alias("measure"),
                            (pl.col("skill") + " share").alias("skill")))
    path = build_db(tmp_path / "shares.duckdb", pl.concat([frame, shares]))
    run_id = batch.run_forecast(path, horizon=12, jobs=1)
    out = _outlook(path, run_id)
    rel = dict(out.select("skill", "market_relative_growth_pct").iter_rows())
    assert rel["Fadingskill share"] is None and rel["Flatskill share"] is None
    assert rel["Fadingskill"] is not None and rel["Flatskill"] is not None
    assert out.filter(pl.col("skill") == "Fadingskill share")["growth_pct"][0] < 0


def test_a_skill_gone_for_a_year_is_obsolescent_without_a_growth_or_its_interval(
        tmp_path: Path) -> None:
    """Mentioned for years, then not once in the last 20 months: no demand now, so no base to
    grow from (growth_pct empty) and no interval of that growth either; and not "stable"."""
    frame = synthetic_frame()
    fading = frame.filter(pl.col("skill") == "Flatskill")
    gone = fading.with_columns(
        pl.when(pl.int_range(pl.len()) >= fading.height - 20).then(0.0)
        .otherwise(pl.col("value")).alias("value"), pl.lit("Goneskill").alias("skill"))
    path = build_db(tmp_path / "gone.duckdb", pl.concat([frame, gone]))
    run_id = batch.run_forecast(path, horizon=12, jobs=1)
    row = _outlook(path, run_id).filter(pl.col("skill") == "Goneskill").row(0, named=True)
    assert row["status"] == "obsolescent", row["note"]
    assert row["note"].startswith("no demand in the last 12 months"), row["note"]
    assert row["growth_pct"] is None
    assert row["growth_lower_80"] is None and row["growth_upper_80"] is None


def test_as_of_uses_only_data_up_to_that_month(tmp_path: Path) -> None:
    path = build_db(tmp_path / "asof.duckdb")
    run_id = batch.run_forecast(path, horizon=6, as_of=dt.date(2019, 6, 1), jobs=1)
    out = _outlook(path, run_id)
    assert out["last_period"].max() == dt.date(2019, 6, 1)
    fc = read_table(path, "SELECT min(period) AS p FROM forecast WHERE run_id = $r", r=run_id)
    assert fc["p"][0] == dt.date(2019, 7, 1)
    run = read_table(path, "SELECT as_of FROM forecast_run WHERE run_id = $r", r=run_id)
    assert run["as_of"][0] == dt.date(2019, 6, 1)
    # Newskill appears only in the last 10 months of 2021: absent as of 2019-06
    assert "Newskill" not in out["skill"].to_list()


def test_failed_run_leaves_the_database_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_db(tmp_path / "atomic.duckdb")
    before = Path(store.resolve(path))
    real = store.execute
    calls = {"n": 0}

    def fail_on_backtest(con, name, **params):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if name == "forecast_insert_backtest":
            raise RuntimeError("disk full (simulated)")
        return real(con, name, **params)

    monkeypatch.setattr(store, "execute", fail_on_backtest)
    with pytest.raises(RuntimeError, match="simulated"):
        batch.run_forecast(path, horizon=6, jobs=1)
    assert calls["n"] >= 3  # run, forecast and outlook rows were inserted before the failure
    assert Path(store.resolve(path)) == before
    assert not list(path.parent.glob(f".{path.name}.spool-*"))  # the spilled buckets are gone
    n = read_table(path, "SELECT (SELECT count(*) FROM forecast_run) + (SELECT count(*) FROM forecast)"
                         " + (SELECT count(*) FROM outlook) AS n")
    assert n["n"][0] == 0


def test_pool_and_in_process_runs_agree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_db(tmp_path / "pool.duckdb")
    serial = batch.run_forecast(path, horizon=6, jobs=1)
    monkeypatch.setattr(batch, "IN_PROCESS_BELOW", 0)
    reported: list[tuple[int, int | None]] = []
    pooled = batch.run_forecast(path, horizon=6, jobs=2, bucket_size=2,
                                progress=lambda done, total: reported.append((done, total)))
    # the model reports progress through the callback: one call per finished bucket
    assert reported and [d for d, _ in reported] == list(range(1, len(reported) + 1))
    assert {t for _, t in reported} == {len(reported)}
    for sql in ("SELECT * EXCLUDE (run_id) FROM forecast WHERE run_id = $r ORDER BY ALL",
                "SELECT * EXCLUDE (run_id) FROM outlook WHERE run_id = $r ORDER BY ALL",
                "SELECT * EXCLUDE (run_id) FROM backtest WHERE run_id = $r ORDER BY ALL"):
        rows = [read_table(path, sql, r=r) for r in (serial, pooled)]
        assert rows[0].height > 0 and rows[0].equals(rows[1]), sql


def test_pack_places_months_and_gaps() -> None:
    meta = pl.DataFrame({"series_id": [1, 2], "measure": ["count", "share"], "is_market": [False, False],
                         "source": ["", ""], "region": ["", ""]})
    obs = pl.DataFrame({
        "series_id": [1, 1, 2, 2, 2],
        "period": [dt.date(2020, 1, 1), dt.date(2020, 3, 1), dt.date(2019, 12, 1),
                   dt.date(2020, 1, 1), dt.date(2020, 2, 1)],
        "value": [1.0, 3.0, 5.0, 6.0, 7.0], "total": [None, None, 10.0, 10.0, 10.0]})
    p = batch.pack(meta, obs)
    np.testing.assert_array_equal(p.offsets, [0, 3, 6])
    assert np.isnan(p.values[1]) and p.values[2] == 3.0
    np.testing.assert_array_equal(p.values[3:], [5.0, 6.0, 7.0])
    assert batch.month_to_date(int(p.first_month[1])) == dt.date(2019, 12, 1)


def test_as_of_before_any_data_is_a_usage_error(tmp_path: Path) -> None:
    from skillpulse.data.errors import UsageError

    path = build_db(tmp_path / "early.duckdb")
    with pytest.raises(UsageError, match="no observations up to 2001-01"):
        batch.run_forecast(path, as_of=dt.date(2001, 1, 1), jobs=1)


def test_status_agrees_with_the_stored_growth_interval(run_db: tuple[Path, int]) -> None:
    path, run_id = run_db
    out = _outlook(path, run_id)
    rising = out.filter(pl.col("status") == "rising")
    declining = out.filter(pl.col("status") == "declining")
    assert rising.height + declining.height > 0
    assert (rising["growth_lower_80"] > 0).all()
    assert (declining["growth_upper_80"] < 0).all()
    assert out.filter(pl.col("skill") == "Risingskill")["note"][0].startswith("judged on the share")


def test_series_are_read_a_bucket_at_a_time(tmp_path: Path) -> None:
    """Streaming: each bucket holds at most bucket_size whole series; together, every series."""
    path = build_db(tmp_path / "buckets.duckdb")
    with store.read(path) as con:
        cur = con.cursor()
        meta = batch.series_meta(cur, market=False)
        tables = [t for _, t in batch.iter_buckets(cur, as_of=None, bucket_size=2, market={})]
        cur.close()
    assert len(tables) == 3 and all(t.num_rows <= 2 for t in tables)
    ids = [i for t in tables for i in t.column("series_id").to_pylist()]
    assert ids == sorted(meta["series_id"].to_list())
    months = [len(v) for t in tables for v in t.column("values").to_pylist()]
    assert max(months) == 72 and min(months) == 10  # whole series: the short one keeps its 10 months
