"""Aggregate sub-monthly observations (daily, weekly) to calendar months.

Rules (DESIGN "Data model"): counts are summed over the month; shares and indices are averaged
(plain mean of the observations present, so a partial last month is the mean of its days).
``total`` is a number of postings, so it is summed for every measure; it stays null when no
observation of the month has one.
"""
from __future__ import annotations

import polars as pl

SERIES_KEYS = ["skill", "source", "region", "occupation", "measure"]


def to_monthly(frame: pl.DataFrame) -> pl.DataFrame:
    """Collapse ``frame`` (the ingest frame, ``period`` any day) to one row per series and month.

    The ``measure`` column decides the rule per series. The optional ``_row`` column is dropped:
    an aggregated row has no single source row.
    """
    month = pl.col("period").dt.truncate("1mo")
    value = (pl.when(pl.col("measure").first() == "count")
             .then(pl.col("value").sum())
             .otherwise(pl.col("value").mean()))
    total = (pl.when(pl.col("total").is_not_null().any())
             .then(pl.col("total").sum())
             .otherwise(pl.lit(None, dtype=pl.Float64)))
    out = (frame.group_by([*SERIES_KEYS, month], maintain_order=True)
           .agg(value.alias("value"), total.alias("total")))
    return out.select("skill", "period", "value", "total", "source", "region", "occupation", "measure")
