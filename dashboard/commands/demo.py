"""``skillpulse demo``: build the demo database offline (data, postings, forecast, L&D samples), serve.

Every step is one atomic publish: the demo series and a synthetic postings file run through the
real extraction path (source ``demo-postings``) in one ``store.write``; then the forecast run in
another. Rebuilding over an existing demo database publishes new versions ("latest batch wins"
for the same series and months).
"""
from __future__ import annotations

import hashlib
import os
import sys
import time
from pathlib import Path

import click
from skillpulse.dashboard.commands.common import db_option
from skillpulse.data import store
from skillpulse.data.demo import START, generate_series, taxonomy_frame
from skillpulse.data.demo_postings import generate_postings
from skillpulse.data.demo_samples import write_samples
from skillpulse.data.errors import DatabaseError, UsageError
from skillpulse.data.ingest.load import ingest_frame
from skillpulse.data.postings import postings_to_frame
from skillpulse.data.progress import Bar
from skillpulse.data.skills import upsert_taxonomy
from skillpulse.data.tables import write_table
from skillpulse.data.taxonomy_io import ensure_default_taxonomy
from skillpulse.models.batch import run_forecast

POSTINGS_SOURCE = "demo-postings"
N_POSTINGS = 6_000  # ~45 a month: visible trends, 1–2 s through generation + extraction
POSTINGS_MONTHS = 132


def _postings_path(db: Path) -> Path:
    stem = db.name[: -len(db.suffix)] if db.suffix else db.name
    return db.with_name(f"{stem}_postings.csv")


def _ingest_postings(con, db: Path, seed: int, echo) -> dict:  # type: ignore[no-untyped-def]
    """Generate synthetic postings next to the db and ingest them through the extraction path."""
    path = _postings_path(db)
    postings = generate_postings(N_POSTINGS, seed, START, POSTINGS_MONTHS)
    write_table(postings, str(path), "csv")
    frame, skipped = postings_to_frame(path, con, source=POSTINGS_SOURCE)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    stats = ingest_frame(con, frame, source_file=str(path), sha256=digest, fmt="postings")
    echo(f"  postings path: {len(postings):,} postings in {path.name} → {stats['rows']:,} observations in "
         f"{stats['series']:,} series (source '{POSTINGS_SOURCE}')"
         + _postings_note(skipped))
    return stats


def _postings_note(stats: object) -> str:
    if not isinstance(stats, dict):
        return ""
    parts = [f"{stats[k]:,} {label}" for k, label in (
        ("duplicate_id", "repeated ids"), ("duplicate_text", "reposts counted once"),
        ("skipped_bad_date", "bad dates skipped"), ("skipped_empty", "empty skipped"))
        if isinstance(stats.get(k), int) and stats[k]]
    return f" ({', '.join(parts)})" if parts else ""


def _refuse_foreign_data(db: Path) -> None:
    """The demo rebuilds its own database; it never mixes synthetic series into real data."""
    if not db.exists():
        return
    try:
        with store.read(db) as con:
            sources = set(store.query(con.cursor(), "demo_sources")["source"].to_list())
    except DatabaseError:
        return  # not a readable skillpulse database: the write reports what is wrong
    foreign = sorted(sources - {"demo", POSTINGS_SOURCE, "fixture"})
    if foreign:
        raise UsageError(f"{db} already holds other data (sources: {', '.join(foreign[:5])}); "
                         "the demo would mix with it — pass a new file, e.g. --db demo.duckdb")


def build_demo(db: str | Path, *, seed: int = 7, progress: bool = False, echo=click.echo  # type: ignore[no-untyped-def]
               ) -> dict[str, object]:
    """Build (or rebuild) the demo database at ``db``; returns what was built with timings."""
    db = Path(db)
    _refuse_foreign_data(db)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    frame, truth = generate_series(seed=seed)
    timings["generate"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    digest = hashlib.sha256(f"skillpulse demo seed={seed} rows={frame.height}".encode()).hexdigest()
    with store.write(db) as con:
        ensure_default_taxonomy(con)
        upsert_taxonomy(con, taxonomy_frame(truth))
        stats = ingest_frame(con, frame, source_file=f"demo (seed {seed})", sha256=digest, fmt="demo")
        first, last = frame["period"].min(), frame["period"].max()
        echo(f"  demo series: {stats['rows']:,} observations, {stats['series']:,} series, "
             f"{first!s:.7} to {last!s:.7}")
        postings = _ingest_postings(con, db, seed, echo)
    timings["ingest"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    with Bar("forecasting", enabled=progress, unit="buckets", total=0) as bar:
        run_id = run_forecast(str(db), progress=bar)
    timings["forecast"] = time.perf_counter() - t2
    echo(f"  forecast: run {run_id} in {timings['forecast']:.1f} s")
    courses, inventory = write_samples(db, truth, seed=seed)
    echo(f"  L&D samples: {courses.name} and {inventory.name}")
    timings["total"] = time.perf_counter() - t0
    return {"db": db, "run_id": run_id, "series": stats["series"], "rows": stats["rows"],
            "postings": postings, "courses": courses, "inventory": inventory, "timings": timings}


@click.command("demo")
@db_option
@click.option("--no-serve", is_flag=True, help="Build the demo database and exit.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to serve on.")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535),
              help="Port to serve on.")
@click.option("--seed", default=7, show_default=True, type=int,
              help="Seed of the demo generator (same seed, same data).")
def demo_cmd(db: str, no_serve: bool, host: str, port: int, seed: int) -> None:
    """Build a demo database offline (no network), forecast it, then serve the dashboard.

    \b
    The demo: 320 microcompetencies × 132 months of synthetic posting counts with known life
    cycles (emerging, rising, stable, declining, obsolescent, noisy), hiring seasonality, abrupt
    technology shifts and a whole-market series with a hiring slump; a synthetic postings file
    run through skill extraction; a forecast run; and sample L&D inputs next to the database
    (<db>_courses.csv, <db>_inventory.csv) for 'skillpulse catalogue' and 'skillpulse gaps'.

    \b
    Examples:
      skillpulse demo                                  # build skillpulse.duckdb and serve
      skillpulse demo --db demo.duckdb --no-serve      # build only
    """
    click.echo(f"building the demo database {db} …")
    built = build_demo(db, seed=seed, progress=sys.stderr.isatty())
    t: dict[str, float] = built["timings"]  # type: ignore[assignment]
    click.echo(f"built {db} in {t['total']:.1f} s (generate {t['generate']:.2f} s, "
               f"ingest {t['ingest']:.1f} s"
               f", forecast {t['forecast']:.1f} s)")
    click.echo("try:")
    click.echo(f"  skillpulse export outlook --db {db} --out outlook.csv")
    click.echo(f"  skillpulse catalogue {built['courses']} --db {db}")
    click.echo(f"  skillpulse gaps {built['inventory']} --db {db}")
    if no_serve:
        click.echo(f"serve it with: skillpulse serve --db {db}")
        return
    serve_fresh(str(db), host, port)  # `serve` prints the one "serving http://…" line


def serve_fresh(db: str, host: str, port: int) -> None:
    """Replace this process with ``skillpulse serve``.

    Why not call ``run_server`` here: the build ran polars, DuckDB and a process pool, whose
    thread pools do not survive gunicorn's fork — workers forked from this process hang (measured:
    the port listens, no request is answered). A fresh interpreter serves like ``skillpulse serve``.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, [sys.executable, "-m", "skillpulse", "serve", "--db", db,
                              "--host", host, "--port", str(port)])
