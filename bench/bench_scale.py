"""Scale benchmark: the forecast's bucket path on one box and on Dask, projected to 10M series.

Measures, each in the same run:

1. **CPU-seconds per series**: ``models.bucket.forecast_bucket`` on buckets of demo series
   (120 months), in this process (``time.process_time``).
2. **Scaling 1 → 2 workers**: ``run_forecast`` wall time with ``--jobs 1`` (in-process), the local
   pool with 2 workers, and Dask (a 2-worker ``LocalCluster``), same database; and the
   machine's own ceiling in the same run (``machine_ceiling``: the bucket work alone, in memory,
   in 2 forked processes vs 1 — what two busy processes get from this virtual machine).
3. **Dask overhead per bucket**: buckets of ``--bucket-size`` series through ``run_dask`` with a
   bucket function that only returns empty tables (shipping the bucket to a worker and the
   result back, scheduling), against the same calls in this process.
4. **Peak RSS and wall time at increasing series counts** (``--sizes``): a full ``run_forecast``
   (read → buckets → run-wide → publish) per size in a fresh process (the database is built in
   another one), in-process (``--jobs 1``: every byte is in the measured process); RSS is the
   sampled peak, reported for the bucket path (read, buckets, run-wide, inserts) and for the
   whole run (the dashboard summaries written at publish included). By default the series are
   index series (the demo's values, no totals) and each takes the short-history path
   (``min_history`` set beyond the history: a naive forecast with its intervals, evidence rows,
   no backtest, no count model), so the pipeline's memory is measured at sizes this machine can
   fit in minutes; ``--fit`` runs count series through the full per-series analysis instead.
5. **Postings** (``--postings``): synthetic postings through the local path (2 processes) and
   ``--engine dask`` (2 workers): identical monthly counts, postings per second.
6. **Projection** for 10M series on 100 workers from the measured CPU-seconds per series, the
   Dask overhead per bucket and the measured publish rate (one writer).

The machine is shared: the load average is printed with each figure.

Run: ``.venv/bin/python bench/bench_scale.py [--sizes 20000,100000,200000] [--scaling-series 2000]``;
``--scaling-only``: sections 1-3 alone (CPU per series, 1 → 2 workers, Dask overhead), to
re-measure the scaling on an idle machine.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from skillpulse.data import demo, store
from skillpulse.data.ingest.load import ingest_frame
from skillpulse.data.settings import get_settings
from skillpulse.data.skills import upsert_taxonomy
from skillpulse.models import batch, bucket, engines

SKILLS = 1000  # series = skills x regions (the demo generator's skills, one series per region)


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def build(path: Path, n_series: int, months: int = 120, measure: str = "count") -> int:
    """A database of about ``n_series`` demo series through the ingest path (market included);
    ``measure="index"``: the same values as index series (no totals)."""
    skills = min(SKILLS, n_series)
    frame, truth = demo.generate_series(seed=7, n_skills=skills, months=months,
                                        segments=max(1, n_series // skills))
    if measure != "count":
        frame = frame.with_columns(pl.lit(measure).alias("measure"),
                                   pl.lit(None, pl.Float64).alias("total"))
    with store.write(path) as con:
        tax = demo.taxonomy_frame(truth).with_columns(pl.lit("").alias("aliases"),
                                                      pl.lit("").alias("description"))
        upsert_taxonomy(con, tax)
        info = ingest_frame(con, frame, source_file="bench", sha256=f"scale{n_series}", fmt="demo")
    return int(info["series"])


def buckets_of(path: Path, size: int, limit: int) -> list[tuple[int, object]]:
    with store.read(path) as con:
        cur = con.cursor()
        try:
            return list(batch.iter_buckets(cur, as_of=None, bucket_size=size, market={}, limit=limit))
        finally:
            cur.close()


def cpu_per_series(path: Path, n: int) -> float:
    tables = buckets_of(path, 250, n)
    t0 = time.process_time()
    done = 0
    for _, table in tables:
        bucket.forecast_bucket(table, horizon=24)  # type: ignore[arg-type]
        done += table.num_rows  # type: ignore[attr-defined]
    return (time.process_time() - t0) / done


def _busy(tables: list[object]) -> float:
    """CPU work alone: ``forecast_bucket`` on tables already in memory; returns wall seconds."""
    t0 = time.perf_counter()
    for table in tables:
        bucket.forecast_bucket(table, horizon=24)  # type: ignore[arg-type]
    return time.perf_counter() - t0


def machine_ceiling(path: Path, n: int) -> float:
    """The 1 -> 2 process speed-up this machine allows for the bucket work itself: the same
    buckets (in memory, nothing read, shipped or written) in one process, then split between two
    processes started side by side (forked, so nothing is imported on the clock). A shared
    virtual machine can give two busy processes less than two cores (CPU steal, turbo, cache):
    the run's own scaling is read against this ceiling."""
    import multiprocessing as mp

    tables = [t for _, t in buckets_of(path, 125, n)]
    one = _busy(tables)
    halves = [tables[0::2], tables[1::2]]
    with mp.get_context("fork").Pool(2) as pool:
        pool.map(_busy, [halves[0][:1], halves[1][:1]])  # both workers started and warm
        t0 = time.perf_counter()
        pool.map(_busy, halves, chunksize=1)
        two = time.perf_counter() - t0
    return one / two


def empty_bucket(table: object, **_: object) -> bucket.BucketOutput:
    """Ships like a bucket, computes nothing: what is left is the engine's own cost."""
    return bucket.BucketOutput(forecast=bucket.FORECAST_SCHEMA.empty_table(),
                               backtest=bucket.BACKTEST_SCHEMA.empty_table(),
                               evidence=bucket.EVIDENCE_SCHEMA.empty_table())


def warm_worker() -> None:
    """What a worker imports for its first bucket (run on every worker of a started cluster)."""
    import skillpulse.models.bucket  # noqa: F401


def dask_overhead(path: Path, size: int, n_buckets: int) -> tuple[float, float]:
    """Seconds per bucket: (Dask 2 workers, in this process) for the empty bucket function."""
    from skillpulse.data.cluster import dask_client

    tables = buckets_of(path, size, size)[:1] * n_buckets
    tables = [(i, t) for i, (_, t) in enumerate(tables)]
    t0 = time.perf_counter()
    for _ in engines.run_serial(tables, fn=empty_bucket):
        pass
    local = (time.perf_counter() - t0) / n_buckets
    with dask_client(None, jobs=2) as client:
        list(engines.run_dask(tables[:4], client=client, fn=empty_bucket))  # warm the workers
        t0 = time.perf_counter()
        for _ in engines.run_dask(tables, client=client, fn=empty_bucket):
            pass
        remote = (time.perf_counter() - t0) / n_buckets
    return remote, local


def timed_run(path: Path, *, rss: PeakRss | None = None, **kw: object) -> tuple[float, float]:
    """(wall seconds of run_forecast, seconds of its publish step); ``rss``: its peak so far is
    noted when the dashboard summaries start (``rss.before_summaries``)."""
    spent = {"publish": 0.0}
    real, real_summaries = batch.publish, batch.write_summaries

    def publish(*a: object, **k: object) -> int:
        t = time.perf_counter()
        try:
            return real(*a, **k)  # type: ignore[arg-type]
        finally:
            spent["publish"] += time.perf_counter() - t

    def write_summaries(*a: object, **k: object) -> None:
        if rss is not None:
            rss.before_summaries = rss.sample()
        real_summaries(*a, **k)  # type: ignore[arg-type]

    batch.publish = publish  # type: ignore[assignment]
    batch.write_summaries = write_summaries  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        batch.run_forecast(path, horizon=24, progress=False, **kw)  # type: ignore[arg-type]
        return time.perf_counter() - t0, spent["publish"]
    finally:
        batch.publish = real  # type: ignore[assignment]
        batch.write_summaries = real_summaries  # type: ignore[assignment]


def postings_rates(folder: Path, n: int) -> None:
    from skillpulse.data.cluster import dask_client
    from skillpulse.data.demo_postings import generate_postings
    from skillpulse.data.postings import postings_to_frame

    path = folder / "postings.csv"
    generate_postings(n, 3, dt.date(2016, 1, 1), 96).write_csv(path)
    with store.memory() as con:
        t0 = time.perf_counter()
        local, _ = postings_to_frame(path, con, jobs=2)
        t_local = time.perf_counter() - t0
        t0 = time.perf_counter()
        with dask_client(None, jobs=2) as client:
            t_start = time.perf_counter() - t0
            t0 = time.perf_counter()
            remote, _ = postings_to_frame(path, con, client=client)
            t_dask = time.perf_counter() - t0
    same = "identical" if remote.equals(local) else "DIFFERENT"
    print(f"postings: {n:,} synthetic postings -> {local.height:,} monthly values, {same} counts; "
          f"local 2 processes (pool start included) {n / t_local:,.0f} postings/s, Dask 2 workers "
          f"{n / t_dask:,.0f} postings/s after a {t_start:.1f} s cluster start ({load()})")


class PeakRss:
    """Samples the RSS of this process and its descendants (psutil) every 0.1 s."""

    def __init__(self) -> None:
        import psutil
        self.proc = psutil.Process()
        self.peak = 0
        self.before_summaries = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> int:
        """Samples now; returns the peak so far."""
        import psutil
        total = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            with contextlib.suppress(psutil.Error):
                total += p.memory_info().rss
        with self._lock:
            self.peak = max(self.peak, total)
            return self.peak

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(0.1)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


def child(size: int, folder: Path, bucket_size: int, fit: bool) -> None:
    """One size in a fresh process: a full run under the RSS sampler; JSON out."""
    db = folder / f"s{size}.duckdb"
    settings = dataclasses.replace(get_settings(), progress=False,
                                   **({} if fit else {"min_history": 10**6}))
    with store.read(db) as con:
        n = int(con.execute("SELECT count(*) FROM series").fetchall()[0][0])
    with PeakRss() as rss:
        wall, pub = timed_run(db, rss=rss, jobs=1, bucket_size=bucket_size, settings=settings)
    print(json.dumps({"series": n, "wall": wall, "publish": pub, "peak_rss_mb": rss.peak / 2**20,
                      "bucket_path_rss_mb": rss.before_summaries / 2**20,
                      "load": os.getloadavg()[0]}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="20000,100000,200000", help="series counts for RSS and wall time")
    ap.add_argument("--scaling-series", type=int, default=2000, help="0 = skip sections 1-3")
    ap.add_argument("--bucket-size", type=int, default=batch.BUCKET_SIZE)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--postings", type=int, default=50_000)
    ap.add_argument("--fit", action="store_true", help="full per-series analysis in the RSS runs")
    ap.add_argument("--scaling-only", action="store_true",
                    help="only CPU per series, 1 -> 2 workers and the Dask overhead (sections 1-3)")
    ap.add_argument("--child", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--build", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--folder", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.build:
        build(Path(args.folder) / f"s{args.build}.duckdb", args.build,
              measure="count" if args.fit else "index")
        return
    if args.child:
        child(args.child, Path(args.folder), args.bucket_size, args.fit)
        return
    if args.scaling_only:
        args.sizes, args.postings = "", 0
    print(f"start: {load()} (1-minute load average; {os.cpu_count()} cores)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        measured = None
        if args.scaling_series:
            db = folder / "scaling.duckdb"
            n = build(db, args.scaling_series)
            cps = cpu_per_series(db, 500)
            print(f"CPU-seconds per series (120 months, horizon 24, in-process): {cps * 1000:.1f} ms "
                  f"({load()})")
            # enough buckets for both workers to stay busy (several per worker)
            size = max(10, min(args.bucket_size, n // (2 * 8)))
            # every timing on a store of its own: a run's wall time grows with the runs already
            # stored (2,002 series: 38 s as the 2nd run, 46 s as the 4th), so runs in sequence on
            # one store would favour whichever engine ran first
            fresh = iter(range(1, 10))

            def store_of_its_own() -> Path:
                path = folder / f"scaling-{next(fresh)}.duckdb"
                build(path, args.scaling_series)
                return path

            ceiling = machine_ceiling(db, min(n, 1000))
            print(f"machine ceiling, same run: the bucket work alone (in memory) in 2 processes "
                  f"side by side vs 1: {ceiling:.2f}x ({load()})")
            w1, p1 = timed_run(store_of_its_own(), jobs=1, bucket_size=size)
            print(f"{n} series, --jobs 1 (in-process): {w1:.1f} s ({n / w1:.0f} series/s; publish "
                  f"{p1:.1f} s) ({load()})")

            def scaling(w2: float) -> str:
                return (f"{w2:.1f} s ({n / w2:.0f} series/s); scaling 1 -> 2 workers: "
                        f"{w1 / w2:.2f}x, {w1 / w2 / ceiling:.0%} of the ceiling ({load()})")
            for name, engine in (("local pool", "local"), ("dask LocalCluster", "dask")):
                batch.IN_PROCESS_BELOW = 0
                w2, _ = timed_run(store_of_its_own(), jobs=2, bucket_size=size, engine=engine)
                print(f"{n} series, 2 workers, {name}, buckets of {size}: {scaling(w2)}")
            # a running cluster (how a real one is used: `dask scheduler` + `dask worker`s that
            # outlive one run): its start and the workers' first imports are not the run's
            from skillpulse.data.cluster import dask_client
            path = store_of_its_own()
            t0 = time.perf_counter()
            with dask_client(None, jobs=2) as client:
                client.run(warm_worker)
                warm = time.perf_counter() - t0
                w2, _ = timed_run(path, jobs=2, bucket_size=size, engine="dask",
                                  scheduler=client.scheduler.address)
            print(f"{n} series, 2 workers, dask cluster already running (its start and the workers' "
                  f"imports took {warm:.1f} s before the run), buckets of {size}: {scaling(w2)}")
            remote, local = dask_overhead(db, args.bucket_size, 40)
            print(f"Dask overhead per bucket of {args.bucket_size} series (empty bucket function, "
                  f"2 workers): {remote * 1000:.1f} ms vs {local * 1000:.2f} ms in-process "
                  f"= {remote / args.bucket_size * 1000:.3f} ms per series ({load()})")
            measured = (cps, p1 / n, remote)
        if args.postings:
            postings_rates(folder, args.postings)
        rows = []
        for size in [int(s) for s in args.sizes.split(",") if s]:
            subprocess.run([sys.executable, __file__, "--build", str(size), "--folder", tmp,
                            *(["--fit"] if args.fit else [])], check=True)
            out = subprocess.run([sys.executable, __file__, "--child", str(size), "--folder", tmp,
                                  "--bucket-size", str(args.bucket_size),
                                  *(["--fit"] if args.fit else [])],
                                 capture_output=True, text=True, check=True)
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"{row['series']:>8} series: wall {row['wall']:7.1f} s ({row['series'] / row['wall']:.0f} "
                  f"series/s), publish {row['publish']:.1f} s, peak RSS {row['bucket_path_rss_mb']:.0f} MB "
                  f"through the bucket path and inserts, {row['peak_rss_mb']:.0f} MB with the "
                  f"dashboard summaries ({'full analysis' if args.fit else 'short-history path'}, "
                  f"in-process; load {row['load']:.1f})")
            (folder / f"s{size}.duckdb").unlink(missing_ok=True)
            shutil.rmtree(folder / f"s{size}.duckdb.versions", ignore_errors=True)
        if len(rows) > 1:
            grow = rows[-1]["bucket_path_rss_mb"] / rows[0]["bucket_path_rss_mb"]
            print(f"peak RSS {rows[-1]['series']} vs {rows[0]['series']} series "
                  f"(x{rows[-1]['series'] / rows[0]['series']:.0f}): bucket path {grow:.2f}x "
                  f"({'within' if grow <= 1.25 else 'NOT within'} 25%), whole run with summaries "
                  f"{rows[-1]['peak_rss_mb'] / rows[0]['peak_rss_mb']:.2f}x; the run-wide step keeps "
                  f"{batch.GATHERED_BYTES_PER_SERIES} bytes per series")
        if measured is not None:
            cps, pub_per_series, remote = measured
            total = 10_000_000
            compute = total * cps / 100 + (total / args.bucket_size) * remote / 100
            print(f"projection, 10M series on 100 workers: compute {compute / 60:.0f} min "
                  f"({cps * 1000:.1f} ms CPU per series, {remote * 1000:.0f} ms Dask overhead per "
                  f"bucket), publish through one writer {total * pub_per_series / 60:.0f} min "
                  f"(measured {pub_per_series * 1e6:.0f} us per series)")


if __name__ == "__main__":
    main()
