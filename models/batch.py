"""Forecast runs: read every series, analyse them in parallel, classify, write one run atomically.

Flow: read series and observations (read-only, up to ``as_of``) → pack them into contiguous
arrays plus offsets → analyse the whole-market series first (their forecasts turn share
forecasts of count series back into counts) → fan chunks of many series out to a process pool
(``data.pool``: workers that die with this process, BLAS/OpenMP pinned to one thread each) →
Benjamini-Hochberg across the run, outlook rules, market-relative growth → one ``store.write`` transaction:
``forecast_run`` + ``forecast`` + ``outlook`` + ``backtest``.
"""
from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
from skillpulse.data import store
from skillpulse.data.errors import UsageError
from skillpulse.data.pool import process_pool
from skillpulse.data.settings import Settings, get_settings
from skillpulse.data.sqlfiles import load_sql
from skillpulse.models import outlook, trend
from skillpulse.models.series import MarketPath, SeriesResult, analyse

IN_PROCESS_BELOW = 300  # fewer series than this: no pool (start-up would cost more than it saves)
CHUNKS_PER_JOB = 6


@dataclass
class Packed:
    """All series as one contiguous array: series ``i`` is ``values[offsets[i]:offsets[i+1]]``,
    one entry per month from ``first_month[i]`` (months since year 0), NaN for gaps."""

    meta: pl.DataFrame
    values: np.ndarray
    totals: np.ndarray
    offsets: np.ndarray
    first_month: np.ndarray


def _month_index(periods: pl.Series) -> np.ndarray:
    return (periods.dt.year().cast(pl.Int64) * 12 + periods.dt.month().cast(pl.Int64) - 1).to_numpy()


def month_to_date(m: int) -> dt.date:
    return dt.date(m // 12, m % 12 + 1, 1)


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


@dataclass
class Task:
    """A chunk of series for one worker call (plain arrays: cheap to pickle)."""

    values: np.ndarray
    totals: np.ndarray
    offsets: np.ndarray
    measures: list[str]
    is_market: list[bool]
    market: list[MarketPath | None]
    horizon: int
    min_history: int


def run_task(task: Task) -> list[SeriesResult]:
    """Analyse every series of a chunk (pure: the output depends on the task only)."""
    out = []
    for i in range(len(task.measures)):
        a, b = int(task.offsets[i]), int(task.offsets[i + 1])
        tot = task.totals[a:b]
        out.append(analyse(task.values[a:b], tot if np.isfinite(tot).any() else None,
                           task.measures[i], horizon=task.horizon, min_history=task.min_history,
                           is_market=task.is_market[i], market=task.market[i]))
    return out


def _make_task(p: Packed, idx: np.ndarray, market: list[MarketPath | None], horizon: int,
               min_history: int) -> Task:
    parts_v, parts_t, lens = [], [], []
    for i in idx:
        a, b = int(p.offsets[i]), int(p.offsets[i + 1])
        parts_v.append(p.values[a:b])
        parts_t.append(p.totals[a:b])
        lens.append(b - a)
    measures = p.meta["measure"].to_list()
    flags = p.meta["is_market"].to_list()
    return Task(values=np.concatenate(parts_v), totals=np.concatenate(parts_t),
                offsets=np.concatenate([[0], np.cumsum(lens)]),
                measures=[measures[i] for i in idx], is_market=[bool(flags[i]) for i in idx],
                market=[market[i] for i in idx], horizon=horizon, min_history=min_history)


def _progress(enabled: bool):  # type: ignore[no-untyped-def]
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
    return Progress(TextColumn("forecasting"), BarColumn(), MofNCompleteColumn(),
                    TextColumn("series"), TimeRemainingColumn(), disable=not enabled, transient=True)


def analyse_all(p: Packed, *, horizon: int, min_history: int, jobs: int, progress: bool
                ) -> list[SeriesResult]:
    """Analyse every packed series; market series first, the rest in parallel chunks."""
    n = p.meta.height
    results: list[SeriesResult | None] = [None] * n
    market_idx = np.flatnonzero(p.meta["is_market"].to_numpy())
    market_for: list[MarketPath | None] = [None] * n
    if market_idx.size:
        res_m = run_task(_make_task(p, market_idx, [None] * n, horizon, min_history))
        keys = p.meta.select("source", "region").rows()
        last = p.first_month + np.diff(p.offsets) - 1
        paths: dict[tuple[str, str], tuple[int, MarketPath]] = {}
        for i, r in zip(market_idx.tolist(), res_m, strict=True):
            results[i] = r
            if r.market_path is not None:
                paths.setdefault(keys[i], (int(last[i]), r.market_path))
        for i in range(n):
            hit = paths.get(keys[i])
            if hit is not None and hit[0] == int(last[i]):
                market_for[i] = hit[1]
    rest = np.setdiff1d(np.arange(n), market_idx)
    if rest.size == 0:
        return [r for r in results if r is not None]
    n_chunks = max(1, min(rest.size, jobs * CHUNKS_PER_JOB)) if jobs > 1 else 1
    chunks = [c for c in np.array_split(rest, n_chunks) if c.size]
    with _progress(progress) as bar:
        task_id = bar.add_task("forecast", total=int(rest.size))
        if jobs <= 1 or rest.size < IN_PROCESS_BELOW:
            for c in chunks:
                for i, r in zip(c, run_task(_make_task(p, c, market_for, horizon, min_history)),
                                strict=True):
                    results[i] = r
                bar.advance(task_id, int(c.size))
        else:
            with process_pool(jobs, preload=("skillpulse.models.series",)) as pool:
                futures = {pool.submit(run_task, _make_task(p, c, market_for, horizon, min_history)): c
                           for c in chunks}
                for fut in cf.as_completed(futures):
                    c = futures[fut]
                    for i, r in zip(c, fut.result(), strict=True):
                        results[i] = r
                    bar.advance(task_id, int(c.size))
    return [r for r in results if r is not None]  # type: ignore[misc]


def _none(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def run_statuses(results: list[SeriesResult], is_market: list[bool], *, min_history: int
                 ) -> tuple[np.ndarray, np.ndarray, list[tuple[str, str]]]:
    """Run-wide outlook: p-values, Benjamini-Hochberg q-values across every series of the run,
    and each series' ``(status, reason)`` (a low base is judged against a quantile of current
    levels among comparable non-market series)."""
    pvals = np.array([r.evidence.p_value if r.evidence is not None and r.n_months >= min_history
                      else np.nan for r in results])
    qvals = trend.benjamini_hochberg(pvals)
    low_base: dict[str, float] = {}
    for kind in ("logit", "log"):
        lv = [r.evidence.level_now for r, m in zip(results, is_market, strict=True)
              if not m and r.evidence is not None and r.evidence.kind == kind
              and math.isfinite(r.evidence.level_now)]
        if lv:
            low_base[kind] = float(np.quantile(lv, outlook.LOW_BASE_QUANTILE))
    verdicts = [outlook.classify(r.evidence, _none(q), min_history=min_history,
                                 low_base_level=low_base.get(r.evidence.kind)
                                 if r.evidence is not None else None)
                for r, q in zip(results, qvals, strict=True)]
    return pvals, qvals, verdicts


def build_frames(p: Packed, results: list[SeriesResult], *, horizon: int, min_history: int
                 ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The forecast, outlook and backtest rows of a run (statuses decided here, after BH).

    ``growth_pct`` compares the published forecast at the horizon with the model's level at the
    last month (``models.series``: null when that level is below the zero offset);
    ``growth_lower_80``/``growth_upper_80`` are the interval the status judges: the 80% interval
    of the change of the expected demand level at the horizon (headline growth ± the trend's
    estimation uncertainty, see ``models.series``) of the analysed quantity — the share of
    postings for count series with totals (said in ``note``).
    """
    meta = p.meta
    sids = meta["series_id"].to_list()
    last_month = p.first_month + np.diff(p.offsets) - 1
    flags = meta["is_market"].to_list()
    pvals, qvals, verdicts = run_statuses(results, flags, min_history=min_history)
    keys = meta.select("source", "region").rows()
    market_growth: dict[tuple[str, str], float] = {}
    for r, m, k in zip(results, flags, keys, strict=True):
        if m and r.growth_pct is not None:
            market_growth.setdefault(k, r.growth_pct)
    f_rows: dict[str, list] = {c: [] for c in ("series_id", "period", "mean", "lower_80", "upper_80",
                                                "lower_95", "upper_95")}
    o_rows: list[dict] = []
    b_rows: list[tuple] = []
    for i, r in enumerate(results):
        ev = r.evidence
        status, reason = verdicts[i]
        lm = int(last_month[i])
        row = {"series_id": sids[i], "status": status, "last_period": month_to_date(lm),
               "last_value": _none(r.last_value), "horizon": horizon,
               "forecast": None, "lower_80": None, "upper_80": None, "lower_95": None,
               "upper_95": None, "growth_pct": r.growth_pct, "growth_lower_80": None,
               "growth_upper_80": None, "p_value": _none(pvals[i]), "q_value": _none(qvals[i]),
               "half_life_months": None, "half_life_lower": None, "half_life_upper": None,
               "changepoint": None, "peak_ratio": None, "market_relative_growth_pct": None,
               "model": r.model or None, "backtest_mase": r.mase,
               "coverage_80": r.coverage.get(80), "coverage_95": r.coverage.get(95),
               "note": "; ".join([reason, *r.notes])}
        if r.mean is not None:
            for h in range(r.mean.size):
                f_rows["series_id"].append(sids[i])
                f_rows["period"].append(month_to_date(lm + h + 1))
                f_rows["mean"].append(float(r.mean[h]))
                for c in ("lower_80", "upper_80", "lower_95", "upper_95"):
                    f_rows[c].append(float(r.bounds[c][h]))
            row["forecast"] = float(r.mean[-1])
            for c in ("lower_80", "upper_80", "lower_95", "upper_95"):
                row[c] = float(r.bounds[c][-1])
        if (ev is not None and r.n_months >= min_history and not ev.constant
                and math.isfinite(ev.judged_lo80)):
            # the interval the status judges: change of the expected level at the horizon
            row["growth_lower_80"] = _none(100 * ev.judged_lo80)
            row["growth_upper_80"] = _none(100 * ev.judged_hi80)
            if ev.relative:
                row["note"] = "judged on the share of postings; " + row["note"]
        if ev is not None and r.n_months >= min_history and not ev.constant:
            row["peak_ratio"] = _none(ev.peak_ratio)
            if status in ("declining", "obsolescent"):
                hl = ev.half_life
                row["half_life_months"], row["half_life_lower"] = _none(hl[0]), _none(hl[1])
                row["half_life_upper"] = _none(hl[2])
                if ev.peak_index is not None:
                    row["changepoint"] = month_to_date(int(p.first_month[i]) + ev.peak_index)
        mg = market_growth.get(keys[i])
        if mg is not None and r.growth_pct is not None and not flags[i]:
            row["market_relative_growth_pct"] = r.growth_pct - mg
        o_rows.append(row)
        for name, mase, c80, c95, n_o in r.backtest_rows:
            b_rows.append((sids[i], name, _none(mase), _none(c80), _none(c95), n_o))
    forecast = pl.DataFrame(f_rows, schema={"series_id": pl.Int32, "period": pl.Date,
                                            "mean": pl.Float64, "lower_80": pl.Float64,
                                            "upper_80": pl.Float64, "lower_95": pl.Float64,
                                            "upper_95": pl.Float64})
    out_schema = {"series_id": pl.Int32, "status": pl.String, "last_period": pl.Date,
                  "last_value": pl.Float64, "horizon": pl.Int32, "forecast": pl.Float64,
                  "lower_80": pl.Float64, "upper_80": pl.Float64, "lower_95": pl.Float64,
                  "upper_95": pl.Float64, "growth_pct": pl.Float64, "growth_lower_80": pl.Float64,
                  "growth_upper_80": pl.Float64, "p_value": pl.Float64, "q_value": pl.Float64,
                  "half_life_months": pl.Float64, "half_life_lower": pl.Float64,
                  "half_life_upper": pl.Float64, "changepoint": pl.Date, "peak_ratio": pl.Float64,
                  "market_relative_growth_pct": pl.Float64, "model": pl.String,
                  "backtest_mase": pl.Float64, "coverage_80": pl.Float64,
                  "coverage_95": pl.Float64, "note": pl.String}
    outlook_df = pl.DataFrame(o_rows, schema=out_schema)
    backtest_df = pl.DataFrame(b_rows, schema={"series_id": pl.Int32, "model": pl.String,
                                               "mase": pl.Float64, "coverage_80": pl.Float64,
                                               "coverage_95": pl.Float64, "origins": pl.Int32},
                               orient="row")
    return forecast, outlook_df, backtest_df


def read_series(db_path: str | Path, as_of: dt.date | None) -> Packed:
    """Read (read-only) and pack every series, observations up to ``as_of``."""
    store.ensure_current(db_path)
    with store.read(db_path) as con:
        # a cursor of our own: nothing left unfinished on the shared connection (DuckDB 2.0)
        cur = con.cursor()
        try:
            meta = store.query(cur, "forecast_series")
            obs = store.query(cur, "forecast_observations",
                              as_of=as_of.isoformat() if as_of is not None else None)
        finally:
            cur.close()
    return pack(meta, obs)


def write_run(db_path: str | Path, frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame], *,
              as_of: dt.date, horizon: int, settings: dict, seconds: float) -> int:
    """One atomic transaction: the run row and its forecast, outlook and backtest rows."""
    with store.write(db_path) as con:
        return insert_run(con, frames, as_of=as_of, horizon=horizon, settings=settings,
                          seconds=seconds)


def insert_run(con: duckdb.DuckDBPyConnection,
               frames: tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame], *,
               as_of: dt.date, horizon: int, settings: dict, seconds: float) -> int:
    """Insert a run row and its forecast, outlook and backtest frames on an open write
    connection (inside its transaction); returns the new run id."""
    forecast, outlook_df, backtest_df = frames
    row = con.execute(load_sql("forecast_insert_run"), {
        "as_of": as_of.isoformat(), "horizon": horizon, "settings": json.dumps(settings),
        "seconds": seconds}).fetchall()[0]
    run_id = int(row[0])
    for name, df in (("forecast", forecast), ("outlook", outlook_df), ("backtest", backtest_df)):
        con.register(f"tmp_{name}", df.to_arrow())
        try:
            store.execute(con, f"forecast_insert_{name}", run_id=run_id)
        finally:
            con.unregister(f"tmp_{name}")
    return run_id


def run_forecast(db_path: str | Path, *, horizon: int = 24, as_of: dt.date | None = None,
                 jobs: int | None = None, progress: bool = True,
                 settings: Settings | None = None) -> int:
    """Forecast, backtest and classify every series; publish one run. Returns its run_id.

    Args:
        db_path: the skillpulse database.
        horizon: months to forecast (>= 1).
        as_of: use only observations up to this month (the "what would we have said then" view).
        jobs: worker processes (default: CPU count; 1 = in this process).
        progress: show a progress bar on a terminal.
    """
    settings = settings or get_settings()
    t0 = time.perf_counter()
    packed = read_series(db_path, as_of)
    if packed.meta.height == 0:
        when = f" up to {as_of:%Y-%m}" if as_of is not None else ""
        raise UsageError(f"{db_path}: no observations{when}; ingest data first"
                         + (" or choose a later --as-of" if as_of is not None else ""))
    jobs = max(1, int(jobs or os.cpu_count() or 1))
    results = analyse_all(packed, horizon=horizon, min_history=settings.min_history, jobs=jobs,
                          progress=progress and settings.progress)
    frames = build_frames(packed, results, horizon=horizon, min_history=settings.min_history)
    if as_of is None:
        last = packed.first_month + np.diff(packed.offsets) - 1
        as_of_date = month_to_date(int(last.max())) if last.size else dt.date.today().replace(day=1)
    else:
        as_of_date = as_of.replace(day=1)
    run_settings = {"horizon": horizon, "as_of": as_of.isoformat() if as_of else None,
                    "jobs": jobs, "min_history": settings.min_history,
                    "series": packed.meta.height}
    return write_run(db_path, frames, as_of=as_of_date, horizon=horizon, settings=run_settings,
                     seconds=time.perf_counter() - t0)
