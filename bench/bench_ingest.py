"""Benchmark: long-format CSV → skillpulse database, against a bare DuckDB ``read_csv`` in the same run.

What is timed:
- skillpulse: ``data.ingest.ingest_files([csv], db)`` on a fresh database: hashing, reading every
  column as text, vectorised validation (names, periods, numbers, duplicates), skill resolution,
  series creation, the observation insert, and ``store.write``'s publish (checkpoint, fsync,
  symlink swap).
- baseline: ``CREATE TABLE t AS SELECT * FROM read_csv(csv)`` into a fresh DuckDB file, including
  connect and close (its checkpoint), with no validation at all.
Each is run ``--repeat`` times alternately on the same file; the best time of each is reported
(the machine is shared, so the best run is the least disturbed one).

Usage: ``python bench/bench_ingest.py [--rows 6000000] [--repeat 3] [--keep DIR]``.
Goals (issue 2): ≥ 5 million rows/s, ratio ≥ 0.5 × the bare DuckDB load.
"""
from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import duckdb
from skillpulse.data.ingest import ingest_files
from skillpulse.data.settings import Settings


def generate(path: Path, rows: int) -> int:
    """A long CSV (skill, period, value, region) with ~``rows`` rows: 2,000 skills × 120 months ×
    as many regions as needed; realistic skill names, one decimal values."""
    skills, months = 2000, 120
    regions = max(1, round(rows / (skills * months)))
    con = duckdb.connect()
    con.execute(f"""
        COPY (
          SELECT 'skill ' || s || CASE s % 3 WHEN 0 THEN ' framework' WHEN 1 THEN '.js' ELSE '' END
                   AS skill,
                 strftime(DATE '2014-01-01' + to_months(m), '%Y-%m') AS period,
                 round(random() * 1000, 1) AS value,
                 'region ' || r AS region
          FROM range({skills}) a(s), range({months}) b(m), range({regions}) c(r)
        ) TO '{path}' (HEADER, DELIMITER ',')
    """)
    con.close()
    return skills * months * regions


def time_duckdb(csv: Path, db: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of the bare DuckDB load."""
    t, c = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(db))
    con.execute("SET enable_progress_bar = false")
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv($path)", {"path": str(csv)})
    con.close()
    return time.perf_counter() - t, time.process_time() - c


def time_skillpulse(csv: Path, db: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of ``skillpulse ingest`` as a function call."""
    settings = Settings(progress=False, keep_versions=1)
    t, c = time.perf_counter(), time.process_time()
    summary = ingest_files([csv], db, settings=settings)
    elapsed = time.perf_counter() - t, time.process_time() - c
    assert summary.rows > 0, "nothing was ingested"
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=6_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None, help="folder for the files (kept)")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench_ingest_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        csv = folder / "long.csv"
        t = time.perf_counter()
        rows = generate(csv, args.rows)
        print(f"generated {rows:,} rows ({csv.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - t:.1f} s; {os.cpu_count()} CPUs; load average "
              f"{os.getloadavg()[0]:.1f}")
        duck: list[tuple[float, float]] = []
        ours: list[tuple[float, float]] = []
        for i in range(args.repeat):
            duck_db, sp_db = folder / f"duck{i}.duckdb", folder / f"sp{i}.duckdb"
            d = time_duckdb(csv, duck_db)
            s = time_skillpulse(csv, sp_db)
            duck.append(d)
            ours.append(s)
            print(f"run {i + 1}: duckdb read_csv {d[0]:.2f} s ({rows / d[0] / 1e6:.2f} M rows/s) · "
                  f"skillpulse ingest {s[0]:.2f} s ({rows / s[0] / 1e6:.2f} M rows/s) · "
                  f"ratio {d[0] / s[0]:.2f} (CPU {d[1]:.2f} s vs {s[1]:.2f} s)")
            duck_db.unlink(missing_ok=True)
            shutil.rmtree(folder / f"sp{i}.duckdb.versions", ignore_errors=True)
            sp_db.unlink(missing_ok=True)
        best_d, best_s = min(w for w, _ in duck), min(w for w, _ in ours)
        ratios = sorted(d[0] / s[0] for d, s in zip(duck, ours, strict=True))
        cpu_ratio = min(c for _, c in duck) / min(c for _, c in ours)
        median = ratios[len(ratios) // 2]
        print(f"best: duckdb {rows / best_d / 1e6:.2f} M rows/s, skillpulse "
              f"{rows / best_s / 1e6:.2f} M rows/s (incl. validation and publish)")
        print(f"ratio of bests {best_d / best_s:.2f}×, median per-run ratio {median:.2f}×, "
              f"CPU-time ratio {cpu_ratio:.2f}× (goal ≥ 0.5×; absolute goal ≥ 5 M rows/s)")
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
