"""What changed and the brief on a scaled-up demo: 10,000 series × 120 months, two runs a year
apart (synthesized forecasts, as in bench_dashboard.py).

Times, end to end through the installed CLI (process start, database open, query, write), best
of ``--repeat``: ``skillpulse changes`` (every series' status in both runs, every forecast month
against what was observed) and ``skillpulse report`` (the whole brief with four charts), against
``skillpulse export outlook`` (one run's table) measured in the same run as the baseline.

    .venv/bin/python bench/bench_changes.py [--skills 250] [--segments 40] [--repeat 3]
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fixtures_app import bench_db  # noqa: E402

CLI = str(Path(sys.executable).with_name("skillpulse"))


def best(args: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run([CLI, *args], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description="changes and report benchmark")
    parser.add_argument("--skills", type=int, default=250)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--db", default=None, help="reuse (or create) this database file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = bench_db(Path(args.db) if args.db else Path(tmp) / "bench.duckdb",
                      n_skills=args.skills, segments=args.segments)
        out = Path(tmp)
        base = best(["export", "outlook", "--db", str(db), "--out", str(out / "o.csv")], args.repeat)
        changes = best(["changes", "--db", str(db), "--out", str(out / "c.csv")], args.repeat)
        report = best(["report", "--db", str(db), "--out", str(out / "b.html")], args.repeat)
        rows = (out / "c.csv").read_text(encoding="utf-8").count("\n") - 1
        size = (out / "b.html").stat().st_size / 1e6
        print(f"export outlook (baseline): {base:.2f} s")
        print(f"changes: {changes:.2f} s ({rows:,} changes; {changes / base:.2f}x the baseline)")
        print(f"report:  {report:.2f} s ({size:.1f} MB; {report / base:.2f}x the baseline)")


if __name__ == "__main__":
    main()
