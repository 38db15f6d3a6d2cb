"""``skillpulse export``: the contract tables (outlook, forecast, series, backtest) as files."""
from __future__ import annotations

from collections.abc import Iterator

import click
import polars as pl
from skillpulse.dashboard.commands.common import db_option, output_options
from skillpulse.data import store
from skillpulse.data.errors import NotFoundError
from skillpulse.data.tables import write_chunks

KINDS = ("outlook", "forecast", "series", "backtest")
CHUNK_ROWS = 100_000  # rows in memory at a time: millions of series export in bounded memory


def export_chunks(con, kind: str, rows: int = CHUNK_ROWS) -> Iterator[pl.DataFrame]:  # type: ignore[no-untyped-def]
    """The table for ``kind`` from an open connection (latest forecast run where relevant), in
    chunks of ``rows`` rows."""
    if kind == "series":
        return store.query_chunks(con, "export_series", rows)
    run = store.query(con, "latest_run")
    if run.height == 0:
        raise NotFoundError("no forecast run in this database yet; run 'skillpulse forecast --db …' first")
    return store.query_chunks(con, f"export_{kind}", rows, run_id=int(run["run_id"][0]))


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
    written = 0

    def counted(chunks: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
        nonlocal written
        for df in chunks:
            written += df.height
            yield df

    with store.read(db) as con:
        write_chunks(counted(export_chunks(con, kind)), out, fmt)
    if out not in (None, "-"):
        click.echo(f"wrote {written:,} rows to {out}", err=True)
