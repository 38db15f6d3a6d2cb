"""Pure figure builders: polars frames in, ``plotly.graph_objects.Figure`` out. No Dash import,
no database: every builder is testable without a server."""
from __future__ import annotations

import datetime as dt

import plotly.graph_objects as go
import polars as pl

from dashboard.transforms import SERIES_COLOURS, STATUS_COLOURS

FONT = {"family": "Lato, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", "size": 14}


def _layout(fig: go.Figure, *, title: str | None = None, y_title: str | None = None,
            height: int = 420) -> go.Figure:
    fig.update_layout(
        template="plotly_white", font=FONT, height=height,
        title={"text": title, "x": 0.01, "font": {"size": 17}} if title else None,
        margin={"l": 60, "r": 20, "t": 50 if title else 20, "b": 40},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hovermode="x unified",
    )
    if y_title:
        fig.update_yaxes(title_text=y_title)
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def empty_figure(message: str, height: int = 320) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font={"size": 16, "color": "#555"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _layout(fig, height=height)


def fan_chart(history: pl.DataFrame, forecast: pl.DataFrame, *, y_title: str,
              changepoints: dict[str, dt.date] | None = None, as_of: dt.date | None = None,
              title: str | None = None) -> go.Figure:
    """History lines with forecast fans (95% light, 80% darker, mean dashed) per label.

    Args:
        history: label, period, value.  forecast: label, period, mean, lower_80, upper_80,
            lower_95, upper_95 (may be empty: history only).
        changepoints: label → date to mark on the history line.  as_of: forecast origin line.
    """
    if history.height == 0:
        return empty_figure("No data for this selection")
    fig = go.Figure()
    changepoints = changepoints or {}
    for i, label in enumerate(history["label"].unique(maintain_order=True).to_list()):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        h = history.filter(pl.col("label") == label).sort("period")
        f = forecast.filter(pl.col("label") == label).sort("period")
        if f.height:
            x = f["period"].to_list()
            for lo, hi, alpha, name in (("lower_95", "upper_95", 0.12, "95%"),
                                        ("lower_80", "upper_80", 0.25, "80%")):
                fig.add_trace(go.Scatter(
                    x=x + x[::-1], y=f[hi].to_list() + f[lo].to_list()[::-1], fill="toself",
                    fillcolor=_rgba(colour, alpha), line={"width": 0}, hoverinfo="skip",
                    legendgroup=label, showlegend=False, name=f"{label} {name} interval"))
            # Join the mean to the last observation so the forecast does not float.
            x_mean = [h["period"][-1], *x]
            y_mean = [h["value"][-1], *f["mean"].to_list()]
            fig.add_trace(go.Scatter(x=x_mean, y=y_mean, mode="lines", legendgroup=label,
                                     line={"color": colour, "dash": "dash", "width": 2},
                                     name=f"{label} forecast", showlegend=False,
                                     hovertemplate="%{y:.3g}"))
        fig.add_trace(go.Scatter(x=h["period"].to_list(), y=h["value"].to_list(), mode="lines",
                                 line={"color": colour, "width": 2.5}, name=label,
                                 legendgroup=label, hovertemplate="%{y:.3g}"))
        cp = changepoints.get(label)
        if cp is not None:
            at = h.filter(pl.col("period") == cp)
            if at.height:
                fig.add_trace(go.Scatter(
                    x=[cp], y=[at["value"][0]], mode="markers", legendgroup=label,
                    marker={"symbol": "diamond", "size": 12, "color": colour,
                            "line": {"color": "white", "width": 1.5}},
                    name=f"{label} changepoint", showlegend=False,
                    hovertemplate=f"changepoint {cp:%Y-%m}<extra>{label}</extra>"))
    if as_of is not None and forecast.height:
        fig.add_vline(x=as_of, line={"color": "#888", "width": 1, "dash": "dot"})
        fig.add_annotation(x=as_of, y=1, yref="paper", text="forecast →", showarrow=False,
                           xanchor="left", yanchor="top", font={"size": 12, "color": "#666"})
    fig.update_yaxes(rangemode="tozero")
    return _layout(fig, title=title, y_title=y_title, height=460)


def market_context(groups: pl.DataFrame, postings: pl.DataFrame) -> go.Figure:
    """Demand index by status group (lines) against whole-market postings (grey area, right axis).

    Args:
        groups: period, grp, idx.  postings: period, postings (may be empty).
    """
    if groups.height == 0:
        return empty_figure("No history yet")
    fig = go.Figure()
    if postings.height:
        fig.add_trace(go.Scatter(x=postings["period"].to_list(), y=postings["postings"].to_list(),
                                 fill="tozeroy", mode="lines", line={"color": "#BBBBBB", "width": 1},
                                 fillcolor="rgba(180,180,180,0.25)", name="All job postings (right axis)",
                                 yaxis="y2", hovertemplate="%{y:,.0f}"))
    colours = {"Rising & emerging": STATUS_COLOURS["rising"],
               "Declining & obsolescent": STATUS_COLOURS["obsolescent"],
               "Stable & other": STATUS_COLOURS["stable"], "All skills": "#0072B2"}
    for grp in ("Rising & emerging", "Stable & other", "Declining & obsolescent", "All skills"):
        g = groups.filter(pl.col("grp") == grp).sort("period")
        if g.height:
            fig.add_trace(go.Scatter(x=g["period"].to_list(), y=g["idx"].to_list(), mode="lines",
                                     name=grp, line={"color": colours[grp], "width": 2.5},
                                     hovertemplate="%{y:.0f}"))
    fig.update_layout(yaxis2={"overlaying": "y", "side": "right", "showgrid": False,
                              "title": {"text": "Job postings"}, "rangemode": "tozero",
                              "tickmode": "auto", "tickformat": "~s"})
    return _layout(fig, y_title="Skill demand index (own mean = 100)", height=400)


def category_heatmap(growth: pl.DataFrame) -> go.Figure:
    """Heatmap of year-over-year growth (%) by category; a diverging, colour-blind-safe scale."""
    df = growth.filter(pl.col("growth_pct").is_not_null())
    if df.height == 0:
        return empty_figure("Not enough history for yearly growth")
    years = sorted(df["year"].unique().to_list())
    cats = sorted(df["category"].unique().to_list(), reverse=True)
    lookup = {(r["category"], r["year"]): r["growth_pct"] for r in df.iter_rows(named=True)}
    z = [[lookup.get((c, y)) for y in years] for c in cats]
    text = [[("" if v is None else f"{v:+.0f}%") for v in row] for row in z]
    bound = max(10.0, float(df["growth_pct"].abs().quantile(0.95) or 10.0))
    fig = go.Figure(go.Heatmap(
        z=z, x=[str(y) for y in years], y=cats, text=text, texttemplate="%{text}",
        colorscale="PuOr_r", zmid=0, zmin=-bound, zmax=bound,
        colorbar={"title": {"text": "Growth %"}},
        hovertemplate="%{y}, %{x}: %{z:+.1f}% vs previous year<br>click for its top skills"
                      "<extra></extra>"))
    fig.update_xaxes(type="category", title_text="Year")
    return _layout(fig, height=max(360, 34 * len(cats) + 120))


def scorecard(models: pl.DataFrame) -> go.Figure:
    """Median MASE per model (bars; below 1 beats seasonal naive) with 80% coverage as text."""
    if models.height == 0:
        return empty_figure("No backtest in this run")
    df = models.sort("median_mase")
    colours = ["#0072B2" if m == "headline" else "#999999" for m in df["model"].to_list()]
    cov = df["coverage_80"].to_list()
    fig = go.Figure(go.Bar(
        x=df["median_mase"].to_list(), y=df["model"].to_list(), orientation="h",
        marker_color=colours,
        text=[f"MASE {m:.2f} · 80% cover {c:.0f}%" if c is not None else f"MASE {m:.2f}"
              for m, c in zip(df["median_mase"].to_list(), cov, strict=True)],
        textposition="auto", hovertemplate="%{y}: median MASE %{x:.3f}<extra></extra>"))
    fig.add_vline(x=1, line={"color": "#D55E00", "dash": "dash"})
    fig.add_annotation(x=1, y=1.02, yref="paper", text="seasonal naive = 1", showarrow=False,
                       font={"size": 12, "color": "#D55E00"}, xanchor="left")
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(hovermode="closest")
    return _layout(fig, y_title=None, height=max(260, 50 * df.height + 100))
