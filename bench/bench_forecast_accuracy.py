"""Accuracy benchmark: rolling-origin MASE and interval coverage of the headline forecast.

Real HN "Who is hiring" term shares (../shared/data/real/hn_whoishiring, percentage by term) and
demo shares (``data.demo.generate_series``, count / total). At each evaluation origin every
method sees only the data up to that month and forecasts 12 months; the headline is the full
per-series pipeline (``models.series.analyse``: its own inner backtest, choice and calibration,
all on the truncated data), so its score is out of sample. Baselines on the same series, origins
and modelling scale (logit of the share): naive, seasonal naive, a single statsmodels damped ETS
(``models.candidates.DampedETS``) and statsforecast ``AutoETS`` (season 12, a bench-only
dependency). MASE: absolute error of the share, scaled per series and origin by the in-sample
seasonal-naive MAE. Coverage: share of actuals inside the 80% / 95% intervals.

Run: ``.venv/bin/python bench/bench_forecast_accuracy.py [--origins N] [--demo-skills N]``
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import datetime as dt
import multiprocessing as mp
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skillpulse.models import candidates
from skillpulse.models.series import analyse
from skillpulse.models.transform import prepare

HN = (Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "real" / "hn_whoishiring"
      / "hn_whoishiring_terms_monthly.csv")
H = 12
METHODS = ("headline", "naive", "seasonal_naive", "ets_statsmodels", "autoets")


def hn_matrix() -> tuple[list[str], list[dt.date], np.ndarray]:
    df = pl.read_csv(HN, try_parse_dates=True).select("month", "term", "percentage")
    wide = df.pivot(on="term", index="month", values="percentage").sort("month")
    names = [c for c in wide.columns if c != "month"]
    return names, wide["month"].to_list(), wide.select(names).to_numpy().T.astype(float)


def demo_matrix(n_skills: int) -> tuple[list[str], list[dt.date], np.ndarray]:
    from skillpulse.data import demo
    frame, _ = demo.generate_series(seed=11, n_skills=n_skills, months=132)
    frame = frame.with_columns((100 * pl.col("value") / pl.col("total")).alias("share"))
    wide = frame.pivot(on="skill", index="period", values="share").sort("period")
    names = [c for c in wide.columns if c != "period"]
    return names, wide["period"].to_list(), wide.select(names).to_numpy().T.astype(float)


def yearly_origins(n_months: int, count: int, horizon: int = H) -> list[int]:
    """``count`` origins a year apart, the last one leaving ``horizon`` months to score."""
    last = n_months - 1 - horizon
    return sorted(last - 12 * k for k in range(count))


def scored_series(mat: np.ndarray, o: int, horizon: int = H) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """``(history from the first observed month to origin o, the next horizon months)`` for
    every series with at least 36 months of history, a positive value and complete actuals."""
    for row in mat:
        hist = row[: o + 1]
        first = np.flatnonzero(np.isfinite(hist))
        if first.size == 0:
            continue
        hist = hist[first[0]:]
        actual = row[o + 1: o + 1 + horizon]
        if (hist.size < 36 or actual.size < horizon or not np.all(np.isfinite(actual))
                or np.nanmax(hist) <= 0):
            continue
        yield hist, actual


def _scale(y: np.ndarray) -> float:
    d12 = np.abs(y[12:] - y[:-12])
    s = float(d12.mean()) if y.size >= 24 else 0.0
    return s if s > 0 else float(np.abs(np.diff(y)).mean())


def eval_origin(args: tuple[np.ndarray, int]) -> dict[str, list[np.ndarray]]:
    """Errors (scaled), 80/95 hits for every method at one origin, over all series."""
    mat, o = args
    from statsforecast.models import AutoETS
    out: dict[str, list[np.ndarray]] = {f"{m}:{k}": [] for m in METHODS for k in ("err", "in80", "in95")}
    for raw, actual in scored_series(mat, o):
        hist = np.where(np.isfinite(raw), raw, np.nan)
        scale = _scale(np.nan_to_num(hist))
        if not scale > 0:
            continue
        prep = prepare(hist, None, "share")
        z = prep.z
        fc: dict[str, dict[str, np.ndarray]] = {}
        r = analyse(hist, None, "share", horizon=H)
        fc["headline"] = {"mean": r.mean, "lo-80": r.bounds["lower_80"], "hi-80": r.bounds["upper_80"],
                          "lo-95": r.bounds["lower_95"], "hi-95": r.bounds["upper_95"]}
        for name, model in (("naive", candidates.Naive()), ("seasonal_naive", candidates.SeasonalNaive()),
                            ("ets_statsmodels", candidates.DampedETS())):
            p = model.fit(z).predict(H)
            fc[name] = {k: prep.inverse(v) for k, v in p.items()}
        try:
            p = AutoETS(season_length=12).fit(z).predict(H, level=[80, 95])
            fc["autoets"] = {k: prep.inverse(np.asarray(v)) for k, v in p.items()}
        except Exception:
            fc["autoets"] = fc["naive"]
        for m in METHODS:
            f = fc[m]
            out[f"{m}:err"].append(np.abs(f["mean"] - actual) / scale)
            out[f"{m}:in80"].append((actual >= f["lo-80"] - 1e-12) & (actual <= f["hi-80"] + 1e-12))
            out[f"{m}:in95"].append((actual >= f["lo-95"] - 1e-12) & (actual <= f["hi-95"] + 1e-12))
    return out


def evaluate(label: str, mat: np.ndarray, origins: list[int], jobs: int) -> None:
    t0 = time.perf_counter()
    acc: dict[str, list[np.ndarray]] = {}
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
        for part in pool.map(eval_origin, [(mat, o) for o in origins]):
            for k, v in part.items():
                acc.setdefault(k, []).extend(v)
    n = len(acc["naive:err"])
    print(f"\n{label}: {n} series×origins, {len(origins)} origins, h=1..{H} "
          f"({time.perf_counter() - t0:.0f} s)")
    naive_mase = float(np.mean(np.concatenate(acc["naive:err"])))
    print(f"{'method':18s} {'MASE':>7s} {'vs naive':>9s} {'median':>7s} {'cov80':>6s} {'cov95':>6s}")
    for m in METHODS:
        err = np.stack(acc[f"{m}:err"])
        mase = float(err.mean())
        med = float(np.median(err.mean(axis=1)))
        c80 = float(np.mean(np.concatenate(acc[f"{m}:in80"])))
        c95 = float(np.mean(np.concatenate(acc[f"{m}:in95"])))
        print(f"{m:18s} {mase:7.3f} {mase / naive_mase:9.3f} {med:7.3f} {100 * c80:6.1f} {100 * c95:6.1f}")
    head = float(np.stack(acc["headline:err"]).mean())
    auto = float(np.stack(acc["autoets:err"]).mean())
    print(f"headline vs naive: {100 * (1 - head / naive_mase):+.1f}% better (goal >= +10%); "
          f"vs AutoETS: ratio {head / auto:.3f} (goal <= 1.0)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--origins", type=int, default=6)
    ap.add_argument("--demo-skills", type=int, default=120)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    if HN.exists():
        names, months, mat = hn_matrix()
        origins = yearly_origins(len(months), args.origins)
        print("HN origins:", ", ".join(months[o].strftime("%Y-%m") for o in origins))
        evaluate(f"HN who-is-hiring shares ({len(names)} terms)", mat, origins, args.jobs)
    else:
        print(f"real data not available: {HN}")
    names, months, mat = demo_matrix(args.demo_skills)
    origins = yearly_origins(len(months), min(args.origins, 5))
    evaluate(f"demo shares ({len(names)} series)", mat, origins, args.jobs)


if __name__ == "__main__":
    main()
