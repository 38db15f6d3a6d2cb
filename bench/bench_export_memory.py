"""Peak memory of ``skillpulse export outlook|forecast`` (streamed, 100,000 rows at a time) against
the whole table built in memory first (the path before streaming), in fresh processes, same
database, same moment; the two files must be byte-identical.

    .venv/bin/python bench/bench_export_memory.py --db /tmp/m.duckdb [--kinds outlook forecast]
"""
from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STREAMED = """
import resource, sys
from skillpulse.__main__ import main
sys.argv = ["skillpulse", "export", sys.argv[1], "--db", sys.argv[2], "--out", sys.argv[3]]
try:
    main()
except SystemExit:
    pass
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
WHOLE = """
import resource, sys
import polars as pl
from skillpulse.dashboard.commands.export import export_chunks
from skillpulse.data import store
from skillpulse.data.tables import write_table
with store.read(sys.argv[2]) as con:
    df = pl.concat(list(export_chunks(con, sys.argv[1], rows=1 << 40)))
write_table(df, sys.argv[3])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def measure(code: str, kind: str, db: str, out: Path) -> tuple[float, float]:
    t = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, kind, db, str(out)], check=True,
                          capture_output=True, text=True)
    return int(done.stdout.split()[-1]) / 1024, time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--kinds", nargs="+", default=["outlook"])
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"{'export':<10} {'rows file MB':>12} {'streamed MB':>12} {'whole MB':>9} {'s streamed':>11} "
          f"{'s whole':>8} identical")
    with tempfile.TemporaryDirectory(prefix="skillpulse-export-") as tmp:
        for kind in args.kinds:
            a, b = Path(tmp) / f"{kind}.streamed.csv", Path(tmp) / f"{kind}.whole.csv"
            rss_s, t_s = measure(STREAMED, kind, args.db, a)
            rss_w, t_w = measure(WHOLE, kind, args.db, b)
            same = filecmp.cmp(a, b, shallow=False)
            print(f"{kind:<10} {a.stat().st_size / 2**20:>12.0f} {rss_s:>12.0f} {rss_w:>9.0f} "
                  f"{t_s:>11.1f} {t_w:>8.1f} {same}")
            a.unlink()
            b.unlink()


if __name__ == "__main__":
    main()
