"""Digests of every export on the demo database: a refactor that changes no behaviour keeps them.

Builds the demo offline in a temporary folder (``skillpulse demo --no-serve``), then runs
``export outlook|forecast|series|backtest``, ``catalogue`` and ``gaps`` on the demo samples and
``extract`` on the demo postings, and prints one ``sha256  name.csv`` line per output (the demo
is seeded: two runs of one commit print the same lines). Record the lines on the commit before a
refactor and compare after:

    .venv/bin/python bench/export_digests.py > before.txt     # on the commit before the change
    .venv/bin/python bench/export_digests.py --compare before.txt
"""
from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

EXPORTS = ("outlook", "forecast", "series", "backtest")


def digests(folder: Path) -> dict[str, str]:
    """``name.csv -> sha256`` of every export of a freshly built demo database in ``folder``."""
    db = folder / "demo.duckdb"

    def run(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "skillpulse", *args], check=True, cwd=folder,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    run("demo", "--no-serve", "--db", str(db))
    for kind in EXPORTS:
        run("export", kind, "--db", str(db), "--out", f"{kind}.csv")
    run("catalogue", "demo_courses.csv", "--db", str(db), "--out", "catalogue.csv")
    run("gaps", "demo_inventory.csv", "--db", str(db), "--out", "gaps.csv")
    run("extract", "demo_postings.csv", "--db", str(db), "--out", "extract.csv")
    names = [*(f"{k}.csv" for k in EXPORTS), "catalogue.csv", "gaps.csv", "extract.csv"]
    return {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in sorted(names)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--compare", type=Path, help="digests printed by an earlier run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="skillpulse-digests-") as tmp:
        now = digests(Path(tmp))
    for name, digest in now.items():
        print(f"{digest}  {name}")
    if args.compare is None:
        return 0
    before = dict(reversed(line.split()) for line in args.compare.read_text().splitlines() if line.strip())
    changed = sorted(n for n in set(before) | set(now) if before.get(n) != now.get(n))
    print("identical" if not changed else f"changed: {', '.join(changed)}", file=sys.stderr)
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
