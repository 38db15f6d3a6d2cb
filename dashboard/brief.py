"""The executive brief as one self-contained HTML file: opens offline, on a phone or a laptop,
printed or attached to an e-mail. plotly.js (the app's own bundle) is embedded once; there
are no external requests (no fonts, images or scripts from elsewhere). Every data-derived string
is escaped for HTML (figure labels by the figure builders), and the figures' JSON for a
``<script>`` element. Content comes from ``skillpulse.services.brief`` (what to say); this module
only renders it, with the dashboard's pure figure builders.
"""
from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any

import plotly.io
import polars as pl
from skillpulse.dashboard import figures
from skillpulse.dashboard.transforms import STATUS_COLOURS, STATUS_ORDER, STATUS_SYMBOLS, UNITS
from skillpulse.data.statuses import halving
from skillpulse.services.brief import Brief, SkillChart
from skillpulse.services.changes import CHANGE_COLUMNS, readable

Y_TITLES = {"share": "Share of job postings (%)", "count": "Postings per month", "index": "Index"}
CHANGE_LABELS = {"status": "Status changed", "new": "New", "outside": "Outside the 95% interval"}

CSS = """
:root { --ink: #1f2d3d; --muted: #5b6b7b; --line: #dde3ea; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f8; color: var(--ink);
       font: 16px/1.45 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 0 0 8px; }
h3 { font-size: 1.02rem; margin: 0 0 4px; }
.sub, .note { color: var(--muted); font-size: .9rem; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px;
          margin: 0 0 14px; break-inside: avoid; }
.counts { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 8px; }
.count { border: 1px solid var(--line); border-top: 5px solid #999; border-radius: 6px;
         padding: 6px 10px; }
.count .n { font-size: 1.6rem; font-weight: 700; } .count .label { font-size: .8rem;
         text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
.movers { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 14px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; } td.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; color: #fff; border-radius: 1rem; padding: 0 .5rem; font-size: .8rem;
         font-weight: 700; text-shadow: 0 0 2px rgba(0,0,0,.45); white-space: nowrap; }
.chart { width: 100%; min-height: 340px; }
ul { padding-left: 1.2rem; margin: .3rem 0; }
@media print { body { background: #fff; } main { max-width: none; padding: 0; }
               section { border: none; padding: 6px 0; } .scroll { overflow: visible; } }
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _badge(status: str | None) -> str:
    s = status or "insufficient-history"
    return (f'<span class="badge" style="background:{STATUS_COLOURS.get(s, "#999")}">'
            f'{STATUS_SYMBOLS.get(s, "")} {_e(s)}</span>')


def _growth(r: dict[str, Any], *, cell: bool = False) -> str:
    """Growth with its 80% interval; ``cell``: the interval on a second line (HTML, narrow
    enough for two tables side by side)."""
    g, lo, hi = r.get("growth_pct"), r.get("growth_lower_80"), r.get("growth_upper_80")
    if g is None:
        return "–"
    if lo is None or hi is None:
        return f"{g:+.0f}%"
    band = f"{lo:+.0f}% to {hi:+.0f}%"
    return f"{g:+.0f}%<div class='note'>{band}</div>" if cell else f"{g:+.0f}% ({band})"


def _volume(r: dict[str, Any]) -> str:
    v = r.get("volume")
    if v is None:
        return "–"
    if r.get("volume_is_mentions"):
        return f"{v:,.0f} postings/mo"
    return readable(v) + UNITS.get(str(r.get("measure")), "")


def _segment(r: dict[str, Any]) -> str:
    return " · ".join(p for p in (r.get("source"), r.get("region"), r.get("occupation")) if p)


def _counts(brief: Brief) -> str:
    total = sum(brief.counts.values()) or 1
    cells = []
    for s in STATUS_ORDER:
        n = brief.counts.get(s, 0)
        cells.append(f'<div class="count" style="border-top-color:{STATUS_COLOURS[s]}">'
                     f'<div class="label">{STATUS_SYMBOLS[s]} {_e(s.replace("-", " "))}</div>'
                     f'<div class="n">{n:,}</div><div class="note">{100 * n / total:.0f}%</div></div>')
    return (f'<section id="status-counts"><h2>Status of {sum(brief.counts.values()):,} skill series'
            f'</h2><div class="counts">{"".join(cells)}</div></section>')


def _movers_table(title: str, movers: pl.DataFrame, empty: str, segments: bool) -> str:
    if movers.height == 0:
        return f"<div><h3>{_e(title)}</h3><p class='note'>{_e(empty)}</p></div>"
    rows = "".join(
        f"<tr><td>{_e(r['skill'])}"
        + (f"<div class='note'>{_e(_segment(r))}</div>" if segments else "") + "</td>"
        f"<td>{_badge(r['status'])}</td><td class='num'>{_growth(r, cell=True)}</td>"
        f"<td class='num'>{_e(_volume(r))}</td></tr>" for r in movers.iter_rows(named=True))
    return (f"<div><h3>{_e(title)}</h3><div class='scroll'><table><thead><tr><th>Skill</th>"
            f"<th>Status</th><th>Growth (80% interval)</th><th>Volume</th></tr></thead><tbody>"
            f"{rows}</tbody></table></div></div>")


def _movers(brief: Brief) -> str:
    both = pl.concat([m.select("source", "region", "occupation")
                      for m in (brief.risers, brief.decliners)])
    segments = both.unique().height > 1  # one segment everywhere: naming it is noise
    return ("<section id='movers'><h2>Top risers and decliners</h2>"
            f"<p class='note'>Expected change of demand over the next {brief.horizon} months with its "
            "80% interval, most confident first; volume = average monthly demand over the last "
            "year.</p><div class='movers'>"
            + _movers_table("Top risers", brief.risers, "No skill is rising with confidence.",
                            segments)
            + _movers_table("Top decliners", brief.decliners,
                            "No skill is declining with confidence.", segments)
            + "</div></section>")


def _changes(brief: Brief, shown: int) -> str:
    c = brief.changes
    if c is None:
        body = "".join(f"<p class='note'>{_e(n)}</p>" for n in brief.notes[:1])
        return f"<section id='changes'><h2>What changed</h2>{body}</section>"
    counts = c.counts()
    head = (f"Since run {c.pair.before} (as of {c.pair.before_as_of:%b %Y}): "
            f"{counts['status']} status change(s), {counts['new']} new series, "
            f"{counts['outside']} series with months outside the 95% interval run {c.pair.before} "
            "published.")
    table = c.table.select(CHANGE_COLUMNS).head(shown)
    rows = "".join(
        f"<tr><td>{_e(CHANGE_LABELS.get(r['change'], r['change']))}</td><td>{_e(r['skill'])}</td>"
        f"<td>{_badge(r['from_status']) if r['from_status'] else '–'} → {_badge(r['to_status'])}</td>"
        f"<td>{_e(r['reason'])}</td></tr>" for r in table.iter_rows(named=True))
    more = c.table.height - table.height
    tail = (f"<p class='note'>… and {more} more: <code>skillpulse changes</code> lists them all."
            "</p>" if more > 0 else "")
    listing = ("<div class='scroll'><table><thead><tr><th>Change</th><th>Skill</th><th>Status</th>"
               f"<th>What happened</th></tr></thead><tbody>{rows}</tbody></table></div>"
               if table.height else "<p class='note'>Nothing changed.</p>")
    return (f"<section id='changes'><h2>What changed since the previous run</h2><p>{_e(head)}</p>"
            f"{listing}{tail}</section>")


def chart_figure(chart: SkillChart, as_of: dt.date) -> dict[str, Any]:
    """The fan chart of one chosen skill as plotly JSON (history to the run's as_of, what
    happened since dotted, the run's forecast with 80/95% fans)."""
    # labels go in raw: the figure builders escape every data-derived string for plotly
    lab = pl.col("series_id").replace_strict(chart.labels, default=None)
    hist = chart.history.with_columns(lab.alias("label")).filter(pl.col("label").is_not_null())
    fc = chart.forecast.with_columns(lab.alias("label"))
    measure = next(iter(chart.measure.values()), "share")
    fig = figures.fan_chart(hist.filter(pl.col("period") <= as_of), fc,
                            y_title=Y_TITLES.get(measure, ""), as_of=as_of,
                            actuals=hist.filter(pl.col("period") > as_of))
    fig.update_layout(height=360, margin={"l": 50, "r": 10, "t": 30, "b": 30})
    return json.loads(plotly.io.to_json(fig, validate=False))  # type: ignore[no-any-return]


def _chart_text(chart: SkillChart) -> str:
    out = []
    for o in chart.outlook.iter_rows(named=True):
        label = chart.labels.get(o["series_id"], chart.skill)
        g = _growth(o)
        hl = o.get("half_life_months")
        half = f"; {halving(hl)}" if hl is not None and hl <= 120 else ""
        out.append(f"<li>{_e(label)}: {_badge(o['status'])} expected change {_e(g)} in "
                   f"{o['horizon']} months{_e(half)}.</li>")
    return f"<ul>{''.join(out)}</ul>"


def _charts(brief: Brief) -> tuple[str, list[dict[str, Any]]]:
    if not brief.charts:
        return "", []
    figs, parts = [], []
    for i, chart in enumerate(brief.charts):
        figs.append(chart_figure(chart, brief.as_of))
        parts.append(f"<div class='skill'><h3>{_e(chart.skill)}</h3>{_chart_text(chart)}"
                     f"<div class='chart' id='chart-{i}' role='img' "
                     f"aria-label='{_e(chart.skill)}: history and forecast'></div></div>")
    why = ("the skills chosen for this brief" if brief.chosen else
           "the top risers and decliners (choose others with --skill)")
    return (f"<section id='charts'><h2>History and forecast</h2><p class='note'>Charts of {why}: "
            "solid line = history, dashed = forecast, darker band = 80% interval, lighter band = "
            "95% interval, dotted = what happened after the run's data ended.</p>"
            + "".join(parts) + "</section>"), figs


HOW_TO_READ = [
    "Each skill series gets one status: emerging, rising, stable, declining, obsolescent, uncertain "
    "or insufficient-history. Rising and declining need a significant trend (after correcting for "
    "testing every series at once) and a forecast interval that excludes no change.",
    "Growth is the expected change of demand from now to the end of the forecast horizon; the 80% "
    "interval is the range the forecast gives 4 chances in 5. Wide intervals mean: do not bet on it.",
    "Volume is the demand behind a change: a big skill's move matters more than a niche one's.",
    "'Outside the 95% interval' lists months the previous run got wrong: we publish our misses.",
    "The backtest replays the forecast on past data: a MASE below 1 beats repeating last year.",
]


def _script_json(value: Any) -> str:
    """JSON safe inside a ``<script>`` element (no ``</script>``, ``<!--`` or ``&`` surprises)."""
    return (json.dumps(value, separators=(",", ":"), allow_nan=False).replace("<", "\\u003c")
            .replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def plotly_js() -> str:
    """The plotly.js bundle the app serves (core + bar + heatmap: all our figures need)."""
    bundle = figures.ASSETS / figures.PLOTLY_BUNDLE
    if bundle.exists():
        return bundle.read_text(encoding="utf-8")
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def render(brief: Brief, *, changes_shown: int = 12) -> str:
    """The whole brief as one HTML document."""
    charts, figs = _charts(brief)
    through = f" · data through {brief.data_through:%B %Y}" if brief.data_through else ""
    title = f"skillpulse brief · run {brief.run_id} as of {brief.as_of:%B %Y}"
    notes = "".join(f"<p class='note'>{_e(n)}</p>" for n in brief.notes if brief.changes or
                    not n.startswith("This is the first"))
    boot = ("(function(){var figs=" + _script_json(figs) + ";figs.forEach(function(f,i){"
            "Plotly.newPlot('chart-'+i,f.data,f.layout,{displaylogo:false,responsive:true,"
            "modeBarButtonsToRemove:['lasso2d','select2d']});});})();")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<header><h1>Skill demand brief</h1>
<p class="sub">Forecast run {brief.run_id} as of {brief.as_of:%B %Y}{_e(through)} · horizon
{brief.horizon} months · computed {brief.created_at:%Y-%m-%d}</p></header>
{_counts(brief)}
{_movers(brief)}
{_changes(brief, changes_shown)}
{charts}
{notes}
<section id="backtest"><h2>How accurate the forecasts were</h2><p>{_e(brief.scorecard)}</p></section>
<section id="how-to-read"><h2>How to read this brief</h2><ul>
{"".join(f"<li>{_e(t)}</li>" for t in HOW_TO_READ)}
</ul><p class="note">Made with skillpulse. Forecasts are uncertain by nature: the intervals say
how much.</p></section>
</main>
<script>{plotly_js()}</script>
<script>{boot}</script>
</body>
</html>
"""
