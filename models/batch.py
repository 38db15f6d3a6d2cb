"""Forecast runs: stream buckets of whole series to an engine, decide statuses run-wide, publish.

Stages (each module entered once):

1. **read** (``iter_buckets``): a page of ``bucket_size`` series' metadata at a time (series_id
   order), then those series' observations (read-only, up to ``as_of``), packed into one Arrow
   table per bucket (``models.bucket.INPUT_SCHEMA``); nothing of all series is read at once;
2. **market first**: the whole-market series are one bucket analysed here; their forecast
   paths ride along with the buckets of their segment (shares of postings back to counts);
3. **buckets** (``models.engines``): ``models.bucket.forecast_bucket`` on each bucket — in this
   process, on the local process pool or on Dask; outputs are spilled to Parquet in a spool
   folder beside the database (``store.spool``: removed however the run ends) as they finish;
4. **run-wide** (``models.runwide``): Benjamini-Hochberg, low-base quantiles and market growth
   from the gathered p-values and levels (``GATHERED_BYTES_PER_SERIES`` bytes per series), then
   each bucket's outlook rows (statuses) spilled beside its other rows;
5. **publish**: one ``store.write`` transaction in which DuckDB inserts ``forecast_run``, then
   ``forecast``, ``outlook`` and ``backtest`` straight from the spilled Parquet files, then the
   dashboard's summaries. A failure anywhere publishes nothing.

DuckDB itself is capped (``Settings.run_duckdb_memory``) while it reads and inserts, spilling to
the spool, and while it writes the summaries (``Settings.summary_duckdb_memory``); the publishing
connection's cap grows by the new rows' primary-key index (``INDEX_BYTES_PER_ROW``). Memory grows
with the bucket size, not with the number of series (apart from the few gathered bytes per
series and that index).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from skillpulse.data import store, summaries
from skillpulse.data.cluster import dask_client
from skillpulse.data.errors import UsageError
from skillpulse.data.progress import Progress
from skillpulse.data.settings import Settings, get_settings
from skillpulse.data.sqlfiles import load_sql
from skillpulse.models import engines, runwide
from skillpulse.models.bucket import INPUT_SCHEMA, BucketOutput, forecast_bucket, market_path
from skillpulse.models.runwide import month_to_date
from skillpulse.models.series import MarketPath, SeriesResult

IN_PROCESS_BELOW = 300  # fewer series than this: no pool (start-up would cost more than it saves)
BUCKET_SIZE = 500


@dataclass
class Packed:
    """Series as one contiguous array: series ``i`` is ``values[offsets[i]:offsets[i+1]]``,
    one entry per month from ``first_month[i]`` (months since year 0), NaN for gaps."""

    meta: pl.DataFrame
    values: np.ndarray
    totals: np.ndarray
    offsets: np.ndarray
    first_month: np.ndarray


def _month_index(periods: pl.Series) -> np.ndarray:
    return (periods.dt.year().cast(pl.Int64) * 12 + periods.dt.month().cast(pl.Int64) - 1).to_numpy()


def pack(meta: pl.DataFrame, obs: pl.DataFrame) -> Packed:
    """Pack observations (sorted by series_id, period) into dense monthly arrays."""
    meta = meta.filter(pl.col("series_id").is_in(obs["series_id"].unique().implode()))
    sid = obs["series_id"].to_numpy()
    month = _month_index(obs["period"])
    order = np.searchsorted(meta["series_id"].to_numpy(), sid)
    n = meta.height
    first = np.full(n, np.iinfo(np.int64).max)
    last = np.full(n, np.iinfo(np.int64).min)
    np.minimum.at(first, order, month)
    np.maximum.at(last, order, month)
    lengths = last - first + 1
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    pos = offsets[order] + (month - first[order])
    values = np.full(int(offsets[-1]), np.nan)
    totals = np.full(int(offsets[-1]), np.nan)
    values[pos] = obs["value"].to_numpy()
    tot = obs["total"].cast(pl.Float64).to_numpy()
    totals[pos] = np.where(np.isfinite(tot), tot, np.nan)
    return Packed(meta=meta, values=values, totals=totals, offsets=offsets, first_month=first)


def _list_array(flat: np.ndarray, offsets: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), pa.array(flat, pa.float64()),
                                    mask=None if null is None else pa.array(null))


MarketPaths = dict[tuple[str, str], tuple[int, MarketPath]]


def bucket_table(p: Packed, market: MarketPaths) -> pa.Table:
    """The Arrow input of one bucket (``models.bucket.INPUT_SCHEMA``); a series gets its
    segment's market path when the market's last month is the series' last month."""
    n = p.meta.height
    has_total = np.array([bool(np.isfinite(p.totals[p.offsets[i]:p.offsets[i + 1]]).any())
                          for i in range(n)], dtype=bool)
    last = p.first_month + np.diff(p.offsets) - 1
    keys = p.meta.select("source", "region").rows()
    paths: list[MarketPath | None] = []
    for i in range(n):
        hit = market.get(keys[i])
        paths.append(hit[1] if hit is not None and hit[0] == int(last[i]) else None)
    m_cols: dict[str, pa.Array] = {}
    for name, get in (("market_log_mean", lambda mp: mp.log_mean),
                      ("market_hw_80", lambda mp: mp.log_hw[80]),
                      ("market_hw_95", lambda mp: mp.log_hw[95])):
        m_cols[name] = pa.array([None if mp is None else np.asarray(get(mp), float) for mp in paths],
                                pa.list_(pa.float64()))
    return pa.table({
        "series_id": pa.array(p.meta["series_id"].to_numpy(), pa.int32()),
        "measure": pa.array(p.meta["measure"].to_list(), pa.string()),
        "is_market": pa.array(p.meta["is_market"].to_list(), pa.bool_()),
        "source": pa.array(p.meta["source"].to_list(), pa.string()),
        "region": pa.array(p.meta["region"].to_list(), pa.string()),
        "first_month": pa.array(p.first_month, pa.int64()),
        "values": _list_array(p.values, p.offsets),
        "totals": _list_array(p.totals, p.offsets, ~has_total),
        **m_cols,
        "market_log_level": pa.array([None if mp is None else float(mp.log_level) for mp in paths],
                                     pa.float64()),
    }, schema=INPUT_SCHEMA)


def series_meta(con: duckdb.DuckDBPyConnection, *, market: bool | None = None,
                limit: int | None = None) -> pl.DataFrame:
    """Series metadata in series_id order (``sql/forecast_series.sql``): the market series
    (``market=True``), the others (``False``) or all; the first ``limit``."""
    return store.query(con, "forecast_series", market=market, n=limit)


def read_packed(con: duckdb.DuckDBPyConnection, meta: pl.DataFrame, as_of: dt.date | None
                ) -> Packed:
    """The series of ``meta`` (sorted by series_id) packed, observations up to ``as_of``."""
    ids = meta["series_id"].to_numpy()
    obs = store.query(con, "forecast_observations", lo=int(ids.min()), hi=int(ids.max()),
                      ids=ids.tolist(), as_of=as_of.isoformat() if as_of is not None else None)
    return pack(meta, obs)


def iter_buckets(con: duckdb.DuckDBPyConnection, *, as_of: dt.date | None, bucket_size: int,
                 market: MarketPaths, start: int = 1, limit: int | None = None
                 ) -> Iterator[tuple[int, pa.Table]]:
    """``(index, table)`` for consecutive buckets of ``bucket_size`` non-market series in
    series_id order (the first ``limit``; default all), read from the database one bucket at a
    time: the series' metadata streams from one query (its own cursor), each bucket's
    observations come from a query of their own; series without observations up to ``as_of``
    are left out (their bucket index is still used)."""
    pages = con.cursor()
    try:
        for k, page in enumerate(store.stream(pages, "forecast_series", bucket_size, market=False,
                                              n=limit)):
            part = read_packed(con, page, as_of)
            if part.meta.height:
                yield start + k, bucket_table(part, market)
    finally:
        pages.close()


def market_paths(evidence: pa.Table) -> tuple[MarketPaths, dict[tuple[str, str], float]]:
    """Each segment's market path (with its last month) and market growth, first series wins."""
    paths: MarketPaths = {}
    growth: dict[tuple[str, str], float] = {}
    cols = evidence.select(["source", "region", "last_month", "growth_pct"]).to_pydict()
    for i in range(evidence.num_rows):
        key = (cols["source"][i], cols["region"][i])
        mp = market_path(evidence, i)
        if mp is not None:
            paths.setdefault(key, (int(cols["last_month"][i]), mp))
        if cols["growth_pct"][i] is not None:
            growth.setdefault(key, float(cols["growth_pct"][i]))
    return paths, growth


@dataclass
class Spool:
    """Bucket outputs spilled to Parquet in a scratch folder (``store.spool``) as they finish,
    plus the few per-series columns the run-wide step needs, kept in memory
    (``GATHERED_BYTES_PER_SERIES``: p-value, level, level-group code, market flag)."""

    folder: Path
    rows: dict[int, int] = field(default_factory=dict)
    gathered: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict)
    groups: dict[str | None, int] = field(default_factory=dict)  # group_key -> code
    last_month: int = -1
    backtest_rows: int = 0

    def path(self, idx: int, name: str) -> Path:
        return self.folder / f"{idx:07d}.{name}.parquet"

    def put(self, idx: int, out: BucketOutput) -> None:
        for name in ("forecast", "backtest", "evidence"):
            pq.write_table(getattr(out, name), self.path(idx, name), compression="lz4")
        ev = out.evidence
        self.rows[idx] = ev.num_rows
        self.backtest_rows += out.backtest.num_rows
        codes = np.array([self.groups.setdefault(g, len(self.groups))
                          for g in runwide.level_groups(ev)], dtype=np.int32)
        self.gathered[idx] = (
            ev.column("p_value").to_numpy(zero_copy_only=False).astype(float),
            codes,
            ev.column("ev_level_now").to_numpy(zero_copy_only=False).astype(float),
            ev.column("is_market").to_numpy(zero_copy_only=False).astype(bool))
        if ev.num_rows:
            self.last_month = max(self.last_month, int(pc.max(ev.column("last_month")).as_py()))

    def get(self, idx: int, name: str) -> pa.Table:
        return pq.read_table(self.path(idx, name))

    def order(self) -> list[int]:
        return sorted(self.rows)

    def paths(self, name: str) -> list[str]:
        """The spilled files of ``name`` rows, in bucket order (the order they are published)."""
        return [str(self.path(i, name)) for i in self.order()]

    def run_wide(self) -> runwide.RunWide:
        parts = [self.gathered[i] for i in self.order()]
        keys = np.empty(len(self.groups), dtype=object)
        for key, code in self.groups.items():
            keys[code] = key
        return runwide.gather(np.concatenate([p[0] for p in parts]),
                              keys[np.concatenate([p[1] for p in parts])],
                              np.concatenate([p[2] for p in parts]),
                              np.concatenate([p[3] for p in parts]))


# memory DuckDB needs per new outlook and backtest row for its primary-key index, which it keeps
# in memory until the commit and cannot evict (measured with DuckDB 2.0: 2M outlook keys commit
# in 40 MB, not in 32 MB; 1.2M backtest keys need 130-179 MB, 6M keys 0.64-1.0 GB): the
# publishing connection's cap grows by this much per row, so the cache stays within the run's
# cap and a large run does not stop on "Out of Memory"
INDEX_BYTES_PER_ROW = {"outlook": 32, "backtest": 192}

# memory the run-wide step keeps per series (Spool.gathered): float64 p-value and level, int32
# group code, bool market flag; everything else of a series is spilled to disk
GATHERED_BYTES_PER_SERIES = 8 + 8 + 4 + 1


def _engine_results(buckets: Iterator[tuple[int, pa.Table]], *, engine: str, jobs: int,
                    scheduler: str | None, serial: bool, horizon: int, settings: Settings
                    ) -> Iterator[tuple[int, BucketOutput]]:
    params = {"horizon": horizon, "min_history": settings.min_history}
    if engine == "dask":
        with dask_client(scheduler, jobs=jobs, settings=settings) as client:
            yield from engines.run_dask(buckets, client=client, **params)
    elif serial:
        yield from engines.run_serial(buckets, **params)
    else:
        yield from engines.run_local(buckets, jobs=jobs, **params)


def insert_frame(con: duckdb.DuckDBPyConnection, name: str,
                 table: pa.Table | duckdb.DuckDBPyRelation, run_id: int) -> None:
    """Insert one frame (``forecast``, ``outlook`` or ``backtest`` rows) of run ``run_id``: an
    Arrow table or a relation of this connection (``read_parquet`` of spilled files)."""
    with store.registered(con, f"tmp_{name}", table):
        store.execute(con, f"forecast_insert_{name}", run_id=run_id)


def _insert_run_row(con: duckdb.DuckDBPyConnection, *, as_of: dt.date, horizon: int,
                    settings: dict, seconds: float) -> int:
    row = con.execute(load_sql("forecast_insert_run"), {
        "as_of": as_of.isoformat(), "horizon": horizon, "settings": json.dumps(settings),
        "seconds": seconds}).fetchall()[0]
    return int(row[0])


def insert_run(con: duckdb.DuckDBPyConnection,
               frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame], *,
               as_of: dt.date, horizon: int, settings: dict, seconds: float,
               summarise: bool = True) -> int:
    """Insert a run row and its forecast, outlook and backtest frames on an open write
    connection (inside its transaction), then (``summarise``) the dashboard's summaries of the
    run; returns the new run id."""
    run_id = _insert_run_row(con, as_of=as_of, horizon=horizon, settings=settings, seconds=seconds)
    for name, df in zip(("forecast", "outlook", "backtest"), frames, strict=True):
        insert_frame(con, name, df.to_arrow(), run_id)
    if summarise:
        write_summaries(con, run_id)
    return run_id


def write_summaries(con: duckdb.DuckDBPyConnection, run_id: int) -> None:
    """The dashboard's aggregates of run ``run_id`` (``data.summaries``), written after its rows in
    the publishing transaction: the pages then read a few rows at any number of series."""
    summaries.write(con, run_id)


def spill_outlook(spool: Spool, run: runwide.RunWide, *, horizon: int, min_history: int) -> None:
    """Each bucket's outlook rows (statuses decided with the run-wide facts) spilled beside its
    forecast and backtest rows, one bucket in memory at a time."""
    offsets = np.cumsum([0, *(spool.rows[i] for i in spool.order())])
    for k, idx in enumerate(spool.order()):
        q = run.q_values[offsets[k]:offsets[k + 1]]
        frame = runwide.outlook_frame(spool.get(idx, "evidence"), q, run, horizon=horizon,
                                      min_history=min_history)
        pq.write_table(frame.to_arrow(), spool.path(idx, "outlook"), compression="lz4")


def publish(db_path: str | Path, spool: Spool, run: runwide.RunWide, *, as_of: dt.date,
            horizon: int, min_history: int, settings: dict, seconds: float,
            memory: store.Memory | None = None, summary_memory: str | None = None) -> int:
    """One atomic transaction: the run row, then every spilled bucket's rows, inserted by DuckDB
    straight from the Parquet files (``INSERT … SELECT`` over ``read_parquet``: streamed, never
    all in this process's memory), then the run's summaries. DuckDB is capped at ``memory``
    while it inserts and at ``summary_memory`` (default: as the inserts) for the summaries, each
    raised by the new rows' index (``INDEX_BYTES_PER_ROW``)."""
    spill_outlook(spool, run, horizon=horizon, min_history=min_history)
    index = (INDEX_BYTES_PER_ROW["outlook"] * sum(spool.rows.values())
             + INDEX_BYTES_PER_ROW["backtest"] * spool.backtest_rows)
    with store.write(db_path, memory=memory) as con:
        if memory is not None:  # room for the new rows' primary-key index beside the cache
            store.execute(con, "memory_limit_set", limit=memory.plus(index))
        run_id = _insert_run_row(con, as_of=as_of, horizon=horizon, settings=settings,
                                 seconds=seconds)
        for name in ("forecast", "outlook", "backtest"):
            insert_frame(con, name, con.read_parquet(spool.paths(name)), run_id)
        if summary_memory is not None:  # the summaries' medians hold their values: no spilling
            store.execute(con, "memory_limit_set", limit=store.plus_bytes(summary_memory, index))
        write_summaries(con, run_id)
        return run_id


def run_forecast(db_path: str | Path, *, horizon: int = 24, as_of: dt.date | None = None,
                 jobs: int | None = None, progress: Progress | None = None, settings: Settings | None = None,
                 engine: str = "local", scheduler: str | None = None,
                 bucket_size: int | None = None) -> int:
    """Forecast, backtest and classify every series; publish one run. Returns its run_id.

    Args:
        db_path: the skillpulse database.
        horizon: months to forecast (>= 1).
        as_of: use only observations up to this month (the "what would we have said then" view).
        jobs: worker processes (default: CPU count; 1 = in this process). With ``dask`` and no
            scheduler: the LocalCluster's workers.
        progress: called with (buckets done, buckets) as buckets finish (``data.progress.Bar``
            draws it; the model itself never draws).
        engine: ``local`` (this machine) or ``dask`` (``skillpulse[dask]``).
        scheduler: a running ``dask scheduler``'s address (default: start a LocalCluster).
        bucket_size: series per bucket (default ``BUCKET_SIZE``).
    """
    settings = settings or get_settings()
    engines.check_engine(engine, scheduler)
    t0 = time.perf_counter()
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    size = max(1, int(bucket_size or BUCKET_SIZE))
    min_history = settings.min_history
    store.ensure_current(db_path)
    with store.spool(db_path) as folder:
        spool = Spool(folder)
        memory = store.Memory(settings.run_duckdb_memory, folder)
        with store.read(db_path, memory=memory) as con:
            cur = con.cursor()  # our own: nothing left unfinished on the shared connection
            try:
                market_meta = series_meta(cur, market=True)
                market_in = read_packed(cur, market_meta, as_of) if market_meta.height else None
                paths: MarketPaths = {}
                growth: dict[tuple[str, str], float] = {}
                if market_in is not None and market_in.meta.height:
                    out = forecast_bucket(bucket_table(market_in, {}), horizon=horizon,
                                          min_history=min_history)
                    spool.put(0, out)
                    paths, growth = market_paths(out.evidence)
                n_rest = int(store.query(cur, "forecast_series_count", market=False)["n"][0])
                serial = engine == "local" and (jobs <= 1 or n_rest < IN_PROCESS_BELOW)
                total = -(-n_rest // size)
                buckets = iter_buckets(cur, as_of=as_of, bucket_size=size, market=paths)
                results = _engine_results(buckets, engine=engine, jobs=jobs, scheduler=scheduler,
                                          serial=serial, horizon=horizon, settings=settings)
                for done, (idx, out) in enumerate(results, start=1):
                    spool.put(idx, out)
                    if progress:
                        progress(done, total)
            finally:
                cur.close()
        if not spool.rows or sum(spool.rows.values()) == 0:
            when = f" up to {as_of:%Y-%m}" if as_of is not None else ""
            raise UsageError(f"{db_path}: no observations{when}; ingest data first"
                             + (" or choose a later --as-of" if as_of is not None else ""))
        run = spool.run_wide()
        run.market_growth = growth
        as_of_date = month_to_date(spool.last_month) if as_of is None else as_of.replace(day=1)
        run_settings = {"horizon": horizon, "as_of": as_of.isoformat() if as_of else None,
                        "jobs": jobs, "min_history": min_history,
                        "series": int(sum(spool.rows.values())), "engine": engine,
                        "bucket_size": size}
        return publish(db_path, spool, run, as_of=as_of_date, horizon=horizon,
                       min_history=min_history, settings=run_settings,
                       seconds=time.perf_counter() - t0, memory=memory,
                       summary_memory=settings.summary_duckdb_memory)


def run_statuses(results: list[SeriesResult], is_market: list[bool], *, min_history: int
                 ) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """Run-wide outlook of in-memory results: p-values, Benjamini-Hochberg q-values across every
    series, and each series' ``(status, reason)`` (``models.runwide``, the same step a run takes)."""
    pvals = np.array([r.evidence.p_value if r.evidence is not None and r.n_months >= min_history
                      else np.nan for r in results])
    run = runwide.gather(pvals, [runwide.group_key(r.evidence.kind, None, r.evidence.basis)
                                 if r.evidence is not None else None for r in results],
                         np.array([r.evidence.level_now if r.evidence is not None else np.nan
                                   for r in results]), is_market)
    verdicts = [runwide.verdict(r.evidence, q, run, min_history=min_history)
                for r, q in zip(results, run.q_values, strict=True)]
    return pvals, run.q_values, verdicts
