"""The ingest frame every format adapter produces and ``load.ingest_frame`` consumes.

Columns: ``skill`` (str), ``period`` (Date, first of month), ``value`` (f64), ``total`` (f64, null
allowed), ``source``, ``region``, ``occupation`` (str, '' when absent), ``measure`` (count | share |
index) and optionally ``_row`` (the spreadsheet row of each row, used in error messages).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

MEASURES = ("count", "share", "index")
FRAME_COLUMNS = ("skill", "period", "value", "total", "source", "region", "occupation", "measure")


@dataclass
class Parsed:
    """One input file turned into an ingest frame.

    Attributes:
        frame: the ingest frame (see module docstring).
        fmt: the format name recorded in ``ingest_batch``.
        aliases: optional ``name, aliases`` (``|``-separated) to add to the taxonomy first.
        notes: short remarks for the summary (e.g. "excluded 3 non-skill terms").
    """

    frame: pl.DataFrame
    fmt: str
    aliases: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)


def assemble(skill: pl.Series, period: pl.Series, value: pl.Series, *, total: pl.Series | None,
             source: pl.Series | str, region: pl.Series | str, occupation: pl.Series | str,
             measure: str, rows: pl.Series | None = None) -> pl.DataFrame:
    """Build an ingest frame from validated columns (strings may be given as one constant)."""
    n = skill.len()

    def text(v: pl.Series | str, name: str) -> pl.Series:
        if isinstance(v, str):
            return pl.repeat(v, n, dtype=pl.String, eager=True).alias(name)
        return v.fill_null("").alias(name)

    cols = [
        skill.alias("skill"),
        period.alias("period"),
        value.cast(pl.Float64).alias("value"),
        (total.cast(pl.Float64) if total is not None
         else pl.repeat(None, n, dtype=pl.Float64, eager=True)).alias("total"),
        text(source, "source"), text(region, "region"), text(occupation, "occupation"),
        pl.repeat(measure, n, dtype=pl.String, eager=True).alias("measure"),
    ]
    if rows is not None:
        cols.append(rows.cast(pl.Int64).alias("_row"))
    return pl.DataFrame(cols)


def spreadsheet_rows(frame: pl.DataFrame) -> pl.Series:
    """Row numbers (header = 1) for every row of a raw frame, honouring a ``_row`` column."""
    if "_row" in frame.columns:
        return frame["_row"]
    return pl.int_range(2, frame.height + 2, dtype=pl.Int64, eager=True)
