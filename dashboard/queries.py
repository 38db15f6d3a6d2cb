"""Typed dashboard queries: one function per ``sql/dash_*.sql``, polars frames out, behind a small
per-process LRU cache.

The cache key is (published database version, query name, parameters): a newly published forecast
run changes the version, so a running server never serves a stale answer and needs no restart.
A request pins one version for all its queries (``Db.pinned``, installed per callback request by
``dashboard.responses``): a publish in the middle of a request never mixes two versions in one answer.
``Settings.cache_size`` bounds the cache (0 turns it off). The ``Db`` object lives on the Flask
app (``app.extensions``), never in a module global: each gunicorn worker builds its own.
"""
from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl
from skillpulse.data import store, summaries
from skillpulse.services import outlook_rows
from skillpulse.services.changes import (
    COUNTS,
    LISTED,
    LISTED_SUMMARY,
    SUMMARY,
    Changes,
    RunPair,
    compute_changes,
    counts_of,
    pick_runs,
    summary_params,
)

EXTENSION_KEY = "skillpulse_db"
log = logging.getLogger("skillpulse.server")
SUMMARISED = frozenset({*(name for name, _ in summaries.requests(0)), SUMMARY, COUNTS,
                        LISTED_SUMMARY})
T = TypeVar("T")
# look-ups run beside a request's own thread (``Db.together``); shared by the process's requests
_LOOKUPS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="skillpulse-lookup")


def _freeze(value: Any) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value  # type: ignore[no-any-return]


class Db:
    """Read-only access to the live database with an LRU cache of query results."""

    def __init__(self, path: str | Path, cache_size: int = 256) -> None:
        self.path = Path(path)
        self.reader = store.LiveReader(self.path)
        self.cache_size = max(0, int(cache_size))
        self._cache: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
        # per connection (a thread's cursor on one version): gone with it
        self._indexes: weakref.WeakKeyDictionary[duckdb.DuckDBPyConnection, summaries.Index | None] = (
            weakref.WeakKeyDictionary())
        self._lock = threading.Lock()
        self._pins = threading.local()
        self._staged = ""
        self._switcher: threading.Thread | None = None
        self._stop = threading.Event()
        self.hits = 0
        self.misses = 0

    def version(self) -> str:
        """The version this request reads: the pinned one, else the published one now (opens the
        newest one if a writer has published)."""
        return self.snapshot()[1]

    def connection(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor on the version this request reads (see ``version``)."""
        return self.snapshot()[0]

    def snapshot(self) -> tuple[duckdb.DuckDBPyConnection, str]:
        pin: tuple[duckdb.DuckDBPyConnection, str] | None = getattr(self._pins, "value", None)
        if pin is not None:
            return pin
        switcher = self._switcher  # while it runs, it adopts new versions; else follow the file
        return self.reader.snapshot(follow=switcher is None or not switcher.is_alive())

    def versions(self) -> frozenset[str]:
        """The versions whose answers may be kept: the one served now and one being warmed."""
        return frozenset(v for v in (self.reader.version, self._staged) if v)

    def switch_when_warm(self, prepare: Callable[[], None], interval: float = 0.2) -> threading.Thread:
        """Adopt each newly published version from a background thread, once ``prepare()`` has run
        on it (in that thread, pinned to the new version: warm-up queries, the popular pages).
        Requests keep reading the version they read, already warm, until then (usually well under
        a second); if the thread ever ends, requests follow the live file themselves again."""
        def loop() -> None:
            said = ""
            while not self._stop.wait(interval):
                try:
                    self.switch(prepare)
                    said = ""
                except Exception as exc:  # keep watching: the next publish may open fine
                    if str(exc) != said:  # once per problem, not every interval
                        log.warning("could not open the newly published version: %s", exc)
                        said = str(exc)

        self._stop.clear()
        self._switcher = threading.Thread(target=loop, name="skillpulse-switcher", daemon=True)
        self._switcher.start()
        return self._switcher

    def stop_switching(self) -> None:
        """End the switcher thread (requests follow the live file themselves again)."""
        self._stop.set()
        if self._switcher is not None:
            self._switcher.join(10)

    def switch(self, prepare: Callable[[], None]) -> bool:
        """Warm the published version with ``prepare()`` and adopt it (False: already served)."""
        target = store.resolve(self.path)
        if str(target) == self.reader.version:
            return False
        con = self.reader.open(target)
        self._staged = str(target)
        started = time.perf_counter()
        try:
            with self._pinned_to(con.cursor(), self._staged):
                prepare()
        except Exception as exc:  # a failed warm-up never keeps the new version from being served
            log.warning("warming %s failed: %s", target.name, exc)
        finally:
            self.reader.adopt(con, target)
            self._staged = ""
        log.info("serving %s (warmed in %.2f s)", target.name, time.perf_counter() - started)
        return True

    def pin(self) -> str:
        """Read one version in this thread until ``unpin`` (nested pins keep the outer one)."""
        pin = getattr(self._pins, "value", None)
        if pin is None:
            pin = self._pins.value = self.snapshot()
        self._pins.depth = getattr(self._pins, "depth", 0) + 1
        return str(pin[1])

    def unpin(self) -> None:
        depth = getattr(self._pins, "depth", 0) - 1
        self._pins.depth = max(depth, 0)
        if depth <= 0:
            self._pins.value = None

    def together(self, *calls: Callable[[], T]) -> list[T]:
        """``[call() for call in calls]``, the calls after the first run in threads of their own
        beside it, every one reading this request's version (each on a cursor of its own: a
        DuckDB cursor serves one thread). DuckDB runs a query without Python's lock, so look-ups
        that do not depend on each other overlap: the explorer's forecast and outlook look-ups at
        a million series took 27 ms side by side against 33 ms one after the other (median of
        60 alternated pairs; not the slowest alone, 20 ms: DuckDB and the Python around the
        queries share two cores)."""
        if len(calls) < 2:
            return [call() for call in calls]
        with self.pinned():
            con, version = self.snapshot()
            futures = [_LOOKUPS.submit(self._pinned_call, con, version, call) for call in calls[1:]]
            try:
                first = calls[0]()
            finally:
                done = [f.result() for f in futures]  # nothing left running on this version
        return [first, *done]

    def _pinned_call(self, con: duckdb.DuckDBPyConnection, version: str, call: Callable[[], T]) -> T:
        cursor = con.cursor()
        try:
            with self._pinned_to(cursor, version):
                return call()
        finally:
            cursor.close()

    @contextlib.contextmanager
    def _pinned_to(self, cursor: duckdb.DuckDBPyConnection, version: str) -> Iterator[None]:
        """This thread reads ``version`` through ``cursor`` in the block (a warm-up, a look-up
        beside a request)."""
        self._pins.value, self._pins.depth = (cursor, version), 1
        try:
            yield
        finally:
            self._pins.value, self._pins.depth = None, 0

    @contextlib.contextmanager
    def pinned(self) -> Iterator[str]:
        """Every query in the block reads the same published version (yielded)."""
        version = self.pin()
        try:
            yield version
        finally:
            self.unpin()

    def query(self, name: str, **params: Any) -> pl.DataFrame:
        """Run ``sql/<name>.sql`` with ``params`` (polars frames are immutable: safe to share);
        an aggregate the run's publication precomputed is read from its summary."""
        def compute(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
            stored = self.summary(con, name, params)
            return stored if stored is not None else store.query(con, name, **params)

        return self.cached(name, compute, **params)

    def summary(self, con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]
                ) -> pl.DataFrame | None:
        """The result of ``name`` with ``params`` stored with a run (``data.summaries``) while
        the store is unchanged since, else ``None``."""
        if name not in SUMMARISED:
            return None
        at = self.summary_index(con)
        return None if at is None else summaries.fetch(con, at, name, params)

    def summary_index(self, con: duckdb.DuckDBPyConnection) -> summaries.Index | None:
        """The summaries of the version ``con`` reads (``None``: a store before them), looked up
        once per connection: a published version never changes (a writer publishes a new one;
        a plain file cannot be written while this process holds it open). Not a query result:
        kept with the query cache off too, so a summary costs one query, its frame."""
        with self._lock:
            if con in self._indexes:
                return self._indexes[con]
        try:
            at: summaries.Index | None = summaries.index(con)
        except (duckdb.CatalogException, duckdb.BinderException):  # before migration 004/005
            at = None
        with self._lock:
            self._indexes[con] = at
        return at

    def cached(self, name: str, compute: Callable[[duckdb.DuckDBPyConnection], T], **params: Any) -> T:
        """``compute(connection)``, cached under (published version, ``name``, ``params``): once
        per published version for derived results too (the pages' demo triage). The value is
        shared between requests: never mutate it."""
        con, version = self.snapshot()
        if self.cache_size == 0:
            return compute(con)
        key = (version, name, tuple(sorted((k, _freeze(v)) for k, v in params.items())))
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                self.hits += 1
                return hit  # type: ignore[no-any-return]
        result = compute(con)
        with self._lock:
            self.misses += 1
            self._cache[key] = result
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return result


def current() -> Db:
    """The ``Db`` of the Flask app serving this request (or app context in tests)."""
    from flask import current_app

    return current_app.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def current_of(app: Any) -> Db:
    """The ``Db`` of a Dash app (outside a request)."""
    return app.server.extensions[EXTENSION_KEY]  # type: ignore[no-any-return]


def _ids(values: Sequence[int]) -> list[int]:
    # DuckDB cannot type an empty list parameter; -1 never matches an id.
    return [int(v) for v in values] or [-1]


def runs(db: Db) -> pl.DataFrame:
    """Forecast runs, newest first: run_id, as_of, horizon, created_at, seconds."""
    return db.query("dash_runs")


def skill_options(db: Db) -> pl.DataFrame:
    """Skills with data (market excluded): skill_id, name, category, n_series."""
    return db.query("dash_skill_options", **summaries.market_params())


def resolve_skills(db: Db, names: Sequence[str]) -> pl.DataFrame:
    """User-given names → skills through aliases, case-insensitively: key, skill_id, name, category."""
    keys = sorted({n.strip().lower() for n in names if n.strip()})
    return db.query("dash_resolve_skills", keys=keys or [""])


def segments(db: Db) -> pl.DataFrame:
    """Segment values with their series counts: source, region, occupation, measure, n."""
    return db.query("dash_segments", **summaries.market_params())


def status_counts(db: Db, run_id: int) -> pl.DataFrame:
    """status, n for run ``run_id``."""
    return db.query("dash_status_counts", **summaries.run_params(run_id))


def movers(db: Db, run_id: int, sign: int, n: int = 10) -> pl.DataFrame:
    """Top ``n`` risers (sign 1: status rising or emerging) or decliners (sign -1: declining or
    obsolescent) of run ``run_id``, most confident first; fewer (or none) when few qualify."""
    return db.query("dash_movers", **summaries.movers_params(run_id, sign, n))


def sparklines(db: Db, series_ids: Sequence[int], months: int = 36) -> pl.DataFrame:
    """series_id, period, value for the last ``months`` months."""
    return db.query("dash_sparklines", series_ids=_ids(series_ids), months=int(months))


def market_context(db: Db, run_id: int | None) -> pl.DataFrame:
    """period, grp, idx, n: median demand index per status group (or all skills without a run)."""
    return db.query("dash_market_context", **summaries.market_context_params(run_id))


def market_postings(db: Db) -> pl.DataFrame:
    """period, postings: the whole market."""
    return db.query("dash_market_postings", **summaries.market_params())


def freshness(db: Db) -> pl.DataFrame:
    """One row: last_period, first_period, observations, series (all), skill_series, market_series
    and skills (the whole-market series and its pseudo-skill not counted as skills)."""
    return db.query("dash_freshness", **summaries.market_params())


def history(db: Db, skill_ids: Sequence[int], source: str | None = None, region: str | None = None,
            occupation: str | None = None) -> pl.DataFrame:
    """Observations of the skills' series in one segment (None = any)."""
    return db.query("dash_history", skill_ids=_ids(skill_ids), source=source, region=region,
                    occupation=occupation)


def market_history(db: Db, run_id: int | None) -> pl.DataFrame:
    """The market series: history and (for ``run_id``) forecast means, column ``kind``."""
    return db.query("dash_market_history", **summaries.market_history_params(run_id))


def forecast(db: Db, run_id: int, series_ids: Sequence[int]) -> pl.DataFrame:
    """Forecast paths with 80/95% bounds."""
    return db.query("dash_forecast", run_id=int(run_id), series_ids=_ids(series_ids))


def outlook_detail(db: Db, run_id: int, measures: Mapping[int, str]) -> pl.DataFrame:
    """Outlook rows (status, growth, level now, half-life, changepoint, backtest) of the series
    ``measures`` names (series_id → measure: ``services.outlook_rows``)."""
    rows = db.query("dash_outlook_detail", run_id=int(run_id), series_ids=_ids(list(measures)))
    return outlook_rows.detail(rows, measures)


def category_growth(db: Db) -> pl.DataFrame:
    """category, year, series, months, growth_pct (year over year, category mean demand)."""
    params = summaries.market_params()

    def compute(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
        stored = db.summary(con, "dash_category_growth", params)
        return stored if stored is not None else summaries.category_growth(con, params)

    return db.cached("dash_category_growth", compute, **params)


def category_top_skills(db: Db, run_id: int | None, n: int = 5) -> pl.DataFrame:
    """category, name, growth_pct: each category's skills with the highest growth."""
    return db.query("dash_category_top_skills", **summaries.category_top_params(run_id, n))


def backtest_scorecard(db: Db, run_id: int) -> pl.DataFrame:
    """One row per model: series, median_mase, mean_mase, pct_beats_snaive, coverage_80/95, origins."""
    return db.query("dash_backtest_scorecard", run_id=int(run_id))


def changes(db: Db, before: int | None, after: int | None) -> Changes:
    """What changed between two runs (``services.changes``; defaults: the newest and the one before
    it), computed once per published version and pair."""
    def compute(con: duckdb.DuckDBPyConnection) -> Changes:
        pair = pick_runs(runs(db), before, after)
        stored = db.summary(con, SUMMARY, summary_params(pair))
        if stored is not None:  # written after the run was published (skillpulse forecast)
            return Changes(pair, stored)
        return compute_changes(partial(store.query, con), pair.before, pair.after)

    return db.cached("changes", compute, before=before, after=after)


def listed_changes(db: Db, before: int | None, after: int | None
                   ) -> tuple[Changes, dict[str, int], int]:
    """The first ``LISTED`` changes between two runs (most important first), the counts of all
    of them by kind and their total: what the changes page shows. From the run's summaries
    while current (at a million series the whole table is 575,000 rows, 0.5-0.8 s to read),
    else from ``changes``."""
    def compute(con: duckdb.DuckDBPyConnection) -> tuple[Changes, dict[str, int], int]:
        top = db.summary(con, LISTED_SUMMARY, summary_params(pick_runs(runs(db), before, after)))
        if top is None:  # a run published before this summary: from all its changes, once
            found = changes(db, before, after)
            return Changes(found.pair, found.table.head(LISTED)), found.counts(), found.table.height
        pair, counts, total = change_counts(db, before, after)
        return Changes(pair, top), counts, total

    return db.cached("listed_changes", compute, before=before, after=after)


def change_counts(db: Db, before: int | None, after: int | None
                  ) -> tuple[RunPair, dict[str, int], int]:
    """The pair compared, the counts of its changes by kind and their total (``changes`` without
    reading the changes themselves while the run's summary of them is current)."""
    def compute(con: duckdb.DuckDBPyConnection) -> tuple[RunPair, dict[str, int], int]:
        pair = pick_runs(runs(db), before, after)
        stored = db.summary(con, COUNTS, summary_params(pair))
        if stored is not None:
            return (pair, *counts_of(stored))
        found = changes(db, before, after)
        return found.pair, found.counts(), found.table.height

    return db.cached("change_counts", compute, before=before, after=after)


def warm_up(db: Db) -> None:
    """Open the database and run the queries every first page needs (cold workers are ~10x slower)."""
    run = runs(db)
    run_id = int(run["run_id"][0]) if run.height else None
    freshness(db)
    skill_options(db)
    segments(db)
    market_postings(db)
    market_context(db, run_id)
    if run_id is not None:
        status_counts(db, run_id)
        movers(db, run_id, 1)
        movers(db, run_id, -1)
