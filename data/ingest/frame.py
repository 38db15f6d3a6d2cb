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
        rows_read: data rows in the input file (for the summary).
        categories: optional ``name, category`` for skills of the file (a ``category`` column):
            skills new to the store get that category instead of ``uncategorised``.
        merge: how ``ingest_frame`` combines rows that name one skill twice in a month through
            two of its aliases (``None``: that is an error).
    """

    frame: pl.DataFrame
    fmt: str
    aliases: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    merge: str | None = None
    rows_read: int = 0
    categories: pl.DataFrame | None = None


def assemble(skill: pl.Series, period: pl.Series, value: pl.Series, *, total: pl.Series | None,
             source: pl.Series | str, region: pl.Series | str, occupation: pl.Series | str,
             measure: str | pl.Series, rows: pl.Series | None = None) -> pl.DataFrame:
    """Build an ingest frame from validated columns (strings may be given as one constant).

    Constants become polars scalar columns (``pl.lit``): free to create, and ``load`` recognises
    them as constant without scanning millions of equal strings.
    """
    series = [skill.alias("skill"), period.alias("period"), value.cast(pl.Float64).alias("value")]
    consts: list[pl.Expr] = []
    if total is None:
        consts.append(pl.lit(None, dtype=pl.Float64).alias("total"))
    else:
        series.append(total.cast(pl.Float64).alias("total"))
    for name, v in (("source", source), ("region", region), ("occupation", occupation)):
        if isinstance(v, str):
            consts.append(pl.lit(v, dtype=pl.String).alias(name))
        else:
            series.append(v.fill_null("").alias(name))
    if isinstance(measure, str):
        consts.append(pl.lit(measure, dtype=pl.String).alias("measure"))
    else:
        series.append(measure.alias("measure"))
    if rows is not None:
        series.append(rows.cast(pl.Int64).alias("_row"))
    frame = pl.DataFrame(series).with_columns(consts)
    order = [*FRAME_COLUMNS, *(["_row"] if rows is not None else [])]
    return frame.select(order)


def spreadsheet_rows(frame: pl.DataFrame) -> pl.Series:
    """Row numbers (header = 1) for every row of a raw frame, honouring a ``_row`` column."""
    if "_row" in frame.columns:
        return frame["_row"]
    return pl.int_range(2, frame.height + 2, dtype=pl.Int64, eager=True)
