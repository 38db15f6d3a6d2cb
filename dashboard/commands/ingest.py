"""``skillpulse ingest``: load demand series from CSV/Parquet files into the database atomically."""
from __future__ import annotations

import glob
import sys
from pathlib import Path

import click
from skillpulse.dashboard.commands.common import db_option, engine_options
from skillpulse.data.errors import UsageError
from skillpulse.data.ingest import FORMATS, ingest_files
from skillpulse.data.ingest.readers import file_size
from skillpulse.data.settings import get_settings

PROGRESS_MIN_BYTES = 20 * 1024 * 1024  # a bar is noise for files that load in a blink


SHORT_HELP = ("Load skill-demand files (CSV/Parquet/JSONL) into the database: long, wide, HN, "
              "Indeed or raw postings.")


def expand_globs(args: tuple[str, ...]) -> tuple[str, ...]:
    """Each argument that is not a file but a glob pattern → its matches (sorted); a pattern
    matching nothing is a usage error."""
    out: list[str] = []
    for arg in args:
        if Path(arg).exists() or not glob.has_magic(arg):
            out.append(arg)
            continue
        matches = sorted(glob.glob(arg))
        if not matches:
            raise UsageError(f"{arg}: no file matches this pattern")
        out.extend(matches)
    return tuple(out)


@click.command("ingest", short_help=SHORT_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
@db_option
@click.option("--format", "fmt", type=click.Choice(("auto", *FORMATS)), default="auto",
              show_default=True,
              help="Input format of every FILE; auto reads it from each header (and data).")
@click.option("--source", default=None,
              help="Source name for rows that give none (default: '' for long, 'hn-whoishiring', "
                   "'indeed'; other shapes: the file name without extension and trailing date).")
@click.option("--measure", type=click.Choice(("count", "share", "index")), default=None,
              help="What the values are: count, share (percent 0–100) or index. Default: count "
                   "for long; other shapes infer it from the value column's name and the data.")
@engine_options("extracts skills from raw postings (--format postings; counts are identical "
                "either way)", "a local cluster")
def ingest_cmd(files: tuple[str, ...], db: str, fmt: str, source: str | None,
               measure: str | None, engine: str, scheduler: str | None) -> None:
    """Load skill-demand files (CSV/Parquet/JSONL) into the database: long, wide, HN, Indeed or raw postings.

    Every FILE is loaded, or none is (one atomic write); JSON Lines are read as job postings only.

    \b
    Shapes (auto-detected from the header, then the data):
      long             skill, period, value [, source, region, occupation, total]
                       also under other names (case, spaces, _ ignored):
                         skill  <- term, language, technology, tag, TagName, keyword, topic, name…
                         period <- date, month, ds, time, week, day; or year + quarter,
                                   year + month, or year alone
                         value  <- value first, else ONE of count, share, percentage, pct,
                                   index, popularity, mentions, postings, num_*, …
                                   (two such columns and no 'value' is an error)
                         region <- country, jobcountry, iso2_code, geo, location, entity
                         occupation <- sector, industry, display_name
      wide             a period column + one numeric column per skill
                       (Date, Python, Java, …); empty/NA cells are missing months
      tracker          a period column + ONE numeric column (+ region…): one series per
                       region named after the column (date, jobcountry, AI_share -> 'AI')
      hn-whoishiring   month, num_comments, term, count, percentage, rank (share of comments;
                       non-skill terms such as Remote or Senior are left out)
      indeed-postings  Indeed Hiring Lab sector / aggregate postings index (daily → monthly mean)
      postings         id, posted_at, description [, title, region, occupation]: one job
                       posting per row; skills are extracted and counted per month

    \b
    Periods: YYYY-MM, YYYY-MM-DD, YYYY/MM, MM/YYYY, 'Jul 2004', YYYY-Qn, YYYYQn, YYYY,
    M/D/YYYY or D/M/YYYY (order read from the column; ambiguous columns are rejected).
    Daily/weekly rows become months (counts summed, shares and indices averaged).
    An incomplete first or last month (judged on the file's own cadence: daily data ending
    before the month's last day, weekly data whose last week ends before the month end) is
    DROPPED for counts (a part-month sum is not the month's demand; nothing is pro-rated) and
    kept for shares and indices (a mean of the days present) with an empty total; a note says
    which month and days.
    Quarterly and yearly values are placed on the first month of their quarter/year; the
    months between stay empty and the forecast treats them as gaps (interpolated, never
    scored) — nothing is invented in the database.

    \b
    Measure (when --measure is not given; files with exactly skill, period, value: count):
    a value name saying share, pct, percent(age), proportion, fraction, ratio or a % sign
    -> share (percent); index, score, interest -> index; count, num_*, mentions, postings
    -> count. Names that say nothing: values adding up to 100 (or 1) per period -> share;
    Google Trends-like whole numbers peaking at 100 -> index; else count. Fractions 0–1
    become percent (×100) when the name says fraction/ratio/proportion or each period
    adds up to 1. Two names of one skill in a file (aliases) keep the larger value.

    \b
    Columns measure (count|share|index per row) and category (for skills new to the store) are
    read when present, so an 'export series' file ingests back as it was. For counts, total
    (the market's postings that month) may not be below value.

    \b
    Re-ingesting an identical file changes nothing; a newer file replaces the months it covers
    (also a later FILE of the same command: a note says so).
    Bad input exits 2 with the file, row (header = row 1) and column; the database is unchanged.

    \b
    \b
    FILE may be a quoted glob ('postings/*.parquet'): its matches, in name order.
    Raw postings at scale: --engine dask extracts skills on a Dask cluster's workers
    (a local one, or --scheduler ADDRESS); counts are those of the local path.

    \b
    Examples:
      skillpulse ingest terms.csv --db skills.duckdb
      skillpulse ingest languages.csv --db skills.duckdb      # num_pushers, language, year, quarter
      skillpulse ingest pypl.csv --db skills.duckdb           # Date, Python, Java, …
      skillpulse ingest hn_whoishiring_terms_monthly.csv --db skills.duckdb
      skillpulse ingest sectors.csv aggregate.csv --format indeed-postings --db skills.duckdb
      skillpulse ingest counts.parquet --measure share --source survey --db skills.duckdb
      skillpulse ingest 'postings/*.parquet' --format postings --engine dask --db skills.duckdb
    """
    settings = get_settings()
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    files = expand_globs(files)
    big = sum(file_size(f) for f in files) >= PROGRESS_MIN_BYTES
    progress = settings.progress and big and sys.stderr.isatty()
    summary = ingest_files(list(files), db, fmt=fmt, source=source, measure=measure,
                           progress=progress, settings=settings,
                           echo=lambda msg: click.echo(msg, err=True), engine=engine,
                           scheduler=scheduler)
    click.echo(summary.line())
