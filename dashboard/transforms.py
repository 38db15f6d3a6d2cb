"""Pure frame transforms for the dashboard: scales (share, count, index), the market-relative view,
series labels, sparklines and status colours. No Dash, no database: polars in, polars out."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl
from skillpulse.data.statuses import STATUSES

STATUS_ORDER = STATUSES
# Okabe-Ito: distinguishable with the common colour-vision deficiencies; text labels always too.
STATUS_COLOURS = {
    "emerging": "#0072B2", "rising": "#009E73", "stable": "#56B4E9", "declining": "#E69F00",
    "obsolescent": "#D55E00", "uncertain": "#CC79A7", "insufficient-history": "#999999",
}
STATUS_SYMBOLS = {
    "emerging": "✦", "rising": "▲", "stable": "●", "declining": "▼", "obsolescent": "✖",
    "uncertain": "?", "insufficient-history": "…",
}
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000",
                  "#8C6D31")
Y_TITLES = {
    "share": "Share of job postings (%)",
    "count": "Postings per month",
    "index": "Index (last 12 months = 100)",
    "relative": "Relative to the whole market (index, last 12 months = 100)",
}
# the unit after a level in text ("12 postings/month", "3.2% of postings")
UNITS = {"count": " postings/month", "share": "% of postings", "index": ""}
_BLOCKS = "▁▂▃▄▅▆▇█"
FC_COLS = ("mean", "lower_80", "upper_80", "lower_95", "upper_95")


def segment_label(source: str, region: str, occupation: str) -> str:
    parts = [p for p in (source, region, occupation) if p]
    return " · ".join(parts)


def series_labels(series: pl.DataFrame) -> dict[int, str]:
    """Label per series_id: the skill name, plus the segment/measure when a skill has several."""
    out: dict[int, str] = {}
    per_skill = series.group_by("skill").agg(pl.col("series_id").n_unique().alias("k"))
    multi = {r["skill"] for r in per_skill.iter_rows(named=True) if r["k"] > 1}
    for r in series.unique("series_id").iter_rows(named=True):
        label = r["skill"]
        if r["skill"] in multi:
            seg = segment_label(r["source"], r["region"], r["occupation"])
            label = f"{label} ({seg}{', ' if seg else ''}{r['measure']})"
        out[int(r["series_id"])] = label
    return out


def sparkline(values: Sequence[float | None], width: int = 18) -> str:
    """A text sparkline for tables: one block per value, or per bin mean beyond ``width`` values."""
    if len(values) > width:
        step = len(values) / width
        bins = [[v for v in values[int(i * step):int((i + 1) * step)] if v is not None]
                for i in range(width)]
        values = [sum(b) / len(b) if b else None for b in bins]
    vals = [v for v in values if v is not None]
    if not vals:
        return ""
    lo, hi = min(vals), max(vals)
    span = hi - lo
    return "".join(
        " " if v is None else _BLOCKS[0 if span == 0 else min(7, int((v - lo) / span * 7.999))]
        for v in values)


@dataclass
class Scaled:
    """History and forecast on one display scale, with notes about approximations made."""

    history: pl.DataFrame
    forecast: pl.DataFrame
    y_title: str
    notes: list[str] = field(default_factory=list)


def _recent_level(col: str) -> pl.Expr:
    """The level an index or a relative view is taken against: the mean of the last 12 non-null
    values (null when there are none); used only when positive."""
    return pl.col(col).drop_nulls().tail(12).mean()


def _base(values: pl.Series) -> float | None:
    """``_recent_level`` of ``values``, when it is positive."""
    mean = values.to_frame("v").select(_recent_level("v")).item()
    return float(mean) if mean is not None and mean > 0 else None


def _modes(stats: pl.DataFrame, scale: str, relative: bool, market: pl.DataFrame | None,
           labels: dict[int, str], notes: list[str]) -> pl.DataFrame:
    """Per series (``stats``: in display order): how it is put on the scale (``mode``: none,
    index, share, count or relative) with its factors; appends the notes a reader needs, in
    series order."""
    mh = market.filter(pl.col("kind") == "history") if market is not None else None
    has_market_fc = market is not None and market.filter(pl.col("kind") == "forecast").height > 0
    rows = []
    for r in stats.iter_rows(named=True):
        label = labels.get(int(r["series_id"]), str(r["series_id"]))
        base = r["base"] if r["base"] is not None and r["base"] > 0 else None
        mode, m_base = "none", None
        if relative and r["measure"] == "share":
            # a share of postings is already relative to the market: its index is the view
            # (dividing it by the market's postings again read a thin month's share as 2M)
            if base is None:
                notes.append(f"{label}: no recent level to compare with the market; shown absolute.")
            else:
                mode = "index"
        elif relative and mh is not None:
            m_base = _base(mh.filter(pl.col("period") <= r["last"])["value"])
            if m_base is None or base is None:
                notes.append(f"{label}: no recent level to compare with the market; shown absolute.")
            else:
                mode = "relative"
                if r["has_fc"] and not has_market_fc:
                    notes.append("The market has no forecast in this run; relative forecasts "
                                 "assume a flat market.")
        elif scale == "index" or r["measure"] == "index":
            if r["measure"] == "index" and scale != "index":
                notes.append(f"{label}: stored as an index, so it is shown as an index.")
            if base is None:
                notes.append(f"{label}: no recent non-zero level to index against; shown unscaled.")
            else:
                mode = "index"
        elif scale == r["measure"]:
            pass
        elif not r["last_total"]:
            notes.append(f"{label}: no market totals stored, so it cannot be shown as a {scale}; "
                         f"shown as {r['measure']}.")
        else:
            mode = scale
            if r["has_fc"] and not has_market_fc:
                notes.append(f"Forecasts shown as a {scale} assume the market size of the last "
                             "month.")
        rows.append((r["series_id"], label, mode, base, m_base, r["last_total"]))
    return pl.DataFrame(rows, schema={"series_id": stats.schema["series_id"], "label": pl.String,
                                      "mode": pl.String, "base": pl.Float64, "m_base": pl.Float64,
                                      "last_total": pl.Float64}, orient="row")


def _scaled(c: str, market: pl.Expr) -> pl.Expr:
    """Column ``c`` on its series' scale (``_modes``); ``market``: the market's value that month
    (history), or its future size (forecast)."""
    mode = pl.col("mode")
    return (pl.when(mode == "index").then(pl.col(c) / pl.col("base") * 100)
            .when(mode == "relative").then(pl.col(c) / pl.col("base") / (market / pl.col("m_base"))
                                           * 100)
            .otherwise(pl.col(c)).cast(pl.Float64).alias(c))


# An index or market-relative view whose values span more than this factor is drawn on a log axis:
# taken against the last 12 months, a skill that has decayed reads in the thousands in its early
# years (HN's jQuery: about 18,000 in 2011 against 100 now) and flattens every other line.
LOG_SPAN = 100.0


def log_axis(history: pl.DataFrame, *, scale: str, view: str) -> str | None:
    """The note to show when the view is drawn on a logarithmic axis, else ``None``: an index or
    market-relative view (``scale_series``) whose positive history values span more than
    ``LOG_SPAN`` times."""
    if (scale != "index" and view != "relative") or history.height == 0:
        return None
    positive = history["value"].filter(history["value"] > 0)
    if positive.len() < 2 or positive.max() <= LOG_SPAN * positive.min():  # type: ignore[operator]
        return None
    return (f"Log scale: the values span more than {LOG_SPAN:.0f}× (an early peak against a small "
            "recent level), so equal steps are equal ratios; months at zero are not drawn.")


def scale_series(history: pl.DataFrame, forecast: pl.DataFrame, labels: dict[int, str], *,
                 scale: str, view: str, market: pl.DataFrame | None) -> Scaled:
    """Put every series on the requested scale/view.

    Args:
        history: series_id, measure, period, value, total (one or more series).
        forecast: series_id, period, mean, lower_80, upper_80, lower_95, upper_95.
        labels: series_id → display label.
        scale: share | count | index.  view: absolute | relative (to the whole market).
        market: the market series (period, value, kind ∈ history|forecast), or None; its
            forecast is the future market size when counts and shares are converted.

    Returns:
        ``Scaled`` with columns series_id, label, period, value (history) and the forecast
        columns; the series in their order of first appearance in ``history``, each in period
        order. Every series is scaled in one pass over each frame (a mode and its factors per
        series, ``_modes``, joined on), not a few frame operations per series.
    """
    notes: list[str] = []
    relative = view == "relative"
    if relative and (market is None or market.height == 0):
        notes.append("No whole-market series in this database: the market-relative view is not "
                     "available, absolute values are shown.")
        relative = False
    sid_type = history.schema["series_id"] if history.height else pl.Int32
    empty_h = pl.DataFrame(schema={"series_id": sid_type, "label": pl.String, "period": pl.Date,
                                   "value": pl.Float64})
    empty_f = pl.DataFrame(schema={"series_id": sid_type, "label": pl.String, "period": pl.Date,
                                   **{c: pl.Float64 for c in FC_COLS}})
    y_title = Y_TITLES["relative" if relative else scale]
    if history.height == 0:
        return Scaled(history=empty_h, forecast=empty_f, y_title=y_title, notes=notes)
    ids = history["series_id"].unique(maintain_order=True)
    rank = pl.DataFrame({"series_id": ids, "_ord": pl.int_range(ids.len(), eager=True)})
    h = history.sort("period")
    fc_ids = forecast["series_id"].unique() if forecast.height else ids.clear()
    stats = (h.group_by("series_id").agg(
        pl.col("measure").first(),
        _recent_level("value").alias("base"),
        pl.col("total").drop_nulls().last().cast(pl.Float64).alias("last_total"),
        pl.col("period").max().alias("last"))
        .join(rank, on="series_id").sort("_ord")
        .with_columns(pl.col("series_id").is_in(fc_ids.implode()).alias("has_fc")))
    modes = _modes(stats, scale, relative, market, labels, notes).join(rank, on="series_id")

    def on_scale(frame: pl.DataFrame, kind: str, cols: tuple[str, ...]) -> pl.DataFrame:
        frame = frame.join(modes, on="series_id", how="inner")
        if market is not None and (relative or kind == "forecast"):
            m = market.filter(pl.col("kind") == kind).select("period", pl.col("value").alias("_m"))
            frame = frame.join(m, on="period", how="left")
        else:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("_m"))
        if kind == "history":
            m_rel = pl.col("_m")
            share = (pl.when(pl.col("total") > 0).then(pl.col("value") / pl.col("total") * 100)
                     .otherwise(None))
            conv = {"value": (share, pl.col("value") * pl.col("total") / 100)}
        else:  # the future market size: the market's own forecast, else the last month's
            size = pl.col("_m").fill_null(pl.col("last_total"))
            m_rel = pl.col("_m").fill_null(pl.col("m_base"))
            conv = {c: (pl.col(c) * (100.0 / size), pl.col(c) * (size / 100.0)) for c in cols}
        mode = pl.col("mode")
        out = [pl.when(mode == "share").then(conv[c][0]).when(mode == "count").then(conv[c][1])
               .otherwise(_scaled(c, m_rel)).cast(pl.Float64).alias(c) for c in cols]
        return (frame.sort("_ord", "period", maintain_order=True)
                .select(pl.col("series_id").cast(sid_type), "label", "period", *out))

    return Scaled(
        history=on_scale(h, "history", ("value",)),
        forecast=on_scale(forecast.sort("period"), "forecast", FC_COLS) if forecast.height
        else empty_f,
        y_title=y_title, notes=notes)
