"""``skillpulse export``: the contract tables (outlook, forecast, series, backtest) as files."""
from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import polars as pl
from skillpulse.dashboard.commands.common import db_option, output_options
from skillpulse.data import store
from skillpulse.data.errors import NotFoundError
from skillpulse.data.settings import get_settings
from skillpulse.data.tables import write_chunks

KINDS = ("outlook", "forecast", "series", "backtest")
CHUNK_ROWS = 100_000  # rows in memory at a time: millions of series export in bounded memory
PART_SERIES = 20_000  # series per part: each part is one query, so a sort holds one part


def export_chunks(con, kind: str, rows: int = CHUNK_ROWS,  # type: ignore[no-untyped-def]
                  part_series: int = PART_SERIES) -> Iterator[pl.DataFrame]:
    """The table for ``kind`` from an open connection (latest forecast run where relevant), in
    chunks of ``rows`` rows, read part by part (ranges of skill names of about ``part_series``
    series, in the table's order): memory holds one part's sort and one chunk."""
    params: dict[str, Any] = {}
    if kind != "series":
        run = store.query(con, "latest_run")
        if run.height == 0:
            raise NotFoundError("no forecast run in this database yet; run 'skillpulse forecast "
                                "--db …' first")
        params["run_id"] = int(run["run_id"][0])
    parts = _parts(store.query(con, "export_parts"), part_series)
    return (df for first, last in parts
            for df in store.query_chunks(con, f"export_{kind}", rows, first=first, last=last, **params))


def _parts(skills: pl.DataFrame, part_series: int) -> list[tuple[str | None, str | None]]:
    """Consecutive name ranges (first, last) of about ``part_series`` series; one open range
    when there are no skills (the header still goes out)."""
    if skills.height == 0:
        return [(None, None)]
    part = (skills["n"].cum_sum() - 1) // max(1, part_series)
    bounds = skills.with_columns(part.alias("part")).group_by("part", maintain_order=True).agg(
        pl.col("name").first().alias("first"), pl.col("name").last().alias("last"))
    return list(zip(bounds["first"].to_list(), bounds["last"].to_list(), strict=True))


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

    # DuckDB capped (``run_duckdb_memory``): uncapped, it keeps every block the parts' queries
    # read, so memory would grow with the table; one part's sort spills beyond the cap
    with tempfile.TemporaryDirectory(prefix="skillpulse-export-") as spill, \
            store.read(db, memory=store.Memory(get_settings().run_duckdb_memory, Path(spill))) as con:
        write_chunks(counted(export_chunks(con, kind)), out, fmt)
    if out not in (None, "-"):
        click.echo(f"wrote {written:,} rows to {out}", err=True)
