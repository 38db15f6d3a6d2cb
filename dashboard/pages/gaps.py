"""Skill-gap planning (``/gaps?person=…&kind=…``): what each person should acquire, deepen, retire.

Drop a skill inventory (person, skill, optional proficiency 1–5, team) on the page: validated like
``skillpulse gaps``, size-checked on the server, kept only in this browser tab (a memory
``dcc.Store``; never written to the database). With no upload the demo's sample inventory next to
the database is shown. The URL carries the ``kind`` filter always and the ``person`` only for the
demo sample (a person's name from an upload is uploaded data and never goes into a link).
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
import plotly.io as pio
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from skillpulse.dashboard import figures, ids, queries
from skillpulse.dashboard.components import (
    graph,
    grid,
    handle_upload,
    panel,
    upload_args,
    upload_ok_id,
    upload_page_top,
    wire_csv_export,
    wire_upload_guard,
)
from skillpulse.dashboard.urlstate import clean_text, parse_choice, query_args, report_unknown
from skillpulse.data.settings import get_settings
from skillpulse.models.planning import KINDS
from skillpulse.services import planning

dash.register_page(__name__, path="/gaps", name="Gaps", order=6, title="skillpulse · skill gaps",
                   description="Who should acquire, deepen or retire which skills")

ALL = "all"
KIND_CHOICES = (ALL, *KINDS)

ROW_COLUMNS: list[dict[str, Any]] = [
    {"field": "person", "headerName": "Person", "minWidth": 110, "maxWidth": 160},
    {"field": "skill", "headerName": "Skill", "minWidth": 130, "maxWidth": 220},
    {"field": "kind", "headerName": "Kind", "minWidth": 90, "maxWidth": 110},
    {"field": "priority", "headerName": "Priority", "type": "numericColumn", "minWidth": 90,
     "maxWidth": 110, "headerTooltip": "Expected demand change × confidence × weight"},
    {"field": "reason", "headerName": "Why", "minWidth": 380, "wrapText": True, "autoHeight": True,
     "cellStyle": {"lineHeight": "1.35", "whiteSpace": "normal"}},
    {"field": "team", "headerName": "Team", "minWidth": 100},
]
PEOPLE_COLUMNS: list[dict[str, Any]] = [
    {"field": c, "headerName": h, **({"type": "numericColumn"} if n else {})}
    for c, h, n in (("person", "Person", False), ("team", "Team", False), ("skills", "Skills", True),
                    ("categories", "Categories", True), ("mean_proficiency", "Mean prof.", True),
                    ("deep", "Deep (4–5)", True), ("shallow", "Shallow (1–2)", True),
                    ("breadth_depth", "Breadth − depth", True), ("profile", "Profile", False))
]
TEAM_COLUMNS: list[dict[str, Any]] = [
    {"field": c, "headerName": h, **({"type": "numericColumn"} if n else {})}
    for c, h, n in (("team", "Team", False), ("skill", "Skill", False), ("status", "Status", False),
                    ("holders", "Holders", True), ("mean_proficiency", "Mean prof.", True),
                    ("acquire", "Acquire", True), ("deepen", "Deepen", True),
                    ("retire", "Retire", True))
]


def layout(person: Any = None, kind: Any = None, **extra: Any) -> html.Div:
    problems: list[str] = []
    report_unknown(extra, problems)
    chosen_kind = parse_choice(kind, "kind", KIND_CHOICES, problems) or ALL
    chosen_person = clean_text(person, "person", problems) or None
    demo = demo_payload()  # planned once per published version; callbacks only filter it
    names = sorted({str(p.get("person")) for p in demo.get("people", [])})
    return html.Div([
        *upload_page_top(
            url=ids.GP_URL, store=ids.GP_STORE, upload=ids.GP_UPLOAD, alert_id=ids.GP_ALERT,
            title="Skill-gap planning",
            subtitle="Who should acquire which rising skills, deepen shallow ones, and move away "
                     "from declining ones — with a development plan per person.",
            what="your team's skill inventory",
            columns="person (or role/team), skill, optional proficiency (1–5) and team",
            max_bytes=get_settings().max_upload_bytes, problems=problems, demo=demo),
        html.Div(id=ids.GP_SOURCE, className="text-muted small mb-2"),
        dbc.Row([
            # the linked person is an option from the start, so the dropdown keeps the value
            dbc.Col(dcc.Dropdown(id=ids.GP_PERSON, value=chosen_person, placeholder="All people",
                                 clearable=True,
                                 options=names or ([chosen_person] if chosen_person else [])),
                    md=4),
            dbc.Col(dbc.RadioItems(id=ids.GP_KIND, value=chosen_kind, inline=True,
                                   options=[{"label": k, "value": k} for k in KIND_CHOICES]), md=8),
        ], className="align-items-center mb-2"),
        panel(dcc.Loading(html.Div(id=ids.GP_PLAN), type="default"), title="Development plan",
              help_text="The next microcompetencies to work on, highest priority first."),
        panel(grid(ids.GP_TABLE, ids.GP_TABLE_CSV, ROW_COLUMNS, height=460, filename="skillpulse-gaps.csv",
                   title="Recommendations"),
              help_text="acquire: rising skills in the categories the person works in · deepen: "
                        "rising skills held at proficiency ≤ 2 · retire: declining skills relied on, unless "
                        "still among the largest at the horizon."),
        dbc.Row([
            dbc.Col(panel(graph(ids.GP_FIGURE, filename="skillpulse-breadth-depth", min_height=300),
                          title="Breadth vs depth",
                          help_text="Categories covered against mean proficiency per person."), lg=5),
            dbc.Col(panel(grid(ids.GP_PEOPLE, ids.GP_PEOPLE_CSV, PEOPLE_COLUMNS, height=330,
                               filename="skillpulse-people.csv", title="People")), lg=7),
        ]),
        panel(grid(ids.GP_TEAM, ids.GP_TEAM_CSV, TEAM_COLUMNS, height=380, filename="skillpulse-team.csv",
                   title="Team view"),
              help_text="Per team and skill: who holds it and how many plans say acquire, deepen "
                        "or retire."),
    ])


for _grid, _button in ((ids.GP_TABLE, ids.GP_TABLE_CSV), (ids.GP_PEOPLE, ids.GP_PEOPLE_CSV),
                       (ids.GP_TEAM, ids.GP_TEAM_CSV)):
    wire_csv_export(_grid, _button)
wire_upload_guard(ids.GP_UPLOAD)


def plan_upload(contents: str | None, filename: str | None) -> tuple[Any, Any]:
    """Upload → (store payload or no_update, alert). Errors name file, row and column."""
    return handle_upload(
        contents, filename, get_settings().max_upload_bytes,
        lambda data, name: planning.plan(queries.current().connection(), data, name),
        lambda result, name: _payload(result, name, uploaded=True))


def _payload(result: Any, name: str, *, uploaded: bool) -> dict[str, Any]:
    plan = result.plan
    source = (f"Showing your upload {name} (kept in this tab only)." if uploaded else
              f"Showing the demo sample inventory {name}. Drop your own file to plan for your team.")
    return {"filename": name, "uploaded": uploaded, "source": source,
            "rows": plan.rows.to_dicts(), "people": plan.people.to_dicts(),
            "team": plan.team.to_dicts(), "plan": plan.plan.to_dicts()}


def demo_payload() -> dict[str, Any]:
    """The demo sample inventory's plan (or a message saying why there is none)."""
    db = queries.current()
    sample = db.cached("sample_inventory", lambda con: planning.sample_inventory(con, db.path))
    if sample.error is not None:
        return {"source": f"The sample inventory {sample.name} could not be used: {sample.error}"}
    if not isinstance(sample.result, planning.GapsResult):
        return {"source": "No inventory yet: drop a file above (or build the demo with "
                          "'skillpulse demo')."}
    return _payload(sample.result, sample.name, uploaded=False)


def _records(store: dict[str, Any], key: str) -> list[dict[str, Any]]:
    raw = store.get(key)
    return [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []


def breadth_figure(people: list[dict[str, Any]], person: str | None) -> dict[str, Any]:
    """Scatter of categories covered (breadth) against mean proficiency (depth), one dot a person.

    A plain figure dict: building a ``go.Figure`` costs ~40 ms per call, this well under 1 ms.
    """
    pts = [p for p in people if isinstance(p.get("mean_proficiency"), int | float)
           and isinstance(p.get("categories"), int)]
    trace = {
        "type": "scatter", "mode": "markers", "hoverinfo": "text",
        "x": [p["categories"] for p in pts], "y": [p["mean_proficiency"] for p in pts],
        "text": [f"{p.get('person')} · {p.get('profile')}" for p in pts],
        "marker": {"size": [14 if p.get("person") == person else 9 for p in pts],
                   "color": ["#d55e00" if p.get("person") == person else "#0072b2" for p in pts],
                   "line": {"width": 1, "color": "white"}},
    }
    return {"data": figures.safe_traces([trace]), "layout": {
        "margin": {"l": 50, "r": 10, "t": 10, "b": 45}, "template": pio.templates["plotly_white"],
        "xaxis": {"title": {"text": "Categories covered (breadth)"}},
        "yaxis": {"title": {"text": "Mean proficiency (depth)"}, "range": [0.5, 5.5]},
        "height": 300}}


def _plan_view(plan: list[dict[str, Any]], person: str | None) -> Any:
    if not plan:
        return html.P("No development steps: nothing rising is adjacent to this inventory.",
                      className="text-muted")
    people = [person] if person else sorted({str(p.get("person")) for p in plan})[:6]
    cards = []
    for who in people:
        steps = [p for p in plan if p.get("person") == who]
        items = [html.Li([html.Strong(f"{s.get('skill')}"), f" ({s.get('kind')}) — {s.get('why')}"])
                 for s in steps] or [html.Li("Nothing to add right now.")]
        cards.append(dbc.Col(dbc.Card(dbc.CardBody([html.H3(who, className="h6 fw-bold"),
                                                    html.Ol(items, className="small mb-0")])),
                             lg=12 if person else 6, className="mb-2"))
    more = [] if person or len({str(p.get("person")) for p in plan}) <= 6 else [
        html.P("Choose a person above to see one plan; the first six are shown.",
               className="text-muted small")]
    return html.Div([dbc.Row(cards), *more])


def render(store: dict[str, Any] | None, person: str | None, kind: str | None) -> tuple[Any, ...]:
    """Everything on the page from the session store (demo payload or an upload) and the filters.

    Any JSON can be posted to a callback, so the store's shape is checked rather than trusted.
    """
    problems: list[str] = []
    chosen_kind = parse_choice(kind, "kind", KIND_CHOICES, problems) or ALL
    store = store if isinstance(store, dict) else {}
    source = str(store.get("source") or "")[:300]
    people = _records(store, "people")
    names = sorted({str(p.get("person")) for p in people})
    who = person if person in names else None
    rows = [r for r in _records(store, "rows") if (who is None or r.get("person") == who)
            and (chosen_kind == ALL or r.get("kind") == chosen_kind)]
    team = _records(store, "team")
    if who is not None:
        team_name = next((p.get("team") for p in people if p.get("person") == who), None)
        team = [t for t in team if t.get("team") == (team_name or "All")]
    options = [{"label": n, "value": n} for n in names]
    return (rows, people, team, breadth_figure(people, who),
            _plan_view(_records(store, "plan"), who), source, options)


@callback(Output(ids.GP_STORE, "data"), Output(ids.GP_ALERT, "children"),
          Input(upload_ok_id(ids.GP_UPLOAD), "data"), prevent_initial_call=True)
def _on_upload(ok: Any) -> tuple[Any, Any]:
    return plan_upload(*upload_args(ok))


@callback(Output(ids.GP_TABLE, "rowData"), Output(ids.GP_PEOPLE, "rowData"), Output(ids.GP_TEAM, "rowData"),
          Output(ids.GP_FIGURE, "figure"), Output(ids.GP_PLAN, "children"), Output(ids.GP_SOURCE, "children"),
          Output(ids.GP_PERSON, "options"),
          Input(ids.GP_STORE, "data"), Input(ids.GP_PERSON, "value"), Input(ids.GP_KIND, "value"))
def _render(store: dict[str, Any] | None, person: str | None, kind: str | None) -> tuple[Any, ...]:
    return render(store, person, kind)


def state_search(person: str | None, kind: str | None, uploaded: bool) -> str:
    """The query string for the filters; a person from an upload never goes into a link."""
    args: dict[str, str] = {}
    if person and not uploaded:
        args["person"] = person
    if kind and kind != ALL:
        args["kind"] = kind
    return f"?{urlencode(args)}" if args else ""


@callback(Output(ids.GP_URL, "search"), Output(ids.GP_PERSON, "value"), Output(ids.GP_KIND, "value"),
          Input(ids.GP_URL, "search"), Input(ids.GP_PERSON, "value"), Input(ids.GP_KIND, "value"),
          State(ids.GP_STORE, "data"),
          prevent_initial_call=True)
def _sync_url(search: str | None, person: str | None, kind: str | None,
              store: dict[str, Any] | None) -> tuple[Any, Any, Any]:
    """Filters ⇄ query string (back/forward included)."""
    problems: list[str] = []
    uploaded = bool(store and store.get("uploaded"))
    if ctx.triggered_id == ids.GP_URL:
        args = query_args(search)
        k = parse_choice(args.get("kind"), "kind", KIND_CHOICES, problems) or ALL
        p = None if uploaded else (clean_text(args.get("person"), "person", problems) or None)
        return (no_update, p if (p != person and not uploaded) else no_update,
                k if k != kind else no_update)
    k = parse_choice(kind, "kind", KIND_CHOICES, problems) or ALL
    return state_search(person, k, uploaded), no_update, no_update
