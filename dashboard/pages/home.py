"""Overview (``/``): status counts, top risers and decliners, market context, data freshness."""
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
    kpi_card,
    link_column,
    link_href,
    page_header,
    panel,
    run_options,
    wire_csv_export,
    wire_run_url,
)
from skillpulse.dashboard.transforms import (
    STATUS_COLOURS,
    STATUS_ORDER,
    STATUS_SYMBOLS,
    segment_label,
    sparkline,
)
from skillpulse.dashboard.urlstate import changes_search, report_unknown, requested_run, skills_href
from skillpulse.data.errors import SkillpulseError

dash.register_page(__name__, path="/", name="Overview", order=0, title="skillpulse · overview",
                   description="Which skills are rising and which are decaying")

GROWTH_TIP = ("Expected change of demand at the horizon vs the level now (the model's smoothed "
              "last months), on the basis the status was judged on (the share of postings when "
              "mentions and postings are known); the 80% interval is the one the status was "
              "judged on. Ranked by postings a month gained or lost (demand at stake)")
VOLUME_TIP = "Postings mentioning the skill, a month over the last 12 months"
MOVER_COLUMNS: list[dict[str, Any]] = [
    link_column("skill", "skill_href", headerName="Skill", flex=3, minWidth=140,
                tooltipField="category"),
    {"field": "status", "headerName": "Status", "flex": 2, "minWidth": 105, "tooltipField": "note"},
    {"field": "trend", "headerName": "Last 3 years", "cellClass": "sparkline", "flex": 2,
     "minWidth": 95, "filter": False, "sortable": False},
    {"field": "volume", "headerName": "Postings/month", "type": "numericColumn", "flex": 2,
     "minWidth": 95, "headerTooltip": VOLUME_TIP},
    {"field": "growth_pct", "headerName": "Growth %", "type": "numericColumn", "flex": 2,
     "minWidth": 85, "headerTooltip": GROWTH_TIP},
    {"field": "interval_80", "headerName": "80% interval", "flex": 3, "minWidth": 120,
     "headerTooltip": GROWTH_TIP},
    {"field": "category", "headerName": "Category", "hide": True},  # in the CSV; no room on screen
    {"field": "segment", "headerName": "Segment", "hide": True},
    {"field": "lower_80", "headerName": "Growth lower 80%", "hide": True},
    {"field": "upper_80", "headerName": "Growth upper 80%", "hide": True},
]
NO_RISERS = "No skill is rising with confidence in this run."
NO_DECLINERS = "No skill is declining with confidence in this run."
CSV_COLUMNS = ("skill", "status", "volume", "growth_pct", "lower_80", "upper_80", "category",
               "segment")


def layout(run: Any = None, **extra: Any) -> html.Div:
    problems: list[str] = []
    report_unknown(extra, problems)
    db = queries.current()
    runs = queries.runs(db)
    run_id = requested_run(run, runs, problems)
    fresh, cards, risers, decliners, market, changed = overview_content(db, run_id or NEWEST)
    return html.Div([
        dcc.Location(id=ids.OV_URL, refresh=False),
        dbc.Row([
            dbc.Col(page_header("Skill demand outlook",
                                "Which microcompetencies are gaining demand and which are decaying, "
                                "with honest uncertainty."), md=8),
            dbc.Col(html.Div([html.Label("As of", htmlFor=ids.OV_RUN, className="small text-muted"),
                              dcc.Dropdown(id=ids.OV_RUN, options=run_options(runs),
                                           value=run_id or NEWEST, clearable=False)]), md=4),
        ], className="align-items-end"),
        alert(problems, id_=ids.OV_ALERT),
        dcc.Loading(html.Div(fresh, id=ids.OV_FRESHNESS, className="freshness mb-1"), type="dot"),
        html.Div(changed, id=ids.OV_CHANGES, className="freshness mb-3"),
        dcc.Loading(dbc.Row(cards, id=ids.OV_STATUS_CARDS, className="g-2 mb-3"), type="default"),
        dbc.Row([
            dbc.Col(panel(grid(ids.OV_RISERS, ids.OV_RISERS_CSV, MOVER_COLUMNS, risers, height=470,
                               filename="skillpulse-top-risers.csv", csv_columns=CSV_COLUMNS,
                               empty_text=NO_RISERS),
                          title="Top risers",
                          help_text="Skills rising or emerging with confidence, most confident "
                                    "first (highest lower end of the 80% interval of growth)."), lg=6),
            dbc.Col(panel(grid(ids.OV_DECLINERS, ids.OV_DECLINERS_CSV, MOVER_COLUMNS, decliners,
                               height=470, filename="skillpulse-top-decliners.csv",
                               csv_columns=CSV_COLUMNS, empty_text=NO_DECLINERS),
                          title="Top decliners",
                          help_text="Skills declining or obsolescent, most confident first (lowest "
                                    "upper end of the 80% interval of growth)."), lg=6),
        ]),
        panel(graph(ids.OV_MARKET, market, filename="skillpulse-market-context"),
              title="Market context",
              help_text="Median demand of skills by outlook (each series indexed to its own mean) "
                        "against all job postings: a skill can fall because the market fell."),
    ])


def _freshness(db: queries.Db, run: pl.DataFrame, counted: int | None = None) -> list[Any]:
    """The data/run line. Series are split into skill series (what the status cards count) and
    whole-market series (context only), so the numbers add up with the cards."""
    f = queries.freshness(db).row(0, named=True)
    last = f["last_period"]
    if last is None:
        return [html.Span("No data yet: load some with 'skillpulse ingest' or 'skillpulse demo'.")]
    market = f["market_series"]
    parts: list[Any] = [html.Strong(f"Data through {last:%B %Y}"),
                        f" · {f['skills']:,} skills in {f['skill_series']:,} skill series"
                        + (f" + {market:,} whole-market series" if market else "")]
    if run.height:
        r = run.row(0, named=True)
        parts.append(f" · forecast run {r['run_id']} as of {r['as_of']:%b %Y}, computed "
                     f"{r['created_at']:%Y-%m-%d %H:%M} in {r['seconds']:.1f} s")
        if counted is not None and counted != f["skill_series"]:
            parts.append(f" (it covers {counted:,} skill series)")
    else:
        parts.append(html.Span(" · no forecast yet: run 'skillpulse forecast'", className="text-danger"))
    return parts


def _status_cards(counts: pl.DataFrame) -> list[Any]:
    """One card per status over the run's skill series (market series excluded, as said above)."""
    lookup = dict(counts.select("status", "n").iter_rows())
    total = sum(lookup.values()) or 1
    return [dbc.Col(kpi_card(s.replace("-", " ").capitalize(), f"{lookup.get(s, 0):,}",
                             colour=STATUS_COLOURS[s], symbol=STATUS_SYMBOLS[s],
                             note=f"{100 * lookup.get(s, 0) / total:.0f}% of skill series"),
                    xs=6, md=4, xl=True) for s in STATUS_ORDER]


def _volume(v: float | None) -> float | None:
    """Postings a month for people: one decimal below 10, whole numbers above."""
    if v is None:
        return None
    return round(v, 1) if v < 10 else float(round(v))


def mover_rows(movers: pl.DataFrame, spark: pl.DataFrame) -> list[dict[str, Any]]:
    """Grid rows for risers/decliners with a text sparkline of the last three years."""
    lines = {sid: sparkline(g["value"].to_list())
             for (sid,), g in spark.group_by("series_id", maintain_order=True)}
    rows = []
    for r in movers.iter_rows(named=True):
        lo, hi = r["growth_lower_80"], r["growth_upper_80"]
        rows.append({
            "skill": r["skill"],
            "skill_href": link_href(skills_href([r["skill"]])),
            "lower_80": None if lo is None else round(lo, 1),
            "upper_80": None if hi is None else round(hi, 1),
            "status": r["status"],
            "trend": lines.get(r["series_id"], ""),
            "growth_pct": None if r["growth_pct"] is None else round(r["growth_pct"], 1),
            "volume": _volume(r.get("mentions_month")),
            "interval_80": "–" if lo is None or hi is None else f"{lo:+.0f}% to {hi:+.0f}%",
            "category": r["category"],
            "note": r["note"] or "",
            "segment": segment_label(r["source"], r["region"], r["occupation"]),
        })
    return rows


def changes_line(db: queries.Db, run_id: int, newest: int) -> Any:
    """"N changes since run M", linking to ``/changes`` for the pair (empty for a first run)."""
    try:
        pair, c, total = queries.change_counts(db, None, run_id)
    except SkillpulseError:
        return []
    href = "/changes" + changes_search(None, None if run_id == newest else run_id)
    return [html.Strong(f"{total:,} changes", className="changes-count"),
            f" since run {pair.before} (as of {pair.before_as_of:%b %Y}): {c['status']} status, "
            f"{c['new']} new, {c['outside']} outside the interval it published · ",
            dcc.Link("see what changed", href=href)]


def overview_content(db: queries.Db, run_value: Any
                     ) -> tuple[Any, Any, list[dict[str, Any]], list[dict[str, Any]], go.Figure, Any]:
    """Freshness line, status cards, risers, decliners, the market figure and the changes line
    for a run."""
    runs = queries.runs(db)
    problems: list[str] = []
    run_id = requested_run(run_value, runs, problems)
    run = runs.filter(pl.col("run_id") == run_id) if run_id else runs.head(1)
    market = figures.market_context(queries.market_context(db, run["run_id"][0] if run.height else None),
                                    queries.market_postings(db))
    if run.height == 0:
        note = dbc.Col(dbc.Alert("No forecast run yet: run 'skillpulse forecast --db …' to see "
                                 "statuses, risers and decliners. History is shown below.",
                                 color="info", className="mb-0"))
        return _freshness(db, run), [note], [], [], market, []
    rid = int(run["run_id"][0])
    risers = queries.movers(db, rid, 1)
    decliners = queries.movers(db, rid, -1)
    spark = queries.sparklines(db, [*risers["series_id"].to_list(), *decliners["series_id"].to_list()])
    counts = queries.status_counts(db, rid)
    return (_freshness(db, run, int(counts["n"].sum())), _status_cards(counts),
            mover_rows(risers, spark), mover_rows(decliners, spark), market,
            changes_line(db, rid, int(runs["run_id"][0])))


# The layout renders the first view itself (one server round trip less on page load); this
# callback only runs when the "as of" picker changes (or back/forward changes it).
@callback(Output(ids.OV_FRESHNESS, "children"), Output(ids.OV_STATUS_CARDS, "children"),
          Output(ids.OV_RISERS, "rowData"), Output(ids.OV_DECLINERS, "rowData"),
          Output(ids.OV_MARKET, "figure"), Output(ids.OV_CHANGES, "children"),
          Input(ids.OV_RUN, "value"), prevent_initial_call=True)
def update_overview(run_value: Any
                    ) -> tuple[Any, Any, list[dict[str, Any]], list[dict[str, Any]], go.Figure, Any]:
    return overview_content(queries.current(), run_value)


wire_csv_export(ids.OV_RISERS, ids.OV_RISERS_CSV)
wire_csv_export(ids.OV_DECLINERS, ids.OV_DECLINERS_CSV)
wire_run_url(ids.OV_URL, ids.OV_RUN)
