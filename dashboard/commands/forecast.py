"""``skillpulse forecast``: forecast, backtest and classify every series; publish one run."""
from __future__ import annotations

import datetime as dt

import click
from skillpulse.dashboard.commands.common import db_option, engine_options
from skillpulse.data.errors import UsageError
from skillpulse.data.progress import Bar
from skillpulse.data.settings import get_settings


def parse_month(text: str | None) -> dt.date | None:
    """``YYYY-MM`` (or an ISO date) → first day of that month; a UsageError otherwise."""
    if text is None:
        return None
    raw = text.strip()
    try:
        if len(raw) == 7:
            year, month = raw.split("-")
            return dt.date(int(year), int(month), 1)
        return dt.date.fromisoformat(raw).replace(day=1)
    except ValueError:
        raise UsageError(f"--as-of '{text}' is not a month; expected YYYY-MM, e.g. 2019-12") from None


def check_as_of(db: str, month: dt.date | None) -> None:
    """A UsageError when ``month`` (``--as-of``) lies outside the months with data: a run "as of"
    a month after the data ends would be stored and shown as a forecast from that month."""
    if month is None:
        return
    from skillpulse.data import store

    with store.read(db) as con:
        span = store.query(con, "forecast_data_months")
    first, last = span["first_period"][0], span["last_period"][0]
    if last is None:
        return  # no data at all: the run says so itself
    if month > last:
        raise UsageError(f"--as-of {month:%Y-%m} is after the last month with data ({last:%Y-%m}); "
                         f"choose {last:%Y-%m} or earlier, or leave --as-of out to use all the data")
    if month < first:
        raise UsageError(f"--as-of {month:%Y-%m} is before the first month with data "
                         f"({first:%Y-%m}); choose {first:%Y-%m} or later")


@click.command("forecast")
@db_option
@click.option("--horizon", type=click.IntRange(1, 120), default=lambda: get_settings().horizon,
              show_default="$SKILLPULSE_HORIZON or 24", help="Months to forecast.")
@click.option("--as-of", "as_of", metavar="YYYY-MM", default=None,
              help="Use only data up to this month: what the tool would have said then (a month "
                   "between the first and the last month with data).")
@click.option("--jobs", type=click.IntRange(1, 256), default=None,
              help="Worker processes (with --engine dask and no --scheduler: the local cluster's "
                   "workers). Default: the number of CPUs.")
@engine_options("runs the buckets of series",
                "start a local cluster on 127.0.0.1")
@click.option("--bucket-size", "bucket_size", type=click.IntRange(1, 1_000_000), default=None,
              help="Series per bucket (the unit of work sent to a worker). Default: 500.")
def forecast_cmd(db: str, horizon: int, as_of: str | None, jobs: int | None, engine: str,
                 scheduler: str | None, bucket_size: int | None) -> None:
    """Forecast every series, backtest the models, and give each skill a status.

    \b
    For each series (on a log scale; shares on a logit scale):
      * candidates: damped-trend ETS, Theta (whole history, last 60 and last 36 months),
        a 36-month trend line, naive and seasonal naive;
      * a rolling-origin backtest (horizons 1-12) scores them; the best combination
        becomes the headline forecast, its 80%/95% intervals calibrated on the
        backtest errors;
      * a status: emerging, rising, stable, declining, obsolescent, uncertain or
        insufficient-history (< 24 months, or never observed above zero), from a
        modified Mann-Kendall trend test corrected for testing many series at once
        (Benjamini-Hochberg) and the change of the expected demand level; half-life
        for decaying skills.

    \b
    Reading an outlook row (export outlook):
      * last_value is the observation of last_period; growth_pct compares the
        forecast at the horizon with the model's de-noised level at last_period
        (mean of the last 3 months on the log/logit scale), so growth_pct has the
        sign of forecast - level but can differ from forecast / last_value - 1;
        it is empty when that level is below half the smallest observation.
      * lower_80..upper_95 are the interval for the single month at the horizon.
      * rising/declining need a significant trend (q_value < 0.05), a trend line
        (last 36 months) changing demand by at least 10% at the horizon, a
        headline forecast moving the same way by at least 5%, and an 80% interval
        of the expected level at the horizon that excludes no change: the
        headline growth +/- the trend's estimation uncertainty over the horizon.
        That judged interval excludes one month's noise; it is kept as
        growth_lower_80 / growth_upper_80 in the database and stated in the note
        (dashboard), so the exported monthly interval can still contain today's
        level for a rising skill. Counts with market totals are judged on their
        share of postings (said in the note).
      * backtest_mase and coverage_80 are empty for constant series and series
        shorter than 24 months: there is nothing to score.

    \b
    The run is written atomically: on any error the database is unchanged.
    Other writers (ingest) wait for the run to finish, so it covers every series
    ingested before it started and nothing ingested meanwhile is lost.

    \b
    Many series (see README, "More than one machine"): series travel in buckets
    of whole series; --engine dask runs them on a Dask cluster (a local one, or
    the 'dask scheduler' given by --scheduler). Statuses are decided once over the
    whole run, so every engine publishes the same outlook.

    \b
    Examples:
      skillpulse forecast --db skills.duckdb
      skillpulse forecast --db skills.duckdb --horizon 12 --as-of 2019-12
      skillpulse forecast --db skills.duckdb --engine dask --scheduler tcp://10.0.0.5:8786
      skillpulse export outlook --db skills.duckdb --out outlook.csv
    """
    from skillpulse.data import store
    from skillpulse.models.batch import run_forecast
    from skillpulse.services.changes import summarise as summarise_changes

    month = parse_month(as_of)
    store.resolve(db)  # no database: say so before creating its lock file
    # The whole run holds the writer lock: an ingest started meanwhile waits (and says so)
    # instead of publishing data this run would silently lack.
    with store.exclusive(db, "a forecast run"):
        check_as_of(db, month)
        with Bar("forecasting", enabled=get_settings().progress, unit="buckets", total=0) as bar:
            run_id = run_forecast(db, horizon=horizon, as_of=month, jobs=jobs, progress=bar,
                                  engine=engine, scheduler=scheduler, bucket_size=bucket_size)
            with store.write(db) as con:  # what changed since the run before, for the dashboard
                summarise_changes(con, run_id)
    click.echo(f"forecast run {run_id} written to {db}", err=True)
