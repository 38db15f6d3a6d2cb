"""The explorer's and the brief's outlook rows: level now and the judged interval's fallback."""
from __future__ import annotations

import polars as pl
import pytest
from skillpulse.services import outlook_rows

RAW = {c: None for c in outlook_rows.COLUMNS if c not in ("measure", "level")}


def _rows(*rows: dict) -> pl.DataFrame:
    schema = {c: pl.Float64 for c in RAW} | {"series_id": pl.Int64, "status": pl.String,
                                             "last_period": pl.Date, "horizon": pl.Int64,
                                             "changepoint": pl.Date, "model": pl.String,
                                             "note": pl.String, "growth_basis": pl.String,
                                             "lower_80": pl.Float64, "upper_80": pl.Float64}
    return pl.DataFrame([RAW | {"lower_80": None, "upper_80": None} | r for r in rows], schema=schema)


def test_level_is_the_forecast_over_growth_on_the_series_own_basis_only() -> None:
    out = outlook_rows.detail(_rows(
        {"series_id": 1, "forecast": 120.0, "growth_pct": 20.0, "growth_basis": "count"},
        {"series_id": 2, "forecast": 120.0, "growth_pct": 20.0, "growth_basis": "share"},
        {"series_id": 3, "forecast": 120.0, "growth_pct": 20.0, "growth_basis": None},
        {"series_id": 4, "forecast": 0.0, "growth_pct": -100.0, "growth_basis": "count"}),
        {1: "count", 2: "count", 3: "index", 4: "count"})
    assert out.columns == list(outlook_rows.COLUMNS)
    assert out["measure"].to_list() == ["count", "count", "index", "count"]
    assert out["level"].to_list() == [pytest.approx(100.0), None, pytest.approx(100.0), None]


def test_the_judged_interval_falls_back_to_bracketing_bounds_over_the_level() -> None:
    out = outlook_rows.detail(_rows(
        # stored: kept as is
        {"series_id": 1, "forecast": 120.0, "growth_pct": 20.0, "growth_basis": "count",
         "growth_lower_80": 5.0, "growth_upper_80": 30.0, "lower_80": 90.0, "upper_80": 150.0},
        # a run without it: the forecast's bounds over the level, when they bracket the forecast
        {"series_id": 2, "forecast": 120.0, "growth_pct": 20.0, "growth_basis": "count",
         "lower_80": 90.0, "upper_80": 150.0},
        {"series_id": 3, "forecast": 120.0, "growth_pct": 20.0, "growth_basis": "count",
         "lower_80": 130.0, "upper_80": 150.0},
        {"series_id": 4, "forecast": 0.0, "growth_pct": 0.0, "growth_basis": "count",
         "lower_80": 0.0, "upper_80": 1.0}),
        {1: "count", 2: "count", 3: "count", 4: "count"})
    lo, hi = out["growth_lower_80"].to_list(), out["growth_upper_80"].to_list()
    assert (lo[0], hi[0]) == (5.0, 30.0)
    assert (lo[1], hi[1]) == (pytest.approx(-10.0), pytest.approx(50.0))
    assert (lo[2], hi[2]) == (None, None)   # bounds that miss the forecast say nothing
    assert (lo[3], hi[3]) == (None, None)   # no level to divide by
