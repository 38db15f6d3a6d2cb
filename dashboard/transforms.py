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


def _base(values: pl.Series) -> float | None:
    tail = values.drop_nulls().tail(12)
    if tail.len() == 0:
        return None
    mean = float(tail.mean())  # type: ignore[arg-type]
    return mean if mean > 0 else None


def _scale_one(h: pl.DataFrame, f: pl.DataFrame, scale: str, notes: list[str], label: str,
               market_fc: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    measure = h["measure"][0]
    has_total = h["total"].drop_nulls().len() > 0
    last_total = h["total"].drop_nulls().tail(1).item() if has_total else None
    if scale == "index" or (measure == "index" and scale != "index"):
        if measure == "index" and scale != "index":
            notes.append(f"{label}: stored as an index, so it is shown as an index.")
        base = _base(h["value"])
        if base is None:
            notes.append(f"{label}: no recent non-zero level to index against; shown unscaled.")
            return h, f
        return (h.with_columns(pl.col("value") / base * 100),
                f.with_columns([pl.col(c) / base * 100 for c in FC_COLS]))
    if scale == measure:
        return h, f
    if not has_total or not last_total:
        notes.append(f"{label}: no market totals stored, so it cannot be shown as a {scale}; "
                     f"shown as {measure}.")
        return h, f
    if scale == "share":  # count → share
        h2 = h.with_columns(pl.when(pl.col("total") > 0).then(pl.col("value") / pl.col("total") * 100)
                            .otherwise(None).alias("value"))
    else:  # share → count
        h2 = h.with_columns((pl.col("value") * pl.col("total") / 100).alias("value"))
    if f.height == 0:
        return h2, f
    # Future market size: the market's own forecast when the run has one, else the last month's.
    if market_fc is not None and market_fc.height:
        f = f.join(market_fc.select("period", pl.col("value").alias("_m")), on="period", how="left")
        f = f.with_columns(pl.col("_m").fill_null(last_total))
    else:
        notes.append(f"Forecasts shown as a {scale} assume the market size of the last month.")
        f = f.with_columns(pl.lit(last_total).alias("_m"))
    factor = (100.0 / pl.col("_m")) if scale == "share" else (pl.col("_m") / 100.0)
    return h2, f.with_columns([pl.col(c) * factor for c in FC_COLS]).drop("_m")


def _relative_one(h: pl.DataFrame, f: pl.DataFrame, market: pl.DataFrame, notes: list[str],
                  label: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    mh = market.filter(pl.col("kind") == "history").select("period", pl.col("value").alias("m"))
    mf = market.filter(pl.col("kind") == "forecast").select("period", pl.col("value").alias("m"))
    last = h["period"].max()
    m_base = _base(mh.filter(pl.col("period") <= last)["m"])
    s_base = _base(h["value"])
    if m_base is None or s_base is None:
        notes.append(f"{label}: no recent level to compare with the market; shown absolute.")
        return h, f
    h2 = (h.join(mh, on="period", how="left")
          .with_columns((pl.col("value") / s_base / (pl.col("m") / m_base) * 100).alias("value"))
          .drop("m"))
    if f.height and mf.height == 0:
        notes.append("The market has no forecast in this run; relative forecasts assume a flat market.")
    f2 = (f.join(mf, on="period", how="left")
          .with_columns(pl.col("m").fill_null(m_base))
          .with_columns([(pl.col(c) / s_base / (pl.col("m") / m_base) * 100).alias(c) for c in FC_COLS])
          .drop("m"))
    return h2, f2


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
        ``Scaled`` with columns series_id, label, period, value (history) and the forecast columns.
    """
    notes: list[str] = []
    relative = view == "relative"
    if relative and (market is None or market.height == 0):
        notes.append("No whole-market series in this database: the market-relative view is not "
                     "available, absolute values are shown.")
        relative = False
    hs, fs = [], []
    # one pass over each frame, not a filter per series
    h_parts = {k[0]: v for k, v in history.sort("period").partition_by(
        "series_id", as_dict=True, maintain_order=True).items()} if history.height else {}
    f_parts = {k[0]: v for k, v in forecast.sort("period").partition_by(
        "series_id", as_dict=True, maintain_order=True).items()} if forecast.height else {}
    market_fc = market.filter(pl.col("kind") == "forecast") if market is not None else None
    for sid in history["series_id"].unique(maintain_order=True).to_list():
        label = labels.get(int(sid), str(sid))
        h = h_parts[sid]
        f = f_parts.get(sid, forecast.clear())
        if relative:
            h, f = _relative_one(h, f, market, notes, label)  # type: ignore[arg-type]
        else:
            h, f = _scale_one(h, f, scale, notes, label, market_fc)
        hs.append(h.select("series_id", pl.lit(label).alias("label"), "period",
                           pl.col("value").cast(pl.Float64)))
        fs.append(f.select("series_id", pl.lit(label).alias("label"), "period",
                           *[pl.col(c).cast(pl.Float64) for c in FC_COLS]))
    empty_h = pl.DataFrame(schema={"series_id": pl.Int32, "label": pl.String, "period": pl.Date,
                                   "value": pl.Float64})
    empty_f = pl.DataFrame(schema={"series_id": pl.Int32, "label": pl.String, "period": pl.Date,
                                   **{c: pl.Float64 for c in FC_COLS}})
    return Scaled(
        history=pl.concat(hs, how="vertical_relaxed") if hs else empty_h,
        forecast=pl.concat(fs, how="vertical_relaxed") if fs else empty_f,
        y_title=Y_TITLES["relative" if relative else scale],
        notes=notes,
    )
