"""Dashboard summaries: the results of the dashboard's aggregate queries, precomputed when a run
is published (``write``) and read back by the pages (``read``), so overview, categories and
methodology (and the explorer its whole-market series) read a few rows at a million series
instead of aggregating the whole store.

A summary is the query's own result (the same ``sql/dash_*.sql`` with the same parameters),
stored as a zstd-compressed Arrow IPC stream in table ``summary`` (migrations 004, 005): equal
to a direct run by construction — except the market context's medians, which the writer takes
a slice of months at a time (``market_context``: the same rows, tested to the bit). It is valid
while the store's ``stamp`` (ingest batches, taxonomy, series; see ``sql/summary_read.sql``) is
the one it was written at; otherwise — an ingest or a taxonomy import since the run, or a
database from before migration 005 — ``read`` returns ``None`` and the caller runs the query
itself. A reader lists the keys current at the stamp (``index``; the dashboard once per
connection) and fetches each frame by its key (``fetch``).

The parameters of every summarised query are built here (``*_params``), once, for the writer
and for ``dashboard.queries``: the same call finds its summary.
"""
from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import duckdb
import polars as pl
from skillpulse.data import store
from skillpulse.data.sqlfiles import load_sql
from skillpulse.data.statuses import DECLINING, GROUP_ALL, GROUP_DECLINING, GROUP_OTHER, GROUP_RISING, RISING

K = TypeVar("K")
MOVERS_SHOWN = (10, 3)  # the overview's lists and the explorer's prompt


def market_params() -> dict[str, Any]:
    return {"market": store.MARKET_CATEGORY}


def run_params(run_id: int) -> dict[str, Any]:
    return {"run_id": int(run_id), "market": store.MARKET_CATEGORY}


def movers_params(run_id: int, sign: int, n: int) -> dict[str, Any]:
    up = sign > 0
    return {"run_id": int(run_id), "sign": 1 if up else -1, "n": int(n),
            "statuses": list(RISING if up else DECLINING), "market": store.MARKET_CATEGORY}


def market_context_params(run_id: int | None) -> dict[str, Any]:
    return {"run_id": None if run_id is None else int(run_id), "market": store.MARKET_CATEGORY,
            "rising": list(RISING), "declining": list(DECLINING), "grp_rising": GROUP_RISING,
            "grp_declining": GROUP_DECLINING, "grp_other": GROUP_OTHER, "grp_all": GROUP_ALL}


def market_history_params(run_id: int | None) -> dict[str, Any]:
    return {"market": store.MARKET_CATEGORY, "run_id": None if run_id is None else int(run_id)}


# observations per slice of months when the writer computes the market context's medians (each
# holds every value of its group in DuckDB, which cannot spill them): 8 bytes a value, about 16 MB
# a slice; each slice scans the observations once (stored in series order, so a month prunes no
# row group): at 200k series, 12 slices took 18.5 s against 11.8 s for the one query, 48 slices
# of 500,000 took 49 s (load 15)
SLICE_VALUES = 2_000_000
# series-years per slice of years for the categories' growth medians (64 MB of values): at 1M
# series × 60 months the one query took 8.1 s and 428 MB peak RSS, one year a slice 17.9 s and
# 453 MB (same rows), so slices start beyond 8M series-years — where the one query's medians
# would pass the summaries' 256MB cap (10M series × 10 years: 800 MB of values)
SLICE_SERIES_YEARS = 8_000_000


def month_slices(counts: pl.DataFrame, budget: int | None = None) -> list[tuple[dt.date, dt.date]]:
    """Consecutive ranges (first, last) of the months of ``counts`` (period, n; in period order)
    holding at most ``budget`` (default ``SLICE_VALUES``) observations each (a month with more
    is a slice of its own)."""
    return _ranges(counts.select("period", "n").iter_rows(), SLICE_VALUES if budget is None else budget)


def _ranges(rows: Iterable[tuple[K, int]], budget: int) -> list[tuple[K, K]]:
    """Consecutive ranges (first, last) of the keys of ``rows`` (key, values; in key order) holding
    at most ``budget`` values each (a key with more is a range of its own)."""
    slices: list[tuple[K, K]] = []
    held = 0
    for key, n in rows:
        if slices and held + n <= budget:
            slices[-1] = (slices[-1][0], key)
            held += n
        else:
            slices.append((key, key))
            held = n
    return slices


def period_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Observations per month (``summary_period_counts``: one scan of the store), which the
    sliced summaries cut into slices."""
    return store.query(con, "summary_period_counts")


def market_context(con: duckdb.DuckDBPyConnection, params: dict[str, Any],
                   counts: pl.DataFrame | None = None) -> pl.DataFrame:
    """The rows of ``dash_market_context`` with ``params``, in bounded memory: the per-series
    levels and groups once (a temporary table), then the medians a slice of months at a time
    (``month_slices`` of ``counts``, default ``period_counts``), so DuckDB holds one slice's
    values, not every observation's."""
    counts = period_counts(con) if counts is None else counts
    store.execute(con, "summary_market_level", **params)
    try:
        parts = [store.query(con, "summary_market_context", first=a, last=b)
                 for a, b in month_slices(counts)]
    finally:
        store.execute(con, "summary_market_level_drop")
    if not parts:
        return store.query(con, "dash_market_context", **params)
    return pl.concat(parts).sort("grp", "period")


def year_slices(counts: pl.DataFrame, budget: int | None = None) -> list[tuple[int, int]]:
    """Consecutive ranges (first, last) of the years of ``counts`` (period, n; in period order)
    whose series-years (a year counts its busiest month's observations) add up to at most
    ``budget`` (default ``SLICE_SERIES_YEARS``) each (a year with more is a slice of its own)."""
    years = counts.group_by(pl.col("period").dt.year().alias("year"), maintain_order=True).agg(
        pl.col("n").max())
    return _ranges(years.iter_rows(), SLICE_SERIES_YEARS if budget is None else budget)


def category_growth(con: duckdb.DuckDBPyConnection, params: dict[str, Any],
                    counts: pl.DataFrame | None = None) -> pl.DataFrame:
    """The rows of ``dash_category_growth`` with ``params``, in bounded memory: a slice of years
    at a time (``year_slices`` of ``counts``, default ``period_counts``; each slice also reads
    the year before it, for the growth), so the medians hold one slice's yearly growths, not
    every series-year's (one slice up to ``SLICE_SERIES_YEARS``)."""
    counts = period_counts(con) if counts is None else counts
    parts = [store.query(con, "dash_category_growth", **params, first_year=a, last_year=b)
             for a, b in year_slices(counts)]
    if not parts:
        return store.query(con, "dash_category_growth", **params, first_year=None, last_year=None)
    return pl.concat(parts).sort("category", "year")


def category_top_params(run_id: int | None, n: int) -> dict[str, Any]:
    return {"run_id": None if run_id is None else int(run_id), "n": int(n),
            "market": store.MARKET_CATEGORY}


def requests(run_id: int) -> list[tuple[str, dict[str, Any]]]:
    """The aggregate queries the pages run for run ``run_id`` (and the run-independent ones,
    which the newest run's summaries answer)."""
    return [
        ("dash_status_counts", run_params(run_id)),
        *(("dash_movers", movers_params(run_id, sign, n)) for n in MOVERS_SHOWN for sign in (1, -1)),
        ("dash_market_context", market_context_params(run_id)),
        ("dash_category_top_skills", category_top_params(run_id, 5)),
        ("dash_backtest_scorecard", {"run_id": int(run_id)}),
        ("dash_market_postings", market_params()),
        ("dash_market_history", market_history_params(run_id)),  # every explorer view
        ("dash_category_growth", market_params()),
        ("dash_freshness", market_params()),
        ("dash_skill_options", market_params()),
        ("dash_segments", market_params()),
    ]


def key(params: dict[str, Any]) -> str:
    """Canonical text of a query's parameters."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Index:
    """The summaries current at the store's stamp ``stamp``: (query, parameters text) → key
    (the newest run's, when several runs stored the same query and parameters)."""

    stamp: int
    keys: dict[tuple[str, str], int]

    def find(self, name: str, params: dict[str, Any]) -> int | None:
        return self.keys.get((name, key(params)))


def index(con: duckdb.DuckDBPyConnection) -> Index:
    """The store's stamp now and the summaries written at it (``sql/summary_read.sql``: small
    columns only). Raises ``duckdb.CatalogException``/``BinderException`` on a store before
    migration 004/005."""
    rows = con.execute(load_sql("summary_read")).fetchall()
    # rows come oldest run first: a newer run's result replaces an older one's
    return Index(int(rows[0][0]), {(r[1], r[2]): int(r[3]) for r in rows if r[3] is not None})


def stamp(con: duckdb.DuckDBPyConnection) -> int:
    """The store's stamp now (``sql/summary_read.sql``)."""
    return index(con).stamp


def _ipc(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_ipc_stream(buf, compression="zstd")  # 8x smaller: few frames need overflow blocks
    return buf.getvalue()


def write(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Precompute the dashboard's aggregate queries for run ``run_id`` on an open write connection
    (inside the run's transaction, after its rows); drops summaries no reader can use any more.
    Returns the number written."""
    now = stamp(con)
    store.execute(con, "summary_prune", stamp=now)
    done = requests(run_id)
    counts = period_counts(con)  # one scan for both sliced summaries
    for name, params in done:
        frame = (market_context(con, params, counts) if name == "dash_market_context"
                 else category_growth(con, params, counts) if name == "dash_category_growth"
                 else store.query(con, name, **params))
        put(con, run_id, name, params, frame, at=now)
    return len(done)


def put(con: duckdb.DuckDBPyConnection, run_id: int, name: str, params: dict[str, Any],
        frame: pl.DataFrame, at: int | None = None) -> None:
    """Store ``frame`` as the result of ``name`` with ``params`` (a derived result too, e.g. the
    changes of a run), valid while the store's stamp is ``at`` (default: now)."""
    store.execute(con, "summary_insert", run_id=int(run_id), query=name, params=key(params),
                  stamp=stamp(con) if at is None else at, frame=_ipc(frame))


def available(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the store has the summary table, keyed (migrations 004 and 005)."""
    return {4, 5} <= store.applied_versions(con)


def read(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> pl.DataFrame | None:
    """The stored result of ``name`` with ``params`` written at the store's stamp now, or
    ``None`` (none, stale, or a store before migration 005)."""
    try:
        at = index(con)
    except (duckdb.CatalogException, duckdb.BinderException):  # a store before migration 004/005
        return None
    return fetch(con, at, name, params)


def fetch(con: duckdb.DuckDBPyConnection, at: Index, name: str, params: dict[str, Any]
          ) -> pl.DataFrame | None:
    """The result of ``name`` with ``params`` among the summaries ``at`` (``index`` of this
    connection's store), or ``None``: one frame, fetched by its key through the key's index (a
    scan of ``frame`` would read every stored frame)."""
    found = at.find(name, params)
    if found is None:
        return None
    rows = con.execute(load_sql("summary_frame"), {"id": found}).fetchall()
    return pl.read_ipc_stream(io.BytesIO(rows[0][0])) if rows else None
