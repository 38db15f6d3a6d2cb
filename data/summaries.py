"""Dashboard summaries: the results of the dashboard's aggregate queries, precomputed when a run
is published (``write``) and read back by the pages (``read``), so overview, categories and
methodology read a few rows at a million series instead of aggregating the whole store.

A summary is the query's own result (the same ``sql/dash_*.sql`` with the same parameters),
stored as an Arrow IPC stream in table ``summary`` (migration 004): equal to a direct run by
construction. It is valid while the store's ``stamp`` (ingest batches, taxonomy, series; see
``sql/summary_read.sql``) is the one it was written at; otherwise — an ingest or a taxonomy
import since the run, or a database from before migration 004 — ``read`` returns ``None`` and the
caller runs the query itself.

The parameters of every summarised query are built here (``*_params``), once, for the writer
and for ``dashboard.queries``: the same call finds its summary.
"""
from __future__ import annotations

import io
import json
from typing import Any

import duckdb
import polars as pl
from skillpulse.data import store
from skillpulse.data.sqlfiles import load_sql
from skillpulse.data.statuses import DECLINING, GROUP_ALL, GROUP_DECLINING, GROUP_OTHER, GROUP_RISING, RISING

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
        ("dash_category_growth", market_params()),
        ("dash_freshness", market_params()),
        ("dash_skill_options", market_params()),
        ("dash_segments", market_params()),
    ]


def key(params: dict[str, Any]) -> str:
    """Canonical text of a query's parameters."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)


def stamp(con: duckdb.DuckDBPyConnection) -> int:
    """The store's stamp now (``sql/summary_read.sql``)."""
    return int(_lookup(con, None, None)[0])


def _lookup(con: duckdb.DuckDBPyConnection, name: str | None, params: dict[str, Any] | None
            ) -> tuple[int, int | None]:
    """The stamp now and the key of the stored result (``None``: none at this stamp)."""
    rows = con.execute(load_sql("summary_read"), {
        "query": name, "params": None if params is None else key(params)}).fetchall()
    return int(rows[0][0]), None if rows[0][1] is None else int(rows[0][1])


def _ipc(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.write_ipc_stream(buf, compression="uncompressed")
    return buf.getvalue()


def write(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """Precompute the dashboard's aggregate queries for run ``run_id`` on an open write connection
    (inside the run's transaction, after its rows); drops summaries no reader can use any more.
    Returns the number written."""
    now = stamp(con)
    store.execute(con, "summary_prune", stamp=now)
    done = requests(run_id)
    for name, params in done:
        put(con, run_id, name, params, store.query(con, name, **params), at=now)
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
    ``None`` (none, stale, or a store before migration 005). Two queries: the key on the small
    columns, then that one frame by its key (a scan of ``frame`` would read every stored frame)."""
    try:
        _, found = _lookup(con, name, params)
    except (duckdb.CatalogException, duckdb.BinderException):  # a store before migration 004/005
        return None
    if found is None:
        return None
    rows = con.execute(load_sql("summary_frame"), {"id": found}).fetchall()
    return pl.read_ipc_stream(io.BytesIO(rows[0][0])) if rows else None
