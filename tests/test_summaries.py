"""Dashboard summaries (migration 004): written when a run is published, equal to the queries they
stand for, ignored once an ingest or a taxonomy change makes them stale, and optional (an old
database without them is read directly)."""
from __future__ import annotations

import datetime as dt
from functools import partial
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from skillpulse.dashboard import queries
from skillpulse.data import store, summaries
from skillpulse.data.sqlfiles import load_sql

from tests import fixtures_app as fx
from tests.fixtures_app import add_run, build_db, load_frame

dash_db = fx.dash_db


def _direct_and_stored(path: Path) -> list[tuple[str, pl.DataFrame, pl.DataFrame | None]]:
    with store.read(path) as con:
        out = []
        for run_id in store.query(con, "dash_runs")["run_id"].to_list():
            for name, params in summaries.requests(run_id):
                # the categories' growth takes its slice of years (none: every year)
                whole = ({"first_year": None, "last_year": None}
                         if name == "dash_category_growth" else {})
                out.append((f"{name} {params}", store.query(con, name, **params, **whole),
                            summaries.read(con, name, params)))
    return out


def test_every_run_has_summaries_equal_to_the_queries(dash_db: Path) -> None:
    """Both runs of the demo fixture (real forecasts, the second published after the first)."""
    pairs = _direct_and_stored(dash_db)
    assert len(pairs) == 2 * len(summaries.requests(1))
    for label, direct, stored in pairs:
        assert stored is not None, label
        assert_frame_equal(stored, direct, check_exact=True), label
    status = [p for p in pairs if p[0].startswith("dash_status_counts")]
    assert all(p[1]["n"].sum() > 0 for p in status)


def test_pages_read_the_summaries(dash_db: Path) -> None:
    db = queries.Db(dash_db, cache_size=0)
    run_id = int(queries.runs(db)["run_id"][0])
    with store.read(dash_db) as con:
        at = summaries.stamp(con)
    stored = {}
    original = summaries.fetch

    def spy(con, index, name, params):  # type: ignore[no-untyped-def]
        hit = original(con, index, name, params)
        stored[name] = hit is not None and summaries.stamp(con) == index.stamp == at
        return hit

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(summaries, "fetch", spy)
        queries.status_counts(db, run_id)
        queries.movers(db, run_id, 1)
        queries.movers(db, run_id, -1, n=3)
        queries.market_context(db, run_id)
        queries.category_growth(db)
        queries.category_top_skills(db, run_id)
        queries.backtest_scorecard(db, run_id)
        queries.skill_options(db)
        queries.market_history(db, run_id)
    assert stored and all(stored.values()), stored
    assert "dash_market_history" in stored


def test_stale_after_an_ingest_or_a_rename(tmp_path: Path) -> None:
    path = build_db(tmp_path / "stale.duckdb", n_skills=12, runs=1, real_forecast=False)
    db = queries.Db(path, cache_size=0)
    run_id = int(queries.runs(db)["run_id"][0])
    extra = pl.DataFrame({"skill": ["Brand New Skill"] * 30,
                          "period": pl.date_range(dt.date(2015, 1, 1), dt.date(2017, 6, 1), "1mo",
                                                  eager=True),
                          "value": [float(i) for i in range(30)]})
    with store.write(path) as con:
        frame = extra.with_columns(pl.lit(None, dtype=pl.Float64).alias("total"),
                                   pl.lit("").alias("source"), pl.lit("").alias("region"),
                                   pl.lit("").alias("occupation"), pl.lit("count").alias("measure"))
        load_frame(con, frame, pl.DataFrame({"name": ["Brand New Skill"], "category": ["new"]}))
    with store.read(path) as con:
        assert summaries.read(con, "dash_skill_options", summaries.market_params()) is None
        direct = store.query(con, "dash_skill_options", **summaries.market_params())
    assert "Brand New Skill" in queries.skill_options(db)["name"].to_list()
    assert_frame_equal(queries.skill_options(db), direct)
    # a new run summarises the new state again
    add_run(path, real_forecast=False)
    db = queries.Db(path, cache_size=0)
    newest = int(queries.runs(db)["run_id"][0])
    assert newest > run_id
    with store.read(path) as con:
        assert summaries.read(con, "dash_skill_options", summaries.market_params()) is not None
        before = summaries.stamp(con)
        name = store.query(con, "dash_movers", **summaries.movers_params(newest, 1, 10))["skill"][0]
    with store.write(path) as con:
        store.execute(con, "taxonomy_rename_skill", old_name=name, new_name=name + " Renamed")
    with store.read(path) as con:
        assert summaries.stamp(con) != before
    assert (name + " Renamed") in queries.movers(db, newest, 1)["skill"].to_list()


def test_old_database_without_summaries(tmp_path: Path) -> None:
    """A database from before migration 004 (no summary table) is read directly."""
    path = build_db(tmp_path / "old.duckdb", n_skills=8, runs=1, real_forecast=False)
    with store.write(path) as con:
        expected = store.query(con, "dash_status_counts", **summaries.run_params(1))
        con.execute("DROP TABLE summary")
        con.execute("DELETE FROM schema_version WHERE version IN (4, 5)")
    db = queries.Db(path, cache_size=0)
    with store.read(path) as con:
        assert not summaries.available(con)
    assert_frame_equal(queries.status_counts(db, 1).sort("status"), expected.sort("status"))
    assert queries.market_context(db, 1).height > 0
    store.ensure_current(path)  # the upgrade adds the table; the next run fills it
    with store.read(path) as con:
        assert summaries.available(con)
        assert summaries.read(con, "dash_status_counts", summaries.run_params(1)) is None


def test_changes_are_read_from_the_summary_written_after_the_run(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from skillpulse.services import changes as changes_service

    path = build_db(tmp_path / "ch.duckdb", n_skills=12, runs=2, real_forecast=False)
    with store.write(path) as con:
        assert changes_service.summarise(con, 1) is None  # a first run: nothing to compare
        written = changes_service.summarise(con, 2)
    assert written is not None and written.table.height > 0
    with store.read(path) as con:
        direct = changes_service.compute_changes(partial(store.query, con), 1, 2)
    monkeypatch.setattr(queries, "compute_changes", lambda *a, **k: pytest.fail("recomputed"))
    db = queries.Db(path, cache_size=0)
    for before, after in ((None, 2), (1, 2), (None, None)):
        got = queries.changes(db, before, after)
        assert got.pair == direct.pair
        assert_frame_equal(got.table, direct.table)


def test_a_read_fetches_one_frame_by_its_key(tmp_path: Path) -> None:
    """A summary read never scans the stored frames (migration 005): a huge stored frame (the
    changes of a run at a million series) is not read when another summary is asked for."""
    path = build_db(tmp_path / "keyed.duckdb", n_skills=8, runs=1, real_forecast=False)
    big = pl.DataFrame({"x": list(range(2_000_000))})
    with store.write(path) as con:
        summaries.put(con, 1, "huge", {"n": 1}, big)
    params = summaries.run_params(1)
    with store.read(path) as con:
        found = summaries.index(con).find("dash_status_counts", params)
        assert found is not None
        plan = con.execute("EXPLAIN ANALYZE " + load_sql("summary_frame"), {"id": found}).fetchall()[0][1]
        assert "Index Scan" in plan, plan
        profile = con.execute("EXPLAIN ANALYZE " + load_sql("summary_read")).fetchall()[0][1]
        assert "frame" not in profile, profile
        assert_frame_equal(summaries.read(con, "dash_status_counts", params),
                           store.query(con, "dash_status_counts", **params))
        assert_frame_equal(summaries.read(con, "huge", {"n": 1}), big)


def _fetches_without_recomputing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the summaries fetched from now on; comparing two runs again fails the test."""
    original = summaries.fetch
    asked: list[str] = []

    def spy(con, index, name, params):  # type: ignore[no-untyped-def]
        asked.append(name)
        return original(con, index, name, params)

    monkeypatch.setattr(summaries, "fetch", spy)
    monkeypatch.setattr(queries, "compute_changes", lambda *a, **k: pytest.fail("recomputed"))
    return asked


def test_the_overview_reads_the_counts_of_the_changes_not_the_changes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from skillpulse.services import changes as changes_service

    path = build_db(tmp_path / "counts.duckdb", n_skills=12, runs=2, real_forecast=False)
    with store.write(path) as con:
        written = changes_service.summarise(con, 2)
    assert written is not None
    db = queries.Db(path, cache_size=0)
    asked = _fetches_without_recomputing(monkeypatch)
    pair, counts, total = queries.change_counts(db, None, 2)
    assert (pair, counts, total) == (written.pair, written.counts(), written.table.height)
    assert asked == [changes_service.COUNTS]
    # without the counts (a run published before them) the changes give the same numbers
    with store.write(path) as con:
        con.execute("DELETE FROM summary WHERE name = $n", {"n": changes_service.COUNTS})
    db = queries.Db(path, cache_size=0)
    asked.clear()
    assert queries.change_counts(db, None, 2) == (pair, counts, total)
    assert asked == [changes_service.COUNTS, changes_service.SUMMARY]


def test_the_changes_page_reads_the_listed_changes_not_all_of_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At a million series a run's changes are 575,000 rows (0.5-0.8 s to read): the page lists
    the first ``LISTED`` from a summary of their own, with the counts of all of them."""
    from skillpulse.services import changes as changes_service

    monkeypatch.setattr(changes_service, "LISTED", 3)
    monkeypatch.setattr(queries, "LISTED", 3)
    path = build_db(tmp_path / "listed.duckdb", n_skills=12, runs=2, real_forecast=False)
    with store.write(path) as con:
        written = changes_service.summarise(con, 2)
    assert written is not None and written.table.height > 3
    asked = _fetches_without_recomputing(monkeypatch)
    listed, counts, total = queries.listed_changes(queries.Db(path, cache_size=0), None, 2)
    assert listed.pair == written.pair
    assert_frame_equal(listed.table, written.table.head(3))
    assert (counts, total) == (written.counts(), written.table.height)
    assert asked == [changes_service.LISTED_SUMMARY, changes_service.COUNTS]
    # a run published before the listed summary: the same from all its changes
    with store.write(path) as con:
        con.execute("DELETE FROM summary WHERE name = $n", {"n": changes_service.LISTED_SUMMARY})
    asked.clear()
    again = queries.listed_changes(queries.Db(path, cache_size=0), None, 2)
    assert_frame_equal(again[0].table, listed.table) and again[1:] == (counts, total)
    assert changes_service.SUMMARY in asked


def test_the_summaries_of_a_version_are_looked_up_once(dash_db: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """With the query cache off a summary costs one query (its frame): which summaries a
    published version holds is read once per connection (a new version: test_stale_…)."""
    db = queries.Db(dash_db, cache_size=0)
    original = summaries.index
    looked: list[int] = []

    def spy(con):  # type: ignore[no-untyped-def]
        looked.append(1)
        return original(con)

    monkeypatch.setattr(summaries, "index", spy)
    run_id = int(queries.runs(db)["run_id"][0])
    for _ in range(3):
        queries.status_counts(db, run_id)
        queries.movers(db, run_id, 1)
        queries.freshness(db)
    assert len(looked) == 1
    with store.read(dash_db) as con:
        assert_frame_equal(queries.freshness(db),
                           store.query(con, "dash_freshness", **summaries.market_params()))


def test_market_context_a_slice_of_months_at_a_time(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer's medians, computed a few months at a time (bounded memory), are the direct
    query's numbers to the last bit: every status group, every month, in the query's order."""
    path = build_db(tmp_path / "slices.duckdb", n_skills=16, segments=2, runs=1, real_forecast=False)
    with store.read(path) as con:
        counts = store.query(con, "summary_period_counts")
        months = counts.height
        per_month = int(counts["n"].max())
    # 7 months a slice: uneven slices, the last one shorter; one month alone when over budget
    monkeypatch.setattr(summaries, "SLICE_VALUES", 7 * per_month)
    assert [len(pl.date_range(a, b, "1mo", eager=True))
            for a, b in summaries.month_slices(counts)] == [7] * (months // 7) + (
        [months % 7] if months % 7 else [])
    assert len(summaries.month_slices(counts, budget=1)) == months
    run_id = add_run(path, real_forecast=False)
    with store.read(path) as con:
        for run in (run_id, None):
            params = summaries.market_context_params(run)
            direct = store.query(con, "dash_market_context", **params)
            assert direct["period"].n_unique() == months
            assert_frame_equal(summaries.market_context(con, params), direct, check_exact=True)
        assert direct["grp"].n_unique() == 1
        stored = summaries.read(con, "dash_market_context", summaries.market_context_params(run_id))
        assert stored is not None and stored["grp"].n_unique() > 1
        assert_frame_equal(stored, store.query(con, "dash_market_context",
                                               **summaries.market_context_params(run_id)),
                           check_exact=True)


def test_category_growth_a_slice_of_years_at_a_time(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The categories' yearly medians, computed a few years at a time (bounded memory; each
    slice reads the year before it for the growth), are the whole query's numbers to the last bit,
    and what the pages read, with or without the run's summary."""
    path = build_db(tmp_path / "years.duckdb", n_skills=16, segments=2, runs=1, real_forecast=False)
    with store.read(path) as con:
        counts = store.query(con, "summary_period_counts")
        per_year = int(counts["n"].max())
        params = summaries.market_params()
        whole = store.query(con, "dash_category_growth", **params, first_year=None, last_year=None)
        years = whole["year"].unique().sort().to_list()
        assert len(years) >= 5 and whole["growth_pct"].is_not_null().sum() > 0
        # 2 years a slice: uneven slices, the last one shorter; one year alone when over budget
        monkeypatch.setattr(summaries, "SLICE_SERIES_YEARS", 2 * per_year)
        slices = summaries.year_slices(counts)
        assert [b - a + 1 for a, b in slices] == [2] * (len(years) // 2) + (
            [1] if len(years) % 2 else [])
        assert len(summaries.year_slices(counts, budget=1)) == len(years)
        assert_frame_equal(summaries.category_growth(con, params), whole, check_exact=True)
        # one slice alone reports its years only, their growths read from the year before
        first, last = slices[1]
        part = store.query(con, "dash_category_growth", **params, first_year=first, last_year=last)
        assert_frame_equal(part, whole.filter(pl.col("year").is_between(first, last)),
                           check_exact=True)
    db = queries.Db(path, cache_size=0)
    assert_frame_equal(queries.category_growth(db), whole, check_exact=True)
    with store.write(path) as con:
        con.execute("DELETE FROM summary WHERE name = 'dash_category_growth'")
    assert_frame_equal(queries.category_growth(queries.Db(path, cache_size=0)), whole,
                       check_exact=True)
