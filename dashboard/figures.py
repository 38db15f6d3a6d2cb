"""Pure figure builders: polars frames in, a ``Figure`` (plotly JSON; the plotly API on demand)
out. No Dash import, no database: every builder is testable without a server.

Figures are assembled as plain dicts and wrapped without plotly's per-property validation, with a
small explicit style instead of a full template: validation and template copies were most of the
server time of a callback (~10 ms per figure, far more under load), and the payload is smaller.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import plotly.colors
import plotly.graph_objects as go
import polars as pl
from skillpulse.dashboard.transforms import SERIES_COLOURS, STATUS_COLOURS
from skillpulse.data.statuses import GROUP_ALL, GROUP_DECLINING, GROUP_OTHER, GROUP_RISING, GROUPS

# Where the app serves its static files from, and the plotly.js bundle in them that draws every
# figure here: served to ``dcc.Graph`` by ``dashboard.app``, embedded in the brief by
# ``dashboard.brief`` (built by ``docs/plotly-bundle/build.sh``).
ASSETS = Path(__file__).resolve().parent / "assets"
PLOTLY_BUNDLE = "00_plotly-skillpulse-4.1.1.min.js"

FONT = {"family": "Lato, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", "size": 14,
        "color": "#2a3f5f"}
_AXIS = {"gridcolor": "#E5ECF6", "linecolor": "#D0D7E2", "zerolinecolor": "#D0D7E2",
         "automargin": True, "ticks": ""}
_STYLE: dict[str, Any] = {
    "template": {},  # no template copy per figure; the style below is all we use
    "paper_bgcolor": "white", "plot_bgcolor": "white", "font": FONT,
    "colorway": list(SERIES_COLOURS),
    "hoverlabel": {"font": {"family": FONT["family"]}},
}


# ColorBrewer PuOr (colour-blind safe): orange = falling, purple = rising. Spelled out because
# plotly.js itself knows no "PuOr" (the Python validator, which we skip, would have expanded it).
_PUOR = list(plotly.colors.diverging.PuOr)
_DIVERGING = [[i / (len(_PUOR) - 1), c] for i, c in enumerate(_PUOR)]


# Trace properties that hold data (skill, category, person names), never our own markup. plotly.js
# renders a subset of HTML in them (links, styles), so ``<``, ``>`` and ``&`` are escaped; plotly
# shows the entities as the characters, so names look the same. Hover templates and titles that
# embed a name escape it where they are built (``escape_markup``).
_MARKUP = re.compile("[&<>]")
_DATA_KEYS = ("name", "legendgroup", "x", "y", "text", "hovertext", "customdata", "labels", "ids")


def escape_markup(text: str) -> str:
    """``text`` with ``&``, ``<`` and ``>`` as entities: shown as written, never as markup."""
    return html.escape(text, quote=False)


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return escape_markup(value) if _MARKUP.search(value) else value
    if isinstance(value, list | tuple):
        try:  # all strings (dates, names): one search over them all
            plain = _MARKUP.search("".join(value)) is None
        except TypeError:  # numbers, nulls or nested lists
            if not any(isinstance(v, str | list | tuple) for v in value):
                return value
            return [_escaped(v) for v in value]
        return value if plain else [escape_markup(v) for v in value]
    return value


def safe_traces(data: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The traces with every data-derived string escaped (see ``_DATA_KEYS``)."""
    return [{k: (_escaped(v) if k in _DATA_KEYS else v) for k, v in trace.items()} for trace in data]


class _Built(go.Figure):  # type: ignore[misc]
    """A ``go.Figure`` whose JSON is its own data and layout: plotly's ``to_plotly_json`` deep-copies
    every list and walks it for numpy arrays to encode (the builders pass plain lists)."""

    def to_plotly_json(self) -> dict[str, Any]:
        return {"data": self._data, "layout": self._layout}


class Figure:
    """A built figure: its plotly JSON (``to_plotly_json``, what Dash sends), and the plotly API
    (``fig.data``, ``fig.layout``, ``fig.update_layout(...)``) on demand. Constructing a
    ``go.Figure``, even unvalidated, makes a trace object and a deep copy per trace: 4.4 ms for
    five skills' fans (20 traces) on top of 5.4 ms to build them, and a fifth of the explorer's
    server time at 20,000 series (p50 40 → 24 ms without it and a faster escape). A callback only
    serialises the figure, so the ``go.Figure`` is made the first time the plotly API is used
    (tests, the brief's layout tweak) and the JSON then comes from it, changes included."""

    __slots__ = ("_fig", "_json")

    def __init__(self, data: list[dict[str, Any]], layout: dict[str, Any]) -> None:
        self._json: dict[str, Any] = {"data": data, "layout": layout}
        self._fig: go.Figure | None = None

    def to_plotly_json(self) -> dict[str, Any]:
        return self._json if self._fig is None else self._fig.to_plotly_json()

    def to_dict(self) -> dict[str, Any]:
        return self.to_plotly_json()

    def plotly(self) -> go.Figure:
        """The ``go.Figure`` of this figure (made once; later changes to it show in the JSON)."""
        if self._fig is None:
            try:
                self._fig = _Built(self._json, _validate=False)
            except TypeError:  # a plotly without the private switch: validate (slower, same figure)
                self._fig = go.Figure(self._json)
        return self._fig

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not plotly's API (and no recursion before __init__ ran)
            raise AttributeError(name)
        return getattr(self.plotly(), name)


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    return Figure(safe_traces(data), layout)


def _layout(*, title: str | None = None, y_title: str | None = None, height: int = 420,
            **extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        **_STYLE, "height": height,
        "margin": {"l": 60, "r": 20, "t": 50 if title else 20, "b": 40},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        "hovermode": "x unified",
        "xaxis": dict(_AXIS),
        "yaxis": {**_AXIS, **({"title": {"text": y_title}} if y_title else {})},
    }
    if title:  # titles may name skills
        layout["title"] = {"text": escape_markup(title), "x": 0.01, "font": {"size": 17}}
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key] = {**layout[key], **value}
        else:
            layout[key] = value
    return layout


def _dates(col: pl.Series) -> list[str]:
    # ISO strings: plotly reads them as dates, and JSON-encoding them is ~10x cheaper than dates.
    return col.dt.strftime("%Y-%m-%d").to_list()


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _by_label(frame: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """label → its rows in period order (one pass, not a filter per label)."""
    if frame.height == 0:
        return {}
    return {key[0]: part for key, part in
            frame.sort("period").partition_by("label", as_dict=True, maintain_order=True).items()}


def empty_figure(message: str, height: int = 320) -> Figure:
    """A blank figure that says why it is blank."""
    return _figure([], _layout(
        height=height, xaxis={"visible": False}, yaxis={"visible": False},
        annotations=[{"text": escape_markup(message), "showarrow": False, "x": 0.5, "y": 0.5, "xref": "paper",
                      "yref": "paper", "font": {"size": 16, "color": "#555"}}]))


def fan_chart(history: pl.DataFrame, forecast: pl.DataFrame, *, y_title: str,
              changepoints: dict[str, dt.date] | None = None, as_of: dt.date | None = None,
              actuals: pl.DataFrame | None = None, title: str | None = None,
              earlier: pl.DataFrame | None = None, earlier_name: str = "earlier run",
              log_y: bool = False) -> Figure:
    """History lines with forecast fans (95% light, 80% darker, mean dashed) per label.

    Args:
        history: label, period, value.  forecast: label, period, mean, lower_80, upper_80,
            lower_95, upper_95 (may be empty: history only).
        changepoints: label → date to mark on the history line.  as_of: forecast origin line.
        actuals: label, period, value observed after ``as_of`` (an earlier run: what happened
            against what the run said), drawn dotted.
        earlier: another run's forecast (same columns as ``forecast``): its mean and 95% bounds
            drawn as thin dotted lines named ``earlier_name``, to compare two runs' fans.
        log_y: a logarithmic value axis (``transforms.log_axis``).
    """
    if history.height == 0:
        return empty_figure("No data for this selection")
    data: list[dict[str, Any]] = []
    changepoints = changepoints or {}
    hists = _by_label(history)
    fcs = _by_label(forecast)
    actual_parts = _by_label(actuals) if actuals is not None and actuals.height else {}
    earlier_parts = _by_label(earlier) if earlier is not None and earlier.height else {}
    for i, label in enumerate(history["label"].unique(maintain_order=True).to_list()):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        h = hists[label]
        hx = _dates(h["period"])
        f = fcs.get(label, forecast.clear())
        if f.height:
            x = _dates(f["period"])
            for lo, hi, alpha, name in (("lower_95", "upper_95", 0.12, "95%"),
                                        ("lower_80", "upper_80", 0.25, "80%")):
                data.append({"type": "scatter", "x": x + x[::-1],
                             "y": f[hi].to_list() + f[lo].to_list()[::-1], "fill": "toself",
                             "fillcolor": _rgba(colour, alpha), "line": {"width": 0},
                             "hoverinfo": "skip", "legendgroup": label, "showlegend": False,
                             "name": f"{label} {name} interval"})
            # Join the mean to the last observation so the forecast does not float.
            data.append({"type": "scatter", "x": [hx[-1], *x],
                         "y": [h["value"][-1], *f["mean"].to_list()], "mode": "lines",
                         "legendgroup": label, "line": {"color": colour, "dash": "dash", "width": 2},
                         "name": f"{label} forecast", "showlegend": False, "hovertemplate": "%{y:.3g}"})
        data.append({"type": "scatter", "x": hx, "y": h["value"].to_list(),
                     "mode": "lines", "line": {"color": colour, "width": 2.5}, "name": label,
                     "legendgroup": label, "hovertemplate": "%{y:.3g}"})
        if actuals is not None and actuals.height:
            a = actual_parts.get(label, actuals.clear())
            if a.height:
                data.append({"type": "scatter", "x": [hx[-1], *_dates(a["period"])],
                             "y": [h["value"][-1], *a["value"].to_list()], "mode": "lines",
                             "line": {"color": colour, "width": 2, "dash": "dot"},
                             "legendgroup": label, "showlegend": False,
                             "name": f"{label} actual since", "hovertemplate": "actual %{y:.3g}"})
        if earlier is not None and earlier.height:
            e = earlier_parts.get(label, earlier.clear())
            if e.height:
                ex = _dates(e["period"])
                for col, dash, name in (("upper_95", "dot", "95% upper"), ("mean", "dashdot", "mean"),
                                        ("lower_95", "dot", "95% lower")):
                    data.append({"type": "scatter", "x": ex, "y": e[col].to_list(), "mode": "lines",
                                 "line": {"color": colour, "width": 1.2, "dash": dash},
                                 "opacity": 0.8, "legendgroup": f"{label} {earlier_name}",
                                 "showlegend": col == "mean", "name": f"{label}: {earlier_name}",
                                 "hovertemplate": f"{escape_markup(earlier_name)} {name} %{{y:.3g}}"
                                                  "<extra></extra>"})
        cp = changepoints.get(label)
        if cp is not None:
            at = h.filter(pl.col("period") == cp)
            if at.height:
                data.append({
                    "type": "scatter", "x": [cp.isoformat()], "y": [at["value"][0]], "mode": "markers",
                    "legendgroup": label, "showlegend": False, "name": f"{label} changepoint",
                    "marker": {"symbol": "diamond", "size": 12, "color": colour,
                               "line": {"color": "white", "width": 1.5}},
                    "hovertemplate": f"changepoint {cp:%Y-%m}<extra>{escape_markup(label)}</extra>"})
    extra: dict[str, Any] = {"yaxis": {"type": "log"} if log_y else {"rangemode": "tozero"}}
    if as_of is not None and forecast.height:
        iso = as_of.isoformat()
        extra["shapes"] = [{"type": "line", "x0": iso, "x1": iso, "xref": "x", "y0": 0, "y1": 1,
                            "yref": "paper", "line": {"color": "#888", "width": 1, "dash": "dot"}}]
        extra["annotations"] = [{"x": iso, "y": 1, "yref": "paper", "text": "forecast →",
                                 "showarrow": False, "xanchor": "left", "yanchor": "top",
                                 "font": {"size": 12, "color": "#666"}}]
    return _figure(data, _layout(title=title, y_title=y_title, height=460, **extra))


def market_context(groups: pl.DataFrame, postings: pl.DataFrame) -> Figure:
    """Demand index by status group (lines) against whole-market postings (grey area, right axis).

    Args:
        groups: period, grp, idx.  postings: period, postings (may be empty).
    """
    if groups.height == 0:
        return empty_figure("No history yet")
    data: list[dict[str, Any]] = []
    if postings.height:
        data.append({"type": "scatter", "x": _dates(postings["period"]),
                     "y": postings["postings"].to_list(), "fill": "tozeroy", "mode": "lines",
                     "line": {"color": "#BBBBBB", "width": 1}, "fillcolor": "rgba(180,180,180,0.25)",
                     "name": "All job postings (right axis)", "yaxis": "y2",
                     "hovertemplate": "%{y:,.0f}"})
    colours = {GROUP_RISING: STATUS_COLOURS["rising"], GROUP_DECLINING: STATUS_COLOURS["obsolescent"],
               GROUP_OTHER: STATUS_COLOURS["stable"], GROUP_ALL: "#0072B2"}
    for grp in GROUPS:
        g = groups.filter(pl.col("grp") == grp).sort("period")
        if g.height:
            data.append({"type": "scatter", "x": _dates(g["period"]), "y": g["idx"].to_list(),
                         "mode": "lines", "name": grp, "line": {"color": colours[grp], "width": 2.5},
                         "hovertemplate": "%{y:.0f}"})
    return _figure(data, _layout(
        y_title="Skill demand index (own mean = 100)", height=400,
        yaxis2={"overlaying": "y", "side": "right", "showgrid": False, "title": {"text": "Job postings"},
                "rangemode": "tozero", "tickformat": "~s", "tickmode": "auto", "nticks": 6,
                "automargin": True}))


# A category-year cell resting on fewer series than this is greyed, not coloured: one term's
# yearly swing is not a category trend (HN's "Design & UX" is one term: +406%, then -72%).
THIN_CATEGORY_SERIES = 3
_THIN_GREY = "#EEF0F3"


def category_heatmap(growth: pl.DataFrame) -> Figure:
    """Heatmap of year-over-year growth (%) by category; a diverging, colour-blind-safe scale.
    A cell of fewer than ``THIN_CATEGORY_SERIES`` series (``series``, when given) is drawn plain
    grey with its growth marked ``·`` (a second heatmap over the first), says why on hover, and
    does not stretch the colour scale."""
    df = growth.filter(pl.col("growth_pct").is_not_null())
    if df.height == 0:
        return empty_figure("Not enough history for yearly growth")
    years = sorted(df["year"].unique().to_list())
    cats = sorted(df["category"].unique().to_list(), reverse=True)
    has_n = "series" in df.columns
    cells = {(r["category"], r["year"]): (r["growth_pct"], r["series"] if has_n else None)
             for r in df.iter_rows(named=True)}

    def thin(n: int | None) -> bool:
        return n is not None and n < THIN_CATEGORY_SERIES

    grid = [[cells.get((c, y), (None, None)) for y in years] for c in cats]
    n_series = [[("" if n is None else f"{n} series" + (
        f" — too few for a category trend (under {THIN_CATEGORY_SERIES}), not coloured"
        if thin(n) else "")) for _, n in row] for row in grid]

    def layer(keep_thin: bool) -> tuple[list[list[float | None]], list[list[str]]]:
        z = [[g if g is not None and thin(n) == keep_thin else None for g, n in row] for row in grid]
        text = [["" if v is None else f"{v:+.0f}%" + (" ·" if keep_thin else "") for v in row]
                for row in z]
        return z, text

    solid_z, solid_text = layer(False)
    thin_z, thin_text = layer(True)
    solid = [v for row in solid_z for v in row if v is not None]
    bound = max(10.0, float(pl.Series(solid, dtype=pl.Float64).abs().quantile(0.95) or 10.0)
                if solid else 10.0)
    common = {"type": "heatmap", "x": [str(y) for y in years], "y": cats, "texttemplate": "%{text}",
              "customdata": n_series, "hoverongaps": False,
              "hovertemplate": "%{y}, %{x}: %{text} vs previous year<br>%{customdata}<br>click for "
                               "its top skills<extra></extra>"}
    traces = [{**common, "z": solid_z, "text": solid_text, "colorscale": _DIVERGING, "zmid": 0,
               "zmin": -bound, "zmax": bound, "colorbar": {"title": {"text": "Growth %"}}}]
    if any(v is not None for row in thin_z for v in row):
        traces.append({**common, "z": thin_z, "text": thin_text, "showscale": False,
                       "colorscale": [[0.0, _THIN_GREY], [1.0, _THIN_GREY]],
                       "textfont": {"color": "#555"}, "name": "too few series"})
    return _figure(traces, _layout(height=max(360, 34 * len(cats) + 120), hovermode="closest",
                                   xaxis={"type": "category", "title": {"text": "Year"}}))


def scorecard(models: pl.DataFrame) -> Figure:
    """Median MASE per model (bars; below 1 beats seasonal naive) with 80% coverage as text."""
    if models.height == 0:
        return empty_figure("No backtest in this run")
    df = models.sort("median_mase")
    colours = ["#0072B2" if m == "headline" else "#999999" for m in df["model"].to_list()]
    cov = df["coverage_80"].to_list()
    trace = {"type": "bar", "x": df["median_mase"].to_list(), "y": df["model"].to_list(),
             "orientation": "h", "marker": {"color": colours},
             "text": [f"MASE {m:.2f} · 80% cover {c:.0f}%" if c is not None else f"MASE {m:.2f}"
                      for m, c in zip(df["median_mase"].to_list(), cov, strict=True)],
             "textposition": "auto", "hovertemplate": "%{y}: median MASE %{x:.3f}<extra></extra>"}
    return _figure([trace], _layout(
        height=max(260, 34 * df.height + 100), hovermode="closest",
        yaxis={"autorange": "reversed"},
        shapes=[{"type": "line", "x0": 1, "x1": 1, "y0": 0, "y1": 1, "yref": "paper",
                 "line": {"color": "#D55E00", "dash": "dash"}}],
        annotations=[{"x": 1, "y": 1.02, "yref": "paper", "text": "seasonal naive = 1",
                      "showarrow": False, "font": {"size": 12, "color": "#D55E00"}, "xanchor": "left"}]))
