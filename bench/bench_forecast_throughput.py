"""Throughput benchmark: the full forecast pipeline vs statsforecast AutoETS, and a 10,000-series run.

1. 1,000 demo series × 120 months (``data.demo.generate_series``): ``models.batch`` end to end
   (read, fit every candidate at every backtest origin, choose, calibrate, classify, write one
   run) against statsforecast ``AutoETS(season_length=12)`` fit + 24-month forecast with 80/95%
   intervals on the same series (log scale), both on ``--jobs`` processes, same run.
2. 10,000 series × 120 months (1,000 skills × 10 regions) end to end; goal < 120 s on 2 cores.

Run: ``.venv/bin/python bench/bench_forecast_throughput.py [--jobs 2] [--skip-10k]``
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skillpulse.data import demo, store
from skillpulse.data.ingest.load import ingest_frame
from skillpulse.data.skills import upsert_taxonomy
from skillpulse.models import batch


def build(path: Path, n_skills: int, segments: int, months: int = 120) -> tuple[int, float]:
    t0 = time.perf_counter()
    frame, truth = demo.generate_series(seed=7, n_skills=n_skills, months=months, segments=segments)
    with store.write(path) as con:
        tax = demo.taxonomy_frame(truth).with_columns(pl.lit("").alias("aliases"),
                                                      pl.lit("").alias("description"))
        upsert_taxonomy(con, tax)
        info = ingest_frame(con, frame, source_file="demo", sha256="bench", fmt="demo")
    return int(info["series"]), time.perf_counter() - t0


def _autoets_chunk(chunk: list[np.ndarray]) -> int:
    from statsforecast.models import AutoETS
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    for y in chunk:
        z = np.log(y + 0.5)
        AutoETS(season_length=12).fit(z).predict(24, level=[80, 95])
    return len(chunk)


def autoets_rate(series: list[np.ndarray], jobs: int) -> float:
    chunks = [list(c) for c in np.array_split(np.array(series, dtype=object), jobs * 4)]
    t0 = time.perf_counter()
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
        done = sum(pool.map(_autoets_chunk, chunks))
    return done / (time.perf_counter() - t0)


def staged_run(path: Path, jobs: int) -> dict[str, float]:
    t0 = time.perf_counter()
    batch.run_forecast(path, horizon=24, jobs=jobs)
    return {"total": time.perf_counter() - t0}


def read_all(path: Path) -> batch.Packed:
    with store.read(path) as con:
        cur = con.cursor()
        try:
            return batch.read_packed(cur, batch.series_meta(cur), None)
        finally:
            cur.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-10k", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "t1k.duckdb"
        n, secs = build(db, 1000, 1)
        print(f"1,000-skill demo: {n} series × 120 months ingested in {secs:.1f} s")
        packed = read_all(db)
        series = [packed.values[packed.offsets[i]:packed.offsets[i + 1]] for i in range(n)]
        series = [np.nan_to_num(s) for s in series if s.size >= 24]
        stages = staged_run(db, args.jobs)
        ours = n / stages["total"]
        print("skillpulse pipeline: " + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items()))
        auto = autoets_rate(series, args.jobs)
        print(f"skillpulse full pipeline: {ours:.1f} series/s; statsforecast AutoETS fit+forecast: "
              f"{auto:.1f} series/s ({args.jobs} processes)")
        print(f"ratio (pipeline / AutoETS): {ours / auto:.2f}× (goal >= 1.0×)")
        if not args.skip_10k:
            db10 = Path(tmp) / "t10k.duckdb"
            n10, secs10 = build(db10, 1000, 10)
            print(f"\n10k demo: {n10} series × 120 months ingested in {secs10:.1f} s")
            t0 = time.perf_counter()
            batch.run_forecast(db10, horizon=24, jobs=args.jobs)
            el = time.perf_counter() - t0
            print(f"run_forecast end to end: {el:.1f} s = {n10 / el:.0f} series/s (goal < 120 s)")


if __name__ == "__main__":
    main()
