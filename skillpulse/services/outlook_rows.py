"""The outlook rows the explorer's cards and table and the brief show (``dash_outlook_detail``),
with what needs each series' measure, which the caller already holds:

* ``level``: the model's level now in the series' own unit — ``growth_pct`` is the change of the
  expected level at the horizon on ``growth_basis`` (the share of postings for counts with the
  month's postings), so on the series' own unit the forecast at the horizon over ``1 + growth``
  (its de-noised last months, which can differ from ``last_value``, the raw last month); null
  when growth is on another basis than the series' measure.
* ``growth_lower_80``/``growth_upper_80``: the interval the status was judged on; runs stored
  without it fall back to the forecast's own 80% bounds over that level when they bracket the
  forecast.
"""
from __future__ import annotations

from collections.abc import Mapping

import polars as pl

COLUMNS = ("series_id", "measure", "status", "last_period", "last_value", "horizon", "forecast",
           "growth_pct", "level", "growth_lower_80", "growth_upper_80", "q_value",
           "half_life_months", "half_life_lower", "half_life_upper", "changepoint", "peak_ratio",
           "market_relative_growth_pct", "model", "backtest_mase", "coverage_80", "coverage_95",
           "note", "growth_basis", "mentions_12m")


def detail(rows: pl.DataFrame, measures: Mapping[int, str]) -> pl.DataFrame:
    """``rows`` (``dash_outlook_detail``) with ``measure``, ``level`` and the judged interval's
    fallback; ``measures``: series_id → measure of every series in ``rows``."""
    measure = pl.col("series_id").replace_strict(dict(measures), default=None,
                                                 return_dtype=pl.String)
    g, fc = pl.col("growth_pct"), pl.col("forecast")
    same_basis = pl.col("growth_basis").is_null() | (pl.col("growth_basis") == pl.col("measure"))
    level = pl.when((g > -100) & same_basis).then(fc / (1 + g / 100))
    brackets = ((pl.col("lower_80") <= fc * (1 + 1e-9)) & (pl.col("upper_80") >= fc * (1 - 1e-9)))
    base = pl.when(pl.col("level") != 0).then(pl.col("level"))

    def fallback(bound: str) -> pl.Expr:
        return pl.when(brackets).then((pl.col(bound) / base - 1) * 100)

    return (rows.with_columns(measure.alias("measure"))
            .with_columns(level.alias("level"))
            .with_columns(pl.coalesce("growth_lower_80", fallback("lower_80")).alias("growth_lower_80"),
                          pl.coalesce("growth_upper_80", fallback("upper_80")).alias("growth_upper_80"))
            .select(COLUMNS))
