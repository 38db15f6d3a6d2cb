"""Explorer (``/skills``): history and forecast fans of one or many skills, their outlook and
backtest, on a chosen scale, segment and run. All state lives in the query string."""
from __future__ import annotations

import dataclasses
import functools
from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
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
)
from skillpulse.dashboard.transforms import (
    STATUS_COLOURS,
    UNITS,
    log_axis,
    scale_series,
    segment_label,
    series_labels,
)
from skillpulse.dashboard.urlstate import (
    HORIZONS,
    MAX_SKILLS,
    ExplorerState,
    parse_explorer,
    skills_href,
    validate_run,
    with_segment_check,
)
from skillpulse.data.statuses import halving
from skillpulse.models.planning import HALF_LIFE_SHOWN_MONTHS, half_life_range, trend_fall_pct
from skillpulse.services.changes import readable

dash.register_page(__name__, path="/skills", name="Explorer", order=1, title="skillpulse · explorer",
                   description="History and forecast of selected skills")

SEGMENT_FIELDS = ("source", "region", "occupation")
SHIPPED_OPTIONS = 2_000  # more skills than this: the picker searches on the server as you type
SEARCH_OPTIONS = 50
NO_COMPARE = 0  # "compare with" picker value: no second run
CONTROL_IDS = (ids.EX_SKILLS, ids.EX_HORIZON, ids.EX_SCALE, ids.EX_VIEW, ids.EX_SOURCE,
               ids.EX_REGION, ids.EX_OCCUPATION, ids.EX_RUN, ids.EX_COMPARE)
GROWTH_TIP = ("Forecast at the horizon vs the level now (the model's smoothed last months, not the "
              "raw last month); the 80% interval is the forecast's own over the same level")
TABLE_COLUMNS: list[dict[str, Any]] = [
    {"field": "series", "headerName": "Series", "minWidth": 160},
    {"field": "status", "headerName": "Status", "minWidth": 110},
    {"field": "last_period", "headerName": "Last month", "minWidth": 100},
    {"field": "last_value", "headerName": "Last value", "type": "numericColumn"},
    {"field": "level", "headerName": "Level now", "type": "numericColumn",
     "headerTooltip": "The model's smoothed level at the last month: the base of growth"},
    {"field": "forecast", "headerName": "Forecast at horizon", "type": "numericColumn"},
    {"field": "growth_pct", "headerName": "Growth %", "type": "numericColumn",
     "headerTooltip": GROWTH_TIP},
    {"field": "interval_80", "headerName": "80% interval", "headerTooltip": GROWTH_TIP},
    {"field": "q_value", "headerName": "q-value", "type": "numericColumn"},
    {"field": "half_life", "headerName": "Half-life (months)"},
    {"field": "model", "headerName": "Model"},
    {"field": "mase", "headerName": "Backtest MASE", "type": "numericColumn"},
    {"field": "coverage_80", "headerName": "80% coverage", "type": "numericColumn"},
]


@dataclasses.dataclass
class Context:
    """What the database offers: skills, segment values, runs."""

    skills: pl.DataFrame
    segments: pl.DataFrame
    runs: pl.DataFrame

    def segment_values(self, field: str) -> list[str]:
        return sorted(set(self.segments[field].to_list()))

    def default_segment(self) -> dict[str, str]:
        if self.segments.height == 0:
            return {}
        top = self.segments.row(0, named=True)
        return {f: top[f] for f in SEGMENT_FIELDS}


def load_context(db: queries.Db) -> Context:
    return Context(queries.skill_options(db), queries.segments(db), queries.runs(db))


def resolve_state(db: queries.Db, state: ExplorerState, context: Context, problems: list[str]
                  ) -> ExplorerState:
    """Canonical skill names (aliases, any case), known segment values and a stored run only."""
    names: list[str] = []
    if state.skills:
        def with_data_of(names: list[str]) -> set[str]:  # a skills frame of 20,000 names: no set
            return set(context.skills.filter(pl.col("name").is_in(names))["name"].to_list())

        with_data = with_data_of(list(state.skills))
        # names as the picker gives them need no look-up; aliases and other spellings do
        others = [raw for raw in state.skills if raw not in with_data]
        found = queries.resolve_skills(db, others) if others else None
        by_key = {} if found is None else {r["key"]: r["name"] for r in found.iter_rows(named=True)}
        with_data |= with_data_of(list(by_key.values()))
        for raw in state.skills:
            name = raw if raw in with_data else by_key.get(raw.strip().lower())
            if name is None:
                problems.append(f"Unknown skill '{raw[:60]}'. Pick one from the list.")
            elif name not in with_data:
                problems.append(f"'{name}' has no demand data yet.")
            elif name not in names:
                names.append(name)
    options = {f: context.segment_values(f) for f in SEGMENT_FIELDS}
    state = with_segment_check(state, options, problems)
    stored = context.runs["run_id"].to_list()
    run = validate_run(state.run, stored, problems)
    compare = state.compare
    if compare is not None and compare not in stored:
        problems.append(f"There is no forecast run {compare} to compare with.")
        compare = None
    if compare is not None and compare == (run or (stored[0] if stored else None)):
        compare = None  # the same run twice: one fan
    return dataclasses.replace(state, skills=tuple(names), run=run, compare=compare)


def _segment_options(values: list[str]) -> list[dict[str, str]]:
    return [{"label": v if v else "(none)", "value": v} for v in values]


def _control(label: str, component: Any, width: dict[str, int]) -> dbc.Col:
    return dbc.Col(html.Div([html.Label(label, className="small text-muted mb-1",
                                        htmlFor=component.id), component]), **width)


def skill_options(skills: pl.DataFrame, chosen: list[str] | tuple[str, ...] = (),
                  search: str | None = None) -> list[dict[str, str]]:
    """The skill picker's options: every skill when there are at most ``SHIPPED_OPTIONS``;
    otherwise the chosen ones plus the first ``SEARCH_OPTIONS`` whose name or category contains
    ``search`` (any case), so a store of many thousands of skills never ships them all."""
    if skills.height > SHIPPED_OPTIONS:
        text = (search or "").strip().lower()
        hits = skills.filter(pl.col("name").str.to_lowercase().str.contains(text, literal=True)
                             | pl.col("category").str.to_lowercase().str.contains(text, literal=True)
                             ) if text else skills
        skills = pl.concat([skills.filter(pl.col("name").is_in(list(chosen))),
                            hits.head(SEARCH_OPTIONS)]).unique("name", keep="first", maintain_order=True)
    return [{"label": r["name"], "value": r["name"], "search": f"{r['name']} {r['category']}"}
            for r in skills.iter_rows(named=True)]


def controls(state: ExplorerState, context: Context) -> html.Div:
    skill_opts = skill_options(context.skills, state.skills)
    seg = {**context.default_segment(), **{f: getattr(state, f) for f in SEGMENT_FIELDS
                                           if getattr(state, f) is not None}}
    return html.Div([
        dbc.Row([
            _control(f"Skills (type to search; compare up to {MAX_SKILLS})",
                     dcc.Dropdown(id=ids.EX_SKILLS, options=skill_opts, value=list(state.skills),
                                  multi=True, searchable=True, placeholder="e.g. Python, Kubernetes…"),
                     {"lg": 5}),
            _control("Scale", dbc.RadioItems(
                id=ids.EX_SCALE, value=state.scale, inline=True,
                options=[{"label": "Share", "value": "share"}, {"label": "Count", "value": "count"},
                         {"label": "Index", "value": "index"}]), {"lg": 3, "md": 6}),
            _control("View", dbc.RadioItems(
                id=ids.EX_VIEW, value=state.view, inline=True,
                options=[{"label": "Skill", "value": "absolute"},
                         {"label": "vs market", "value": "relative"}]), {"lg": 2, "md": 6}),
            _control("Horizon (months)", dcc.Dropdown(
                id=ids.EX_HORIZON, value=state.horizon, clearable=False,
                options=[{"label": str(h), "value": h} for h in HORIZONS]), {"lg": 2, "md": 4}),
        ], className="g-3 mb-2"),
        dbc.Row([
            _control("Source", dcc.Dropdown(id=ids.EX_SOURCE, value=seg.get("source"),
                                            options=_segment_options(context.segment_values("source")),
                                            clearable=False), {"sm": 6, "lg": True}),
            _control("Region", dcc.Dropdown(id=ids.EX_REGION, value=seg.get("region"),
                                            options=_segment_options(context.segment_values("region")),
                                            clearable=False), {"sm": 6, "lg": True}),
            _control("Occupation", dcc.Dropdown(
                id=ids.EX_OCCUPATION, value=seg.get("occupation"), clearable=False,
                options=_segment_options(context.segment_values("occupation"))), {"sm": 6, "lg": True}),
            _control("As of (forecast run)", dcc.Dropdown(
                id=ids.EX_RUN, value=state.run or NEWEST, clearable=False,
                options=run_options(context.runs)), {"sm": 6, "lg": True}),
            _control("Compare with run", dcc.Dropdown(
                id=ids.EX_COMPARE, value=state.compare or NO_COMPARE, clearable=False,
                options=[{"label": "None", "value": NO_COMPARE}, *run_options(context.runs)[1:]]),
                {"sm": 6, "lg": True}),
        ], className="g-3"),
    ])


def layout(**query: Any) -> html.Div:
    db = queries.current()
    context = load_context(db)
    state, problems = parse_explorer(query)
    state = resolve_state(db, state, context, problems)
    fig, cards, rows, _, notes = explorer_view(db, context, state, [])
    return html.Div([
        dcc.Location(id=ids.EX_URL, refresh=False),
        page_header("Skill explorer", "History, forecast with 80% and 95% intervals, and how "
                    "well the model did in backtests. Every choice is kept in the link."),
        alert(problems, id_=ids.EX_ALERT),
        html.Div(id=ids.EX_CALLBACK_ALERT),
        panel(controls(state, context)),
        panel(graph(ids.EX_FIGURE, fig, filename="skillpulse-explorer", min_height=460),
              html.Div(notes, id=ids.EX_NOTES, className="small text-muted")),
        dcc.Loading(dbc.Row(cards, id=ids.EX_BADGES, className="g-3 mb-3"), type="default"),
        panel(grid(ids.EX_TABLE, ids.EX_TABLE_CSV, TABLE_COLUMNS, rows, auto_height=True,
                   filename="skillpulse-selection.csv", title="Outlook of the selected series")),
    ])


def _state_from_controls(values: tuple[Any, ...]) -> tuple[ExplorerState, list[str]]:
    skills, horizon, scale, view, source, region, occupation, run, compare = values
    return parse_explorer({"skill": skills, "horizon": horizon, "scale": scale, "view": view,
                           "source": source, "region": region, "occupation": occupation,
                           "run": None if run in (None, NEWEST) else run,
                           "compare": None if compare in (None, NO_COMPARE) else compare})


# Controls ⇄ query string: in the browser (assets/skillpulse.js), so loading a page costs no extra
# server round trip; the canonical form matches ``urlstate.explorer_search``.
clientside_callback(
    ClientsideFunction("skillpulse", "explorerSync"),
    Output(ids.EX_URL, "search"), *[Output(c, "value") for c in CONTROL_IDS],
    Input(ids.EX_URL, "search"), *[Input(c, "value") for c in CONTROL_IDS],
    State(ids.EX_SKILLS, "options"), State(ids.EX_RUN, "options"),
    prevent_initial_call=True)


def _market_for(market: pl.DataFrame, state: ExplorerState) -> pl.DataFrame | None:
    if market.height == 0:
        return None
    pick = market
    for f in ("source", "region", "occupation"):
        value = getattr(state, f)
        if value is not None and pick.filter(pl.col(f) == value).height:
            pick = pick.filter(pl.col(f) == value)
    sid = pick["series_id"].min()
    return pick.filter(pl.col("series_id") == sid).select("period", "value", "kind")




def growth_base(o: dict[str, Any]) -> str:
    """What growth (and its interval) is measured from: the model's level now, not the raw month."""
    level, last = o.get("level"), o.get("last_value")
    if level is None or o.get("forecast") is None:
        return ""
    unit = UNITS.get(str(o.get("measure")), "")
    text = f"Base: level now {readable(level)}{unit}"
    if last is not None and abs(last - level) > 0.005 * max(abs(level), 1e-12):
        text += f" (smoothed; last month {readable(last)})"
    return text + (f" → {readable(o['forecast'])} forecast; the interval is the 80% range of the "
                   "expected level the status was judged on.")


# A backtest badge is green only when the series' own backtest is good: it beats the seasonal
# naive forecast (MASE < 1) and its 80% intervals held within this many points of 80%.
BADGE_COVERAGE_POINTS = 0.10


def backtest_good(mase: float | None, coverage_80: float | None) -> bool:
    """MASE below 1 and 80% coverage within ``BADGE_COVERAGE_POINTS`` of 80%."""
    return (mase is not None and mase < 1 and coverage_80 is not None
            and abs(coverage_80 - 0.80) <= BADGE_COVERAGE_POINTS + 1e-9)


def counted(o: dict[str, Any]) -> str:
    """What the verdict stands on: mentions and the basis (empty without counts)."""
    m12 = o.get("mentions_12m")
    basis = o.get("growth_basis")
    on = {"share": "its share of postings", "count": "postings", "index": "the index"}.get(
        str(basis), "")
    text = (f"{m12:,.0f} postings mentioned it in the last 12 months ({m12 / 12:,.1f} a month)"
            if m12 is not None else "")
    if on:
        text += ("; " if text else "") + f"growth and the status are judged on {on}"
    return text + "." if text else ""


def skill_card(label: str, o: dict[str, Any] | None, horizon: int) -> dbc.Col:
    """Status, growth with its interval, backtest badge, half-life and changepoint of one series."""
    if o is None:
        body = [html.Div(label, className="card-title"),
                html.P("No forecast for this series in this run.", className="mb-0 text-muted")]
        return dbc.Col(dbc.Card(dbc.CardBody(body), className="skill-card h-100"), md=6, xl=4)
    status = o["status"]
    lines: list[Any] = [html.Div([html.Span(label, className="card-title me-2"), status_badge(status)],
                                 className="mb-2")]
    if o["growth_pct"] is not None:
        lo, hi = o["growth_lower_80"], o["growth_upper_80"]
        interval = "" if lo is None or hi is None else f" (80%: {lo:+.0f}% to {hi:+.0f}%)"
        lines.append(html.Div([html.Strong(f"{o['growth_pct']:+.0f}%"),
                               f" in {o['horizon']} months{interval}"]))
        lines.append(html.Div(growth_base(o), className="small text-muted growth-base"))
    if counted(o):
        lines.append(html.Div(counted(o), className="small text-muted counted"))
    if o["backtest_mase"] is not None:
        cov = o["coverage_80"]
        good = backtest_good(o["backtest_mase"], cov)
        lines.append(dbc.Badge(
            f"Backtest MASE {o['backtest_mase']:.2f}"
            + ("" if cov is None else f" · 80% coverage {100 * cov:.0f}%"),
            color="success" if good else "secondary", className="me-1 mt-1 backtest-badge",
            title="Green when MASE < 1 (beats the seasonal naive forecast) and the 80% interval "
                  "held 70–90% of the time in the backtest (honest intervals)"))
    if o["half_life_months"] is not None:
        lo, hi = o["half_life_lower"], o["half_life_upper"]
        rng = half_life_range(lo, hi)
        rng = f" (80%: {rng})" if rng else ""
        months = o["half_life_months"]
        text = (f"Half-life: {halving(months)}{rng}."
                if months <= HALF_LIFE_SHOWN_MONTHS else
                f"Half-life: a slow decay (demand would take over {HALF_LIFE_SHOWN_MONTHS // 12} "
                "years to halve).")
        trend_fall = trend_fall_pct(months, o["growth_pct"], o.get("horizon"))
        if trend_fall is not None and months <= HALF_LIFE_SHOWN_MONTHS:
            text += (f" The forecast expects the fall to slow: {o['growth_pct']:+.0f}% in "
                     f"{o['horizon']} months, against {trend_fall:+.0f}% if the trend held.")
        lines.append(html.Div(text, className="mt-1"))
    if o["changepoint"] is not None:
        lines.append(html.Div(f"Changepoint: {o['changepoint']:%b %Y} (◆ on the chart).",
                              className="small text-muted"))
    if o["model"]:
        lines.append(html.Div(f"Model: {o['model']}", className="small text-muted"))
    if o["note"]:
        lines.append(html.Div(str(o["note"])[:300], className="small text-muted"))
    return dbc.Col(dbc.Card(dbc.CardBody(lines), className="skill-card h-100",
                            style={"borderLeftColor": STATUS_COLOURS.get(status, "#999")}),
                   md=6, xl=4)


def table_rows(labels: dict[int, str], outlook: pl.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for o in outlook.iter_rows(named=True):
        lo, hi = o["growth_lower_80"], o["growth_upper_80"]
        hl = o["half_life_months"]
        rows.append({
            "series": labels.get(o["series_id"], str(o["series_id"])), "status": o["status"],
            "last_period": f"{o['last_period']:%Y-%m}" if o["last_period"] else "",
            "last_value": None if o["last_value"] is None else round(o["last_value"], 3),
            "level": None if o["level"] is None else round(o["level"], 3),
            "forecast": None if o["forecast"] is None else round(o["forecast"], 3),
            "growth_pct": None if o["growth_pct"] is None else round(o["growth_pct"], 1),
            "interval_80": "–" if lo is None or hi is None else f"{lo:+.0f}% to {hi:+.0f}%",
            "q_value": None if o["q_value"] is None else float(f"{o['q_value']:.3g}"),
            "half_life": "" if hl is None else f"{hl:.0f}",
            "model": o["model"] or "",
            "mase": None if o["backtest_mase"] is None else round(o["backtest_mase"], 2),
            "coverage_80": None if o["coverage_80"] is None else round(100 * o["coverage_80"]),
        })
    return sorted(rows, key=lambda r: r["series"])


def _prompt(db: queries.Db, context: Context) -> Any:
    runs = context.runs
    picks: list[str] = []
    if runs.height:
        picks = queries.movers(db, int(runs["run_id"][0]), 1, n=3)["skill"].to_list()
    if not picks:
        picks = context.skills["name"].head(3).to_list()
    if not picks:
        return dbc.Col(dbc.Alert("No skill has demand data yet: load some with 'skillpulse ingest' "
                                 "or build the demo with 'skillpulse demo'.", color="info"))
    links = [dcc.Link(p, href=skills_href([p]), className="me-3") for p in picks]
    both = dcc.Link("compare them", href=skills_href(picks)) if len(picks) > 1 else ""
    return dbc.Col(dbc.Alert(["Pick one or more skills above. Top risers: ", *links,
                              html.Span(["— or ", both]) if both else ""], color="info"))


@callback(Output(ids.EX_SKILLS, "options"), Input(ids.EX_SKILLS, "search_value"),
          State(ids.EX_SKILLS, "value"), prevent_initial_call=True)
def search_skills(search: Any, chosen: Any) -> list[dict[str, str]]:
    """Options matching what is typed, for stores with more skills than the page ships."""
    skills = queries.skill_options(queries.current())
    if not search or not isinstance(search, str) or skills.height <= SHIPPED_OPTIONS:
        raise dash.exceptions.PreventUpdate
    picked = [c for c in chosen if isinstance(c, str)][:MAX_SKILLS] if isinstance(chosen, list) else []
    return skill_options(skills, picked, search[:100])


# The layout renders the first view itself (one server round trip less on page load); this
# callback runs when a control changes (by the user, or by back/forward).
@callback(Output(ids.EX_FIGURE, "figure"), Output(ids.EX_BADGES, "children"),
          Output(ids.EX_TABLE, "rowData"), Output(ids.EX_CALLBACK_ALERT, "children"),
          Output(ids.EX_NOTES, "children"),
          *[Input(c, "value") for c in CONTROL_IDS], prevent_initial_call=True)
def update_explorer(*values: Any) -> tuple[go.Figure, Any, list[dict[str, Any]], Any, Any]:
    """Read the controls, validate them like a URL, and build the view."""
    state, problems = _state_from_controls(values)
    db = queries.current()
    context = load_context(db)
    state = resolve_state(db, state, context, problems)
    return explorer_view(db, context, state, problems)


def explorer_view(db: queries.Db, context: Context, state: ExplorerState, problems: list[str]
                  ) -> tuple[go.Figure, Any, list[dict[str, Any]], Any, Any]:
    """Query, transform and build the figure, cards, table, alert and notes for a resolved state."""
    problem_alert: Any = alert(problems) if problems else []
    if not state.skills:
        return (figures.empty_figure("Pick one or more skills to see their demand"), [_prompt(db, context)],
                [], problem_alert, "")
    ids_ = context.skills.filter(pl.col("name").is_in(list(state.skills)))["skill_id"].to_list()
    seg = {**context.default_segment(),
           **{f: getattr(state, f) for f in SEGMENT_FIELDS if getattr(state, f) is not None}}
    hist = queries.history(db, ids_, seg.get("source"), seg.get("region"), seg.get("occupation"))
    if hist.height == 0:
        return (figures.empty_figure("No data for these skills in this segment"), [], [],
                alert([*problems, "No series for this selection: try another source, region or "
                       "occupation."]), "")
    order = {n: i for i, n in enumerate(state.skills)}
    series = hist.select("skill", "series_id", "source", "region", "occupation", "measure").unique()
    series = series.sort(pl.col("skill").replace_strict(order, default=99), "series_id")
    labels = series_labels(series)
    sids = series["series_id"].to_list()
    runs = context.runs
    run = runs.filter(pl.col("run_id") == state.run) if state.run else runs.head(1)
    notes: list[str] = []
    if run.height:
        rid = int(run["run_id"][0])
        as_of = run["as_of"][0]
        measures = dict(zip(sids, series["measure"].to_list(), strict=True))
        fc, outlook = db.together(functools.partial(queries.forecast, db, rid, sids),
                                  functools.partial(queries.outlook_detail, db, rid, measures))
        fc = (fc.with_columns(pl.col("period").rank("ordinal").over("series_id").alias("_h"))
              .filter(pl.col("_h") <= state.horizon).drop("_h"))
        if state.horizon > int(run["horizon"][0]):
            notes.append(f"This run forecast {run['horizon'][0]} months ahead; that is all there is.")
    else:
        rid, as_of = None, None
        fc = pl.DataFrame(schema={"series_id": pl.Int32, "period": pl.Date, "mean": pl.Float64,
                                  "lower_80": pl.Float64, "upper_80": pl.Float64,
                                  "lower_95": pl.Float64, "upper_95": pl.Float64})
        outlook = pl.DataFrame()
        notes.append("No forecast yet: history only. Run 'skillpulse forecast' to add forecasts.")
    market = _market_for(queries.market_history(db, rid), state)
    rank = {s: i for i, s in enumerate(sids)}
    hist = hist.sort(pl.col("series_id").replace_strict(rank, default=len(rank)), "period")
    scaled = scale_series(hist, fc, labels, scale=state.scale, view=state.view, market=market)
    notes.extend(dict.fromkeys(scaled.notes))
    actuals = None
    if state.run and as_of is not None:  # an earlier run: what it knew, and what happened since
        actuals = scaled.history.filter(pl.col("period") > as_of)
        scaled.history = scaled.history.filter(pl.col("period") <= as_of)
        if actuals.height:
            notes.append(f"Run {state.run} knew the data up to {as_of:%b %Y}; the dotted lines show "
                         "what happened since.")
    by_sid = {r["series_id"]: r for r in outlook.iter_rows(named=True)} if outlook.height else {}
    cps = {labels[s]: by_sid[s]["changepoint"] for s in sids if s in by_sid and by_sid[s]["changepoint"]}
    earlier, earlier_name = None, ""
    if state.compare is not None:
        other = runs.filter(pl.col("run_id") == state.compare)
        earlier_name = f"run {state.compare} (as of {other['as_of'][0]:%b %Y})"
        earlier = scale_series(hist, queries.forecast(db, state.compare, sids), labels,
                               scale=state.scale, view=state.view, market=market).forecast
        notes.append(f"Thin dotted lines: the forecast of {earlier_name} with its 95% interval, "
                     "to compare the two runs.")
    log_note = log_axis(scaled.history, scale=state.scale, view=state.view)
    if log_note:
        notes.append(log_note)
    fig = figures.fan_chart(scaled.history, scaled.forecast, y_title=scaled.y_title,
                            changepoints=cps, as_of=as_of, actuals=actuals, earlier=earlier,
                            earlier_name=earlier_name, log_y=log_note is not None)
    cards = [skill_card(labels[s], by_sid.get(s), state.horizon) for s in sids]
    segment = segment_label(seg.get("source") or "", seg.get("region") or "", seg.get("occupation") or "")
    note_el = html.Div([html.Div(f"Segment: {segment or 'all'}"), *[html.Div(n) for n in notes]])
    return fig, cards, table_rows(labels, outlook) if outlook.height else [], problem_alert, note_el


wire_csv_export(ids.EX_TABLE, ids.EX_TABLE_CSV)
