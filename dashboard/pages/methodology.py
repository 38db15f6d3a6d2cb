"""Methodology (``/methodology``): the backtest scorecard, how each status is decided, and the data
sources with their attributions."""
from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Input, Output, callback, dcc, html
from skillpulse.dashboard import figures, ids, queries
from skillpulse.dashboard.components import (
    NEWEST,
    alert,
    graph,
    grid,
    page_header,
    panel,
    run_options,
    status_badge,
    wire_csv_export,
    wire_run_url,
)
from skillpulse.dashboard.urlstate import report_unknown, requested_run
from skillpulse.data.statuses import TREND_WINDOW

dash.register_page(__name__, path="/methodology", name="Methodology", order=90,
                   title="skillpulse · methodology", description="How forecasts and statuses are made")

ONET_ATTRIBUTION = (
    "This product incorporates information from the O*NET 29.3 Database by the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. "
    "O*NET® is a trademark of USDOL/ETA.")
STATUS_RULES = [
    ("emerging", "Low base and a significant acceleration: a skill that barely appeared before and "
                 "is now growing fast."),
    ("rising", "All four hold: a trend test significant after Benjamini-Hochberg across every "
               "series of the run (q < 0.05) — a modified Mann-Kendall test (Hamed-Rao) and, when "
               "the mentions are counted, a GLM of the monthly mentions out of the month's "
               "postings (both must hold); the 36-month trend raises demand by at least 10% at "
               "the horizon; the headline forecast rises by at least 5%; and the 80% interval of "
               "the expected level at the horizon excludes \"no change\". Never on fewer than 2 "
               "mentions a month over the last 6 months (too few to tell a rise from noise)."),
    ("stable", "No material rise or fall and a narrow enough interval to say so; a material "
               "forecast change whose interval excludes \"no change\" is uncertain, never stable."),
    ("declining", "The mirror of rising: significant downward trend (q < 0.05), a fall of at least "
                  "10% on the 36-month trend and 5% on the headline forecast, and an 80% interval "
                  "of the expected level that excludes \"no change\"."),
    ("obsolescent", "Marginal demand (at most the run's median level among comparable series, "
                    "fewer than 2 mentions a month, or below a tenth of its peak outside the "
                    "run's top quarter) "
                    "that is declining with a short half-life, or already collapsed (below a "
                    "quarter of its own peak after a sustained decline) with no significant "
                    "recovery — even when the last months are flat. A large skill that fell as "
                    "hard is declining, with its fall from the peak in the reason."),
    ("uncertain", "The evidence does not decide: intervals too wide or signals in conflict."),
    ("insufficient-history", "Fewer than 24 months of history, or never observed above zero: no "
                             "verdict is claimed."),
]
CHANGES_RULES = [
    "A status change: the same series has a different status in the later run than in the earlier "
    "one (the Changes page compares any two runs; by default the newest and the one before it).",
    "New: the later run has an outlook for a series the earlier run had none for (a skill or "
    "segment first loaded since).",
    "Outside the 95% interval: a month the later run has observed, which the earlier run had "
    "forecast, fell outside the 95% interval that run published. We publish our misses: about one "
    "month in twenty should miss by chance; many more says the earlier forecast was wrong. The "
    "latest such month is shown, with how many of the compared months missed.",
    "Importance = the demand at stake × the size of the move. Demand at stake: the square root of "
    "the series' average demand over its last 12 months, relative to the largest series of the same "
    "measure (postings per month where counts or postings totals are known). Size of the move: steps "
    "on the ladder obsolescent < declining < stable < rising < emerging plus the change of expected "
    "growth; for a miss, how far beyond the interval (in interval widths) plus the share of months "
    "that missed.",
    "Alerts ('skillpulse alerts') post the changes of runs not yet alerted to a Slack or Teams "
    "webhook, once: deliveries are recorded in the database (by a hash of the webhook URL, never the "
    "URL itself), and a failed delivery records nothing so the next run retries it.",
    "The brief ('skillpulse report') is one HTML file with the status counts, top movers, what "
    "changed, chosen skills' forecasts and the backtest: it opens offline, on a phone or printed "
    "(--pdf).",
]
CRON_LINE = ("skillpulse ingest new.csv --db skills.duckdb && skillpulse forecast --db skills.duckdb "
             "&& skillpulse alerts --db skills.duckdb --webhook \"$WEBHOOK\"")
COLUMNS: list[dict[str, Any]] = [
    {"field": "model", "headerName": "Model", "minWidth": 140},
    {"field": "series", "headerName": "Series", "type": "numericColumn"},
    {"field": "median_mase", "headerName": "Median MASE", "type": "numericColumn"},
    {"field": "mean_mase", "headerName": "Mean MASE", "type": "numericColumn"},
    {"field": "pct_beats_snaive", "headerName": "% beating seasonal naive", "type": "numericColumn"},
    {"field": "coverage_80", "headerName": "80% coverage %", "type": "numericColumn"},
    {"field": "coverage_95", "headerName": "95% coverage %", "type": "numericColumn"},
    {"field": "origins", "headerName": "Forecast origins", "type": "numericColumn"},
]
SOURCES = [
    ("Indeed Hiring Lab", "Job postings indexes and skill-share series.", "CC BY 4.0",
     "Indeed Hiring Lab data, used under the Creative Commons Attribution 4.0 license."),
    ("O*NET", "Occupation and technology-skill taxonomy.", "CC BY 4.0", ONET_ATTRIBUTION),
    ("Hacker News \"Who is hiring\"", "Monthly hiring threads counted by term "
     "(ryanwi/hiringtrends).", "MIT", "Hacker News Who is hiring data from ryanwi/hiringtrends, "
     "used under the MIT license."),
]


def layout(run: Any = None, **extra: Any) -> html.Div:
    problems: list[str] = []
    report_unknown(extra, problems)
    db = queries.current()
    runs = queries.runs(db)
    run_id = requested_run(run, runs, problems)
    return html.Div([
        dcc.Location(id=ids.METH_URL, refresh=False),
        page_header("Methodology", "How forecasts are made and checked, how statuses are decided, "
                    "and where the data comes from."),
        alert(problems, id_=ids.METH_ALERT),
        panel(
            dbc.Row([dbc.Col(html.P(
                "Every series is backtested with a rolling origin (expanding window, 1 to 12 months "
                "ahead). MASE below 1 means more accurate than the seasonal naive forecast; an "
                "honest 80% interval covers about 80% of what happened. Intervals beyond 12 months "
                "widen with the errors the same backtest made 13 to 24 months ahead, and reach "
                "further down where those errors fell mostly below the forecast; a sparse "
                "series' bounds stay within twice its record month."), md=8),
                dbc.Col(dcc.Dropdown(id=ids.METH_RUN, options=run_options(runs),
                                     value=run_id or NEWEST, clearable=False), md=4)]),
            graph(ids.METH_FIGURE, filename="skillpulse-backtest", min_height=260),
            grid(ids.METH_SCORECARD, ids.METH_SCORECARD_CSV, COLUMNS, height=280,
                 filename="skillpulse-backtest-scorecard.csv", title="Scorecard per model"),
            title="Backtest scorecard"),
        panel(html.P("Each series is modelled on a log scale (logit for shares). Candidates: "
                     "damped-trend ETS, Theta, exponential smoothing, a robust (median) level, a "
                     "trend line and naive baselines; the headline forecast is a default "
                     "combination unless the backtest shows another to be consistently better "
                     "for that series. Statuses:"),
              html.Ul([html.Li([status_badge(s), " ", text], className="mb-2")
                       for s, text in STATUS_RULES], className="list-unstyled"),
              html.P("What was counted: for postings data, a status is judged on the share of "
                     "postings mentioning the skill (growth_basis share), with the postings a "
                     "month behind it shown beside every verdict; the interval shown next to a "
                     "status is the one it was judged on (the change of the expected level), the "
                     "chart's band is the monthly prediction interval. Rankings weigh postings a "
                     "month gained or lost, not percent alone."),
              html.P("Half-life: months for demand to halve on the fitted decay of the last "
                     f"{TREND_WINDOW} months (the trend test's window), with an interval. It "
                     "describes the past trend: the forecast damps trends, so a skill halving "
                     "every 26 months may be forecast to fall by only 5% in the next 24; the "
                     "explorer says so when it happens. "
                     "Market-relative view: the skill's growth against the whole market's, so a "
                     "skill that fell with the market is not called obsolete (a count over the "
                     "market's postings; a share of postings is already relative, so the view "
                     "shows the index of its share). An index or market-relative chart whose "
                     "values span more than 100× — a decayed skill against its small recent "
                     "level — is drawn on a log axis, and says so.", className="mb-0"),
              title="How each status is decided"),
        panel(html.Ul([html.Li(text, className="mb-2") for text in CHANGES_RULES],
                      className="mb-2"),
              html.P(["Each month, after new data: ", html.Code(CRON_LINE), "."], className="mb-0 small"),
              title="What changed between runs, alerts and the brief"),
        panel(html.Ul([html.Li([html.Strong(name), f" — {what} Licence: {lic}.",
                                html.Div(attr, className="small text-muted")], className="mb-2")
                       for name, what, lic, attr in SOURCES], className="list-unstyled mb-0"),
              title="Data sources and attributions"),
    ])


@callback(Output(ids.METH_FIGURE, "figure"), Output(ids.METH_SCORECARD, "rowData"),
          Input(ids.METH_RUN, "value"))
def update_scorecard(run_value: Any) -> tuple[go.Figure, list[dict[str, Any]]]:
    db = queries.current()
    runs = queries.runs(db)
    problems: list[str] = []
    run_id = requested_run(run_value, runs, problems)
    if run_id is None and runs.height:
        run_id = int(runs["run_id"][0])
    if run_id is None:
        return figures.empty_figure("No forecast run yet: run 'skillpulse forecast'"), []
    card = queries.backtest_scorecard(db, run_id)
    rows = card.with_columns([pl.col(c).round(2) for c in ("median_mase", "mean_mase")]
                             + [pl.col(c).round(1) for c in ("pct_beats_snaive", "coverage_80",
                                                             "coverage_95")]).to_dicts()
    return figures.scorecard(card), rows


wire_csv_export(ids.METH_SCORECARD, ids.METH_SCORECARD_CSV)
wire_run_url(ids.METH_URL, ids.METH_RUN)
