"""Run-wide steps: what a status needs from every series of the run, computed once.

The per-series work (``models.bucket``) can run anywhere; these steps need the whole run and so
run once, on the gathered evidence, whatever engine ran the buckets:

* ``q_value``: Benjamini-Hochberg across every series' trend-test p-value (``models.trend``);
* the low-base, marginal and large (top-quarter) levels per group of comparable series (same
  scale kind, source and basis — ``group_key``; non-market): the ``outlook.LOW_BASE_QUANTILE``,
  ``outlook.MARGINAL_QUANTILE`` and ``outlook.LARGE_QUANTILE`` quantiles of their current levels;
* the market's growth per (source, region), for the market-relative view;
* the verdict of each series: ``models.outlook.classify`` with its q-value and low base.

Only small per-series columns are gathered (p-value, level, kind): memory grows by a few bytes
per series, never by its history or forecast.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import polars as pl
import pyarrow as pa
from skillpulse.models import outlook, trend
from skillpulse.models.series import Evidence


@dataclass
class RunWide:
    """Run-wide facts: q-values aligned with the gathered series order, low-base level per kind,
    market growth per (source, region)."""

    q_values: np.ndarray
    low_base: dict[str, float] = field(default_factory=dict)
    marginal: dict[str, float] = field(default_factory=dict)
    large: dict[str, float] = field(default_factory=dict)
    market_growth: dict[tuple[str, str], float] = field(default_factory=dict)


def group_key(kind: str | None, source: str | None, basis: str | None) -> str:
    """Which series' levels compare: the same scale kind, source and basis (share | count | index)."""
    return f"{kind or ''}|{source or ''}|{basis or ''}"


def level_groups(evidence: pa.Table) -> list[str]:
    """``group_key`` of every row of a bucket's evidence table."""
    return [group_key(k, s, b) for k, s, b in zip(
        evidence.column("ev_kind").to_pylist(), evidence.column("source").to_pylist(),
        evidence.column("ev_basis").to_pylist(), strict=True)]


def gather(p_values: np.ndarray, groups: Sequence[str | None], levels: np.ndarray,
           is_market: Sequence[bool]) -> RunWide:
    """Benjamini-Hochberg over every p-value (NaN = not judged) and the level quantiles.

    Args:
        p_values: each series' trend-test p-value (NaN when too short or without evidence).
        groups: each series' ``group_key`` (None without evidence).
        levels: each series' current demand level (``Evidence.level_now``).
        is_market: whole-market series (left out of the quantiles).
    """
    q = trend.benjamini_hochberg(np.asarray(p_values, dtype=float))
    levels = np.asarray(levels, dtype=float)
    groups_arr = np.asarray([g or "" for g in groups], dtype=object)
    usable = ~np.asarray(is_market, dtype=bool) & np.isfinite(levels)
    low_base: dict[str, float] = {}
    marginal: dict[str, float] = {}
    large: dict[str, float] = {}
    for g in sorted(set(groups_arr[usable].tolist())):
        lv = levels[usable & (groups_arr == g)]
        low_base[g] = float(np.quantile(lv, outlook.LOW_BASE_QUANTILE))
        marginal[g] = float(np.quantile(lv, outlook.MARGINAL_QUANTILE))
        large[g] = float(np.quantile(lv, outlook.LARGE_QUANTILE))
    return RunWide(q_values=q, low_base=low_base, marginal=marginal, large=large)


def verdict(ev: Evidence | None, q: float, run: RunWide, *, min_history: int,
            group: str | None = None) -> tuple[str, str]:
    """(status, reason) of one series from its evidence and the run-wide facts (``group``: its
    ``group_key``; by default the key without a source)."""
    q_value = None if q is None or not math.isfinite(q) else float(q)
    if ev is None:
        return outlook.classify(ev, q_value, min_history=min_history)
    g = group if group is not None else group_key(ev.kind, None, ev.basis)
    return outlook.classify(ev, q_value, min_history=min_history,
                            low_base_level=run.low_base.get(g), marginal_level=run.marginal.get(g),
                            large_level=run.large.get(g))


OUTLOOK_SCHEMA = {
    "series_id": pl.Int32, "status": pl.String, "last_period": pl.Date, "last_value": pl.Float64,
    "horizon": pl.Int32, "forecast": pl.Float64, "lower_80": pl.Float64, "upper_80": pl.Float64,
    "lower_95": pl.Float64, "upper_95": pl.Float64, "growth_pct": pl.Float64,
    "growth_lower_80": pl.Float64, "growth_upper_80": pl.Float64, "p_value": pl.Float64,
    "q_value": pl.Float64, "half_life_months": pl.Float64, "half_life_lower": pl.Float64,
    "half_life_upper": pl.Float64, "changepoint": pl.Date, "peak_ratio": pl.Float64,
    "market_relative_growth_pct": pl.Float64, "model": pl.String, "backtest_mase": pl.Float64,
    "coverage_80": pl.Float64, "coverage_95": pl.Float64, "note": pl.String,
    "growth_basis": pl.String, "mentions_12m": pl.Float64}


def _none(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def month_to_date(m: int) -> dt.date:
    """The first day of month index ``m`` (year * 12 + month - 1)."""
    return dt.date(m // 12, m % 12 + 1, 1)


def outlook_frame(evidence: pa.Table, q_values: np.ndarray, run: RunWide, *, horizon: int,
                  min_history: int) -> pl.DataFrame:
    """The outlook rows of one bucket's evidence, statuses decided with the run-wide facts.

    ``growth_pct`` compares the published forecast at the horizon with the model's level at the
    last month (``models.series``: null when that level is below the zero offset);
    ``growth_lower_80``/``growth_upper_80`` are the interval the status judges: the 80% interval
    of the change of the expected demand level at the horizon (headline growth ± the trend's
    estimation uncertainty, see ``models.series``) of the analysed quantity — the share of
    postings for count series with totals (said in ``note``).
    """
    from skillpulse.models.bucket import evidence_records

    cols = evidence.select([
        "series_id", "is_market", "source", "region", "first_month", "last_month", "n_months",
        "last_value", "forecast", "lower_80", "upper_80", "lower_95", "upper_95", "growth_pct",
        "p_value", "model", "backtest_mase", "coverage_80", "coverage_95", "notes"]).to_pydict()
    rows: list[dict] = []
    groups = level_groups(evidence)
    for i, ev in enumerate(evidence_records(evidence)):
        status, reason = verdict(ev, float(q_values[i]), run, min_history=min_history,
                                 group=groups[i])
        growth = cols["growth_pct"][i]  # of the published series (counts for counts)
        row = {"series_id": cols["series_id"][i], "status": status,
               "last_period": month_to_date(cols["last_month"][i]),
               "last_value": _none(cols["last_value"][i]),
               "horizon": horizon, "growth_pct": growth, "growth_lower_80": None,
               "growth_upper_80": None, "p_value": _none(cols["p_value"][i]),
               "q_value": _none(float(q_values[i])), "half_life_months": None,
               "half_life_lower": None, "half_life_upper": None, "changepoint": None,
               "peak_ratio": None, "market_relative_growth_pct": None, "model": cols["model"][i],
               "backtest_mase": cols["backtest_mase"][i], "coverage_80": cols["coverage_80"][i],
               "coverage_95": cols["coverage_95"][i],
               "note": "; ".join([reason, cols["notes"][i]]) if cols["notes"][i] else reason,
               "growth_basis": (ev.basis or None) if ev is not None else None,
               "mentions_12m": _none(ev.mentions_12m) if ev is not None else None}
        if ev is not None and ev.relative and growth is not None:
            row["growth_pct"] = _none(100 * ev.growth)  # on the basis judged: share of postings
        for c in ("forecast", "lower_80", "upper_80", "lower_95", "upper_95"):
            row[c] = cols[c][i]
        judged = ev is not None and cols["n_months"][i] >= min_history and not ev.constant
        # no base to grow from (demand now indistinguishable from zero): no growth_pct, and no
        # interval of it either (an interval beside an empty growth reads as a missing number)
        if judged and ev is not None and math.isfinite(ev.judged_lo80) and row["growth_pct"] is not None:
            # the interval the status judges: change of the expected level at the horizon
            row["growth_lower_80"] = _none(100 * ev.judged_lo80)
            row["growth_upper_80"] = _none(100 * ev.judged_hi80)
            if ev.relative:
                row["note"] = "judged on the share of postings; " + row["note"]
        if judged and ev is not None:
            row["peak_ratio"] = _none(ev.peak_ratio)
            if status in ("declining", "obsolescent"):
                hl = ev.half_life
                row["half_life_months"], row["half_life_lower"] = _none(hl[0]), _none(hl[1])
                row["half_life_upper"] = _none(hl[2])
                if ev.peak_index is not None:
                    row["changepoint"] = month_to_date(cols["first_month"][i] + ev.peak_index)
        mg = run.market_growth.get((cols["source"][i], cols["region"][i]))
        # counts only: the count's growth minus the market's postings' growth. A share of postings
        # is already relative to the market; its growth minus the postings' growth mixed two bases
        # (HN's React, −12% in share while postings fell 19%, read "+7% vs the market").
        is_count = ev is not None and ev.measure == "count"
        if mg is not None and growth is not None and is_count and not cols["is_market"][i]:
            row["market_relative_growth_pct"] = growth - mg
        rows.append(row)
    return pl.DataFrame(rows, schema=OUTLOOK_SCHEMA)
