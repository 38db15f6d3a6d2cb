"""``skillpulse ingest``: load demand series from CSV/Parquet files into the database atomically."""
from __future__ import annotations

import sys

import click

from dashboard.commands.common import db_option
from data.ingest import FORMATS, ingest_files
from data.ingest.readers import file_size
from data.settings import get_settings

PROGRESS_MIN_BYTES = 20 * 1024 * 1024  # a bar is noise for files that load in a blink


@click.command("ingest")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@db_option
@click.option("--format", "fmt", type=click.Choice(("auto", *FORMATS)), default="auto",
              show_default=True, help="Input format of every FILE; auto reads it from each header.")
@click.option("--source", default=None,
              help="Source name for rows that give none (default: '' for long, 'hn-whoishiring', "
                   "'indeed').")
@click.option("--measure", type=click.Choice(("count", "share", "index")), default=None,
              help="What long-format values are: count (default), share (percent 0–100) or index.")
def ingest_cmd(files: tuple[str, ...], db: str, fmt: str, source: str | None,
               measure: str | None) -> None:
    """Load FILE... (CSV or Parquet; postings also JSON Lines) into the database, all or none.

    \b
    Formats (auto-detected from the header):
      long             skill, period, value [, source, region, occupation, total]
                       period YYYY-MM or YYYY-MM-DD; daily/weekly rows become months
                       (counts summed, shares and indices averaged)
      hn-whoishiring   month, num_comments, term, count, percentage, rank (share of comments;
                       non-skill terms such as Remote or Senior are left out)
      indeed-postings  Indeed Hiring Lab sector / aggregate postings index (daily → monthly mean)
      postings         id, posted_at, description [, title, region, occupation]: one job
                       posting per row; skills are extracted and counted per month

    \b
    Re-ingesting an identical file changes nothing; a newer file replaces the months it covers.
    Bad input exits 2 with the file, row (header = row 1) and column; the database is unchanged.

    \b
    Examples:
      skillpulse ingest terms.csv --db skills.duckdb
      skillpulse ingest hn_whoishiring_terms_monthly.csv --db skills.duckdb
      skillpulse ingest sectors.csv aggregate.csv --format indeed-postings --db skills.duckdb
      skillpulse ingest counts.parquet --measure share --source survey --db skills.duckdb
    """
    settings = get_settings()
    big = sum(file_size(f) for f in files) >= PROGRESS_MIN_BYTES
    progress = settings.progress and big and sys.stderr.isatty()
    summary = ingest_files(list(files), db, fmt=fmt, source=source, measure=measure,
                           progress=progress, settings=settings,
                           echo=lambda msg: click.echo(msg, err=True))
    click.echo(summary.line())
