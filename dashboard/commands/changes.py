"""``skillpulse changes``: what changed between two forecast runs, one row per change."""
from __future__ import annotations

from functools import partial

import click
from skillpulse.dashboard.commands.common import db_option, output_options
from skillpulse.data import store
from skillpulse.data.tables import write_table
from skillpulse.services.changes import compute_changes


@click.command("changes")
@db_option
@click.option("--from", "before", type=click.IntRange(min=1), default=None, metavar="RUN",
              help="The earlier run id (default: the run before --to).")
@click.option("--to", "after", type=click.IntRange(min=1), default=None, metavar="RUN",
              help="The later run id (default: the newest run, by as-of month).")
@output_options
def changes_cmd(db: str, before: int | None, after: int | None, out: str | None,
                fmt: str | None) -> None:
    """What changed between two forecast runs (default: the newest and the one before it).

    \b
    Columns: skill, category, source, region, occupation, change, from_status, to_status,
    period, actual, lower_95, upper_95, reason. change is one of
      status   the status differs (from_status -> to_status; period/actual: the later run's
               last month)
      new      the later run has an outlook for a series the earlier run had none for
      outside  a month the later run has observed fell outside the 95% interval the earlier
               run published for it: period, actual and lower_95/upper_95 say where (the
               latest such month; the reason counts how many months missed)
    Rows are ranked by importance: the demand at stake (the series' recent volume, ranked
    within its measure) times the size of the move. Run ids are the forecast_run ids
    (1, 2, ... in the order the runs were made). Runs are ordered by the month they are
    as of, then by id: a run made later with --as-of an earlier month comes before the
    runs as of later months, and --from must come before --to in that order.

    \b
    Examples:
      skillpulse changes --db skills.duckdb
      skillpulse changes --db skills.duckdb --from 3 --to 5 --out changes.csv
    """
    store.ensure_current(db)
    with store.read(db) as con:
        result = compute_changes(partial(store.query, con), before, after)
    write_table(result.contract, out, fmt)
    if out not in (None, "-"):
        summary = ", ".join(f"{k} {n}" for k, n in result.counts().items())
        click.echo(f"wrote {result.table.height} changes between runs {result.pair.before} and "
                   f"{result.pair.after} to {out} ({summary})", err=True)
