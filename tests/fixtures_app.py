"""Dashboard test and benchmark databases: small, deterministic, built in code.

History comes from ``skillpulse.data.demo.generate_series`` (the project's seeded demo
generator), loaded with ``skillpulse.data.ingest.load.ingest_frame``. Forecast runs come from the
real ``skillpulse.models.batch.run_forecast`` (the default); ``real_forecast=False``
*synthesizes* them instead (damped log-linear extrapolation, no model fitting), which the
10,000-series benchmark can use.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import polars as pl
from scipy import stats
from skillpulse.data import skills, store
from skillpulse.data.ingest.load import ingest_frame
from skillpulse.data.taxonomy_io import project_taxonomy
from skillpulse.models.batch import insert_frame, insert_run, run_forecast, series_meta, write_summaries

from tests import sqlfixtures

STATUS_MODELS = ("headline", "ets", "theta", "naive", "snaive")
TEST_ALIAS = "Fixture Alias"  # alias of the alphabetically first (non-market) skill
Z80, Z95 = 1.2816, 1.96


def demo_frames(n_skills: int = 30, months: int = 120, segments: int = 1, seed: int = 7
                ) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(ingest frame, taxonomy ``name, category``) from the project's demo generator."""
    from skillpulse.data import demo

    frame, truth = demo.generate_series(seed=seed, n_skills=n_skills, months=months, segments=segments)
    return frame, with_aliases(demo.taxonomy_frame(truth))


def with_aliases(taxonomy: pl.DataFrame) -> pl.DataFrame:
    """Add the project taxonomy's aliases (when the CSV exists) and ``TEST_ALIAS``."""
    tax = taxonomy.with_columns(pl.lit("").alias("aliases"))
    csv = project_taxonomy()
    tax = (tax.drop("aliases")
           .join(csv.select("name", pl.col("aliases").fill_null("")), on="name", how="left")
           .with_columns(pl.col("aliases").fill_null("")))
    first = tax.filter(pl.col("category") != store.MARKET_CATEGORY)["name"].sort()[0]
    return tax.with_columns(
        pl.when(pl.col("name") == first)
        .then(pl.concat_str([pl.col("aliases"), pl.lit("|" + TEST_ALIAS)]))
        .otherwise(pl.col("aliases")).alias("aliases"))


def load_frame(con, frame: pl.DataFrame, taxonomy: pl.DataFrame) -> None:  # type: ignore[no-untyped-def]
    """Load an ingest-format frame inside an open ``store.write`` connection."""
    skills.upsert_taxonomy(con, taxonomy)
    ingest_frame(con, frame, source_file="fixture", sha256=hashlib.sha256(b"fixture").hexdigest(),
                 fmt="long")


def _month_index(periods: pl.Series) -> np.ndarray:
    return (periods.dt.year().to_numpy() * 12 + periods.dt.month().to_numpy() - 1).astype(np.int64)


def _add_months(base: int, k: np.ndarray) -> list[dt.date]:
    m = base + k
    return [dt.date(int(x) // 12, int(x) % 12 + 1, 1) for x in m]


def synthesize_run(con, *, as_of: dt.date | None = None, horizon: int = 24,  # type: ignore[no-untyped-def]
                   seed: int = 11, seconds: float = 1.5) -> int:
    """Insert a synthetic forecast run (forecast, outlook, backtest) computed from the history."""
    hist = sqlfixtures.query(con, "dash_fixture_history", as_of=as_of or dt.date(9999, 1, 1))
    *frames, as_of_date = synthetic_frames(hist, horizon=horizon, rng=np.random.default_rng(seed))
    return insert_run(con, tuple(frames), as_of=as_of_date, horizon=horizon,  # type: ignore[arg-type]
                      settings={"synthetic": True}, seconds=seconds)


def synthesize_run_chunked(con, *, as_of: dt.date | None = None, horizon: int = 24,  # type: ignore[no-untyped-def]
                           seed: int = 11, chunk: int = 20_000) -> int:
    """``synthesize_run`` for millions of series: the history is read ``chunk`` series at a time
    and each chunk's rows go in through the run writer's ``insert_frame`` (q-values are
    Benjamini-Hochberg within a chunk: the data are synthetic, the insert path is the engine's)."""
    rng = np.random.default_rng(seed)
    ids = series_meta(con)["series_id"].to_numpy()
    run_id: int | None = None
    for lo in range(0, ids.size, chunk):
        part = ids[lo:lo + chunk]
        hist = sqlfixtures.query(con, "dash_fixture_history_range", lo=int(part[0]), hi=int(part[-1]),
                                 as_of=as_of or dt.date(9999, 1, 1))
        if hist.height == 0:
            continue
        fc, outlook, backtest, as_of_date = synthetic_frames(hist, horizon=horizon, rng=rng)
        if run_id is None:
            run_id = insert_run(con, (fc, outlook, backtest), as_of=as_of_date, horizon=horizon,
                                settings={"synthetic": True, "series": int(ids.size)}, seconds=1.5,
                                summarise=False)
            continue
        for name, df in (("forecast", fc), ("outlook", outlook), ("backtest", backtest)):
            insert_frame(con, name, df.to_arrow(), run_id)
    if run_id is None:
        raise ValueError("no history to synthesize a run from")
    write_summaries(con, run_id)
    return run_id


def synthetic_frames(hist: pl.DataFrame, *, horizon: int, rng: np.random.Generator
                     ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, dt.date]:
    """(forecast, outlook, backtest, as_of) frames of a synthetic run over ``hist``
    (``series_id, category, period, value``, sorted by series and period)."""
    sids, inv = np.unique(hist["series_id"].to_numpy(), return_inverse=True)
    midx = _month_index(hist["period"])
    m0, m1 = int(midx.min()), int(midx.max())
    width = m1 - m0 + 1
    y = np.full((sids.size, width), np.nan)
    y[inv, midx - m0] = np.log1p(hist["value"].to_numpy())
    cats = hist.group_by("series_id").agg(pl.col("category").first()).sort("series_id")["category"]
    is_market = (cats == store.MARKET_CATEGORY).to_numpy()
    n_obs = np.sum(~np.isnan(y), axis=1)
    window = 24
    tail = y[:, -window:]
    t = np.arange(window, dtype=float)
    ok = ~np.isnan(tail)
    cnt = ok.sum(axis=1).clip(min=1)
    tm = np.where(ok, t, 0).sum(axis=1) / cnt
    ym = np.where(ok, tail, 0).sum(axis=1) / cnt
    dt_ = np.where(ok, t - tm[:, None], 0)
    dy = np.where(ok, tail - ym[:, None], 0)
    sxx = (dt_ ** 2).sum(axis=1).clip(min=1e-9)
    slope = (dt_ * dy).sum(axis=1) / sxx
    resid = np.where(ok, dy - slope[:, None] * dt_, 0)
    sd = np.sqrt((resid ** 2).sum(axis=1) / np.maximum(cnt - 2, 1)).clip(min=0.02)
    se_slope = sd / np.sqrt(sxx)
    level = ym + slope * (window - 1 - tm)
    h = np.arange(1, horizon + 1, dtype=float)
    damp = np.cumsum(0.97 ** h)
    mean = level[:, None] + slope[:, None] * damp[None, :]
    spread = 0.6 * sd[:, None] * np.sqrt(h)[None, :]
    enough = n_obs >= 24
    fc_rows = []
    for z_lo, z_hi, name in ((Z80, Z80, "80"), (Z95, Z95, "95")):
        fc_rows.append((name, np.expm1(mean - z_lo * spread).clip(min=0), np.expm1(mean + z_hi * spread)))
    keep = np.nonzero(enough)[0]
    periods_f = _add_months(m1, np.arange(1, horizon + 1))
    fc = pl.DataFrame({
        "series_id": np.repeat(sids[keep], horizon).astype(np.int32),
        "period": pl.Series(periods_f * keep.size, dtype=pl.Date),
        "mean": np.expm1(mean[keep]).clip(min=0).ravel(),
        "lower_80": fc_rows[0][1][keep].ravel(), "upper_80": fc_rows[0][2][keep].ravel(),
        "lower_95": fc_rows[1][1][keep].ravel(), "upper_95": fc_rows[1][2][keep].ravel(),
    })
    last_level = np.expm1(level).clip(min=1e-9)
    last_value = np.expm1(np.array([row[~np.isnan(row)][-1] for row in y]))
    f_h = np.expm1(mean[:, -1]).clip(min=0)
    growth = (f_h / last_level - 1) * 100
    g_lo = (np.expm1(mean[:, -1] - Z80 * spread[:, -1]).clip(min=0) / last_level - 1) * 100
    g_hi = (np.expm1(mean[:, -1] + Z80 * spread[:, -1]) / last_level - 1) * 100
    p = 2 * stats.t.sf(np.abs(slope / se_slope), df=np.maximum(cnt - 2, 1))
    order = np.argsort(p)
    q = np.empty_like(p)
    ranked = p[order] * p.size / np.arange(1, p.size + 1)
    q[order] = np.minimum.accumulate(ranked[::-1])[::-1].clip(max=1)
    smooth = np.array([np.nanmax(np.convolve(np.nan_to_num(np.expm1(r), nan=0), np.ones(12) / 12, "valid"))
                       if np.sum(~np.isnan(r)) >= 12 else np.nan for r in y])
    peak_ratio = last_level / np.where(smooth > 0, smooth, np.nan)
    half = np.where(slope < 0, np.log(2) / -np.where(slope < 0, slope, -1), np.nan)
    half_lo = np.where(slope < 0, np.log(2) / -(slope - Z80 * se_slope), np.nan)
    half_hi = np.where(slope + Z80 * se_slope < 0, np.log(2) / -(slope + Z80 * se_slope), np.nan)
    share_level = last_level / np.nanmax(np.expm1(y), axis=1).clip(min=1)
    status = np.full(sids.size, "stable", dtype=object)
    status[(g_hi - g_lo) > 250] = "uncertain"
    up = (g_lo > 5) & (q < 0.05)
    down = (g_hi < -5) & (q < 0.05)
    status[up] = "rising"
    status[up & (share_level < 0.5) & (growth > 60)] = "emerging"
    status[down] = "declining"
    status[(down & (half < 36)) | ((peak_ratio < 0.25) & (slope <= 0.005))] = "obsolescent"
    status[~enough] = "insufficient-history"
    market_growth = float(np.nanmedian(growth[is_market])) if is_market.any() else np.nan
    peak_idx = np.array([np.nanargmax(r) if np.any(~np.isnan(r)) else 0 for r in y])
    change = [(_add_months(m0, np.array([i]))[0] if (pr < 0.8 and s) else None)
              for i, pr, s in zip(peak_idx, np.nan_to_num(peak_ratio, nan=1.0), enough, strict=True)]
    mase = rng.uniform(0.55, 1.15, sids.size)
    cov80 = rng.uniform(0.7, 0.9, sids.size)
    cov95 = rng.uniform(0.88, 0.98, sids.size)
    g = lambda a: pl.Series(np.where(enough, a, np.nan)).fill_nan(None)  # noqa: E731
    outlook = pl.DataFrame({
        "series_id": sids.astype(np.int32),
        "status": status.tolist(),
        "last_period": pl.Series([_add_months(m1, np.array([0]))[0]] * sids.size, dtype=pl.Date),
        "last_value": last_value,
        "horizon": np.full(sids.size, horizon, dtype=np.int32),
        "forecast": g(f_h), "lower_80": g(np.expm1(mean[:, -1] - Z80 * spread[:, -1])),
        "upper_80": g(np.expm1(mean[:, -1] + Z80 * spread[:, -1])),
        "lower_95": g(np.expm1(mean[:, -1] - Z95 * spread[:, -1])),
        "upper_95": g(np.expm1(mean[:, -1] + Z95 * spread[:, -1])),
        "growth_pct": g(growth), "growth_lower_80": g(g_lo), "growth_upper_80": g(g_hi),
        "p_value": g(p), "q_value": g(q),
        "half_life_months": g(np.where(np.isin(status, ["declining", "obsolescent"]), half, np.nan)),
        "half_life_lower": g(np.where(np.isin(status, ["declining", "obsolescent"]), half_lo, np.nan)),
        "half_life_upper": g(np.where(np.isin(status, ["declining", "obsolescent"]), half_hi, np.nan)),
        "changepoint": pl.Series(change, dtype=pl.Date),
        "peak_ratio": g(peak_ratio),
        "market_relative_growth_pct": g(growth - market_growth),
        "model": ["combination(ets, theta)" if e else None for e in enough],
        "backtest_mase": g(mase), "coverage_80": g(cov80), "coverage_95": g(cov95),
        "note": ["synthetic fixture run" for _ in range(sids.size)],
        "growth_basis": [None] * sids.size,  # a run from before growth_basis: own unit
        "mentions_12m": g(np.nansum(np.expm1(y[:, -12:]), axis=1)),
    })
    bt_parts = []
    for k, model in enumerate(STATUS_MODELS):
        bump = 0.0 if model == "headline" else 0.05 * k
        bt_parts.append(pl.DataFrame({
            "series_id": sids[keep].astype(np.int32), "model": [model] * keep.size,
            "mase": mase[keep] + bump + (0.2 if model == "naive" else 0.0),
            "coverage_80": (cov80[keep] - 0.02 * k).clip(0, 1),
            "coverage_95": (cov95[keep] - 0.015 * k).clip(0, 1),
            "origins": np.full(keep.size, 12, dtype=np.int32),
        }))
    backtest = pl.concat(bt_parts)
    return fc, outlook, backtest, _add_months(m1, np.array([0]))[0]


def build_db(path: str | Path, *, n_skills: int = 30, months: int = 120, segments: int = 1,
             runs: int = 1, real_forecast: bool = True, seed: int = 7) -> Path:
    """Create a published skillpulse database at ``path`` with history and ``runs`` forecast runs
    (the earlier ones as of 12 months before the end, so the "as of" picker has a choice)."""
    path = Path(path)
    frame, taxonomy = demo_frames(n_skills=n_skills, months=months, segments=segments, seed=seed)
    with store.write(path) as con:
        load_frame(con, frame, taxonomy)
    last = frame["period"].max()
    for k in range(runs):
        as_of = None if k == runs - 1 else dt.date(last.year - (runs - 1 - k), last.month, 1)
        add_run(path, as_of=as_of, real_forecast=real_forecast)
    return path


def bench_db(path: str | Path, *, n_skills: int, segments: int, months: int = 120,
             real_forecast: bool = False) -> Path:
    """The benchmarks' scaled-up database at ``path``: built (two runs) unless it exists."""
    path = Path(path)
    if not path.exists():
        import time

        t = time.perf_counter()
        build_db(path, n_skills=n_skills, months=months, segments=segments, runs=2,
                 real_forecast=real_forecast)
        summarise_changes(path, 2)
        print(f"built {path.name}: {n_skills} skills × {segments} segments × {months} months in "
              f"{time.perf_counter() - t:.1f} s", flush=True)
    return path


SCALED_CATEGORIES = ("programming", "data", "cloud", "security", "design", "management",
                     "finance", "healthcare", "logistics", "sales", "legal", "education")


def scaled_history(segments: int, months: int, *, lo: int, hi: int, seed: int, market: bool = False
                   ) -> pl.DataFrame:
    """The ingest frame of synthetic skills ``lo..hi-1`` (``Skill 000001``…) in ``segments``
    regions (each region's market size is fixed by ``seed``) from 2015-01: Poisson counts of a
    log-linear share with noise, ``total`` = the region's postings; ``market`` adds the
    whole-market series of every region."""
    per = pl.Series(_add_months(2015 * 12, np.arange(months)), dtype=pl.Date)
    seg_rng = np.random.default_rng(seed)
    scale = np.exp(seg_rng.uniform(np.log(5e3), np.log(8e4), segments))
    t = np.arange(months, dtype=float)
    totals = np.round(scale[:, None] * np.exp(0.004 * t + 0.05 * np.sin(t / 6))[None, :])
    regions = [f"Region {r + 1:03d}" for r in range(segments)]
    rng = np.random.default_rng([seed, lo])
    n = hi - lo
    base = rng.uniform(np.log(2e-4), np.log(3e-2), n)
    slope = rng.normal(0, 0.012, n) * (rng.random(n) < 0.6)
    share = np.exp(base[:, None, None] + slope[:, None, None] * t[None, None, :]
                   + rng.normal(0, 0.1, (n, segments, months)))
    counts = rng.poisson(share * totals[None, :, :]).astype(float)
    names = [f"Skill {i + 1:06d}" for i in range(lo, hi)]
    skill = np.repeat(np.array(names, dtype=object), segments * months)
    region = np.tile(np.repeat(np.array(regions, dtype=object), months), n)
    value, total = counts.ravel(), np.tile(totals.ravel(), n)
    if market:
        market_name = np.array([store.MARKET_SKILL], dtype=object)
        skill = np.concatenate([np.repeat(market_name, segments * months), skill])
        region = np.concatenate([np.repeat(np.array(regions, dtype=object), months), region])
        value, total = np.concatenate([totals.ravel(), value]), np.concatenate([totals.ravel(), total])
    rows = value.size
    return pl.DataFrame({
        "skill": pl.Series(skill, dtype=pl.String),
        "period": pl.Series(per).gather(np.arange(rows) % months),
        "value": value, "total": total,
        "source": pl.repeat("synthetic", rows, eager=True),
        "region": pl.Series(region, dtype=pl.String),
        "occupation": pl.repeat("", rows, eager=True),
        "measure": pl.repeat("count", rows, eager=True),
    })


def scaled_db(path: str | Path, *, series: int, months: int = 60, segments: int = 50, runs: int = 2,
              chunk: int = 20_000, seed: int = 5, log: bool = True) -> Path:
    """A database of ``series`` synthetic series (``series // segments`` skills × ``segments``
    regions × ``months``) and ``runs`` synthetic runs, built through the engine's own write path:
    ``store.write``, ``ingest_frame`` (``chunk`` series at a time) and the run writer's
    ``insert_run``/``insert_frame``. Unless it exists."""
    import time

    path = Path(path)
    if path.exists():
        return path
    n_skills = max(1, series // segments)
    step = max(1, chunk // segments)
    t0 = time.perf_counter()
    with store.write(path) as con:
        names = [f"Skill {i + 1:06d}" for i in range(n_skills)]
        skills.upsert_taxonomy(con, pl.DataFrame({
            "name": [*names, store.MARKET_SKILL],
            "category": [*(SCALED_CATEGORIES[i % len(SCALED_CATEGORIES)] for i in range(n_skills)),
                         store.MARKET_CATEGORY]}))
    per_write = 5 * step  # a few files per transaction: one huge transaction slows down
    for first in range(0, n_skills, per_write):
        with store.write(path) as con:
            for lo in range(first, min(n_skills, first + per_write), step):
                frame = scaled_history(segments, months, lo=lo, hi=min(n_skills, lo + step),
                                       seed=seed, market=lo == 0)
                ingest_frame(con, frame, source_file=f"synthetic-{lo}", fmt="long",
                             sha256=hashlib.sha256(f"synthetic-{seed}-{lo}".encode()).hexdigest())
        if log:
            print(f"  history: {min(n_skills, first + per_write) * segments:,} series "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    last = _add_months(2015 * 12, np.array([months - 1]))[0]
    for k in range(runs):
        as_of = None if k == runs - 1 else dt.date(last.year - (runs - 1 - k), last.month, 1)
        with store.write(path) as con:
            run_id = synthesize_run_chunked(con, as_of=as_of, chunk=chunk, seed=11 + k)
        if log:
            print(f"  run {k + 1} of {runs} ({time.perf_counter() - t0:.0f} s)", flush=True)
    if runs > 1:
        summarise_changes(path, run_id)
        if log:
            print(f"  changes of run {run_id} ({time.perf_counter() - t0:.0f} s)", flush=True)
    return path


def summarise_changes(path: str | Path, run_id: int) -> None:
    """What ``skillpulse forecast`` writes after a run: its changes, for the dashboard."""
    from skillpulse.services import changes

    with store.write(path) as con:
        changes.summarise(con, run_id)


def summarise_runs(path: str | Path) -> list[int]:
    """Write the dashboard's summaries of every stored run (a database from before them)."""
    with store.write(path) as con:
        run_ids = store.query(con, "dash_runs")["run_id"].to_list()
        for run_id in sorted(run_ids):
            write_summaries(con, int(run_id))
    return run_ids


def add_run(path: str | Path, *, as_of: dt.date | None = None, real_forecast: bool = True) -> int:
    """Publish one more forecast run (real batch when asked and available, else synthetic)."""
    if real_forecast:
        return int(run_forecast(str(path), horizon=24, as_of=as_of))
    with store.write(path) as con:
        return synthesize_run(con, as_of=as_of)


# ---- pytest fixtures (import them into a test module to use them) ----
import sys  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(scope="module")
def dash_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 demo skills × 120 months, two forecast runs (12 months apart)."""
    return build_db(tmp_path_factory.mktemp("dashdb") / "dash.duckdb", n_skills=30, runs=2)


@pytest.fixture(scope="module")
def empty_run_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """History only: no forecast run yet."""
    return build_db(tmp_path_factory.mktemp("dashdb0") / "norun.duckdb", n_skills=8, runs=0)


@pytest.fixture(scope="module")
def dash_app(dash_db: Path) -> Any:
    from skillpulse.dashboard.app import create_app

    return create_app(str(dash_db))


def page(name: str) -> Any:
    """A page module as Dash imported it (after ``create_app``)."""
    return sys.modules[f"skillpulse.dashboard.pages.{name}"]
