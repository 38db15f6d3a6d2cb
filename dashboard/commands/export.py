"""``skillpulse export``: the contract tables (outlook, forecast, series, backtest) as files."""
from __future__ import annotations

import click
import polars as pl
from skillpulse.dashboard.commands.common import db_option, output_options
from skillpulse.data import store
from skillpulse.data.errors import NotFoundError
from skillpulse.data.tables import write_table

KINDS = ("outlook", "forecast", "series", "backtest")


def export_frame(con, kind: str) -> pl.DataFrame:  # type: ignore[no-untyped-def]
    """The table for ``kind`` from an open connection (latest forecast run where relevant)."""
    if kind == "series":
        return store.query(con, "export_series")
    run = store.query(con, "latest_run")
    if run.height == 0:
        raise NotFoundError("no forecast run in this database yet; run 'skillpulse forecast --db …' first")
    return store.query(con, f"export_{kind}", run_id=int(run["run_id"][0]))


@click.command("export")
@click.argument("kind", type=click.Choice(KINDS))
@db_option
@output_options
def export_cmd(kind: str, db: str, out: str | None, fmt: str | None) -> None:
    """Export a table: KIND is outlook, forecast, series or backtest.

    \b
    outlook   one row per series: status, forecast at the horizon with 80/95% bounds,
              growth, p/q values, half-life, changepoint, model, backtest MASE, coverage
    forecast  every month of the horizon per series, mean and 80/95% bounds
    series    the stored history (skill, segment, measure, period, value, total)
    backtest  rolling-origin accuracy of every model per series

    \b
    Examples:
      skillpulse export outlook --db skills.duckdb --out outlook.csv
      skillpulse export series --db skills.duckdb --as parquet --out series.parquet
    """
    store.ensure_current(db)
    with store.read(db) as con:
        df = export_frame(con, kind)
    write_table(df, out, fmt)
    if out not in (None, "-"):
        click.echo(f"wrote {df.height:,} rows to {out}", err=True)
