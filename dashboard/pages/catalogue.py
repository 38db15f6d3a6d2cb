"""L&D catalogue triage (``/catalogue?action=retire``): which courses to retire, refresh, keep, build.

Drop a catalogue CSV/Parquet on the page: it is validated like ``skillpulse catalogue`` (errors name
file, row and column), size-checked on the server, triaged against the newest forecast run and kept
only in this browser tab (a memory ``dcc.Store``; never written to the database). With no upload
the demo's sample catalogue next to the database is shown. Only the action filter goes in the URL
(it holds no uploaded data), so a shared link reproduces the view on the same database.
"""
from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, callback, ctx, dcc, html, no_update
from skillpulse.dashboard import ids, queries
from skillpulse.dashboard.components import (
    grid,
    handle_upload,
    panel,
    upload_args,
    upload_ok_id,
    upload_page_top,
    wire_csv_export,
    wire_upload_guard,
)
from skillpulse.dashboard.urlstate import parse_choice, query_args, report_unknown
from skillpulse.data.settings import get_settings
from skillpulse.models.planning import ACTIONS
from skillpulse.services import planning

dash.register_page(__name__, path="/catalogue", name="Catalogue", order=5,
                   title="skillpulse · catalogue triage",
                   description="Which courses to retire, refresh, keep or build")

ALL = "all"
ACTION_CHOICES = (ALL, *ACTIONS)

COLUMNS: list[dict[str, Any]] = [
    {"field": "action", "headerName": "Action", "minWidth": 95, "maxWidth": 120},
    {"field": "score", "headerName": "Score", "type": "numericColumn", "minWidth": 85, "maxWidth": 110,
     "headerTooltip": "Expected demand change behind the action × confidence (higher = act first)"},
    {"field": "course_id", "headerName": "Course", "minWidth": 85, "maxWidth": 110},
    {"field": "title", "headerName": "Title", "minWidth": 160},
    {"field": "reason", "headerName": "Why", "minWidth": 380, "wrapText": True, "autoHeight": True,
     "cellStyle": {"lineHeight": "1.35", "whiteSpace": "normal"}},
    {"field": "skills", "headerName": "Skills listed", "minWidth": 150},
]
ACTION_HELP = {
    "retire": "most skills taught are declining or obsolescent (not still among the largest)",
    "refresh": "some skills are declining, or a rising skill of the same category is missing",
    "keep": "the skills taught hold or grow",
    "build": "a rising or emerging skill no course teaches",
}


def layout(action: Any = None, **extra: Any) -> html.Div:
    problems: list[str] = []
    report_unknown(extra, problems)
    chosen = parse_choice(action, "action", ACTION_CHOICES, problems) or ALL
    demo = demo_payload()  # triaged once per published version; callbacks only filter it
    return html.Div([
        *upload_page_top(
            url=ids.CG_URL, store=ids.CG_STORE, upload=ids.CG_UPLOAD, alert_id=ids.CG_ALERT,
            title="Course catalogue triage",
            subtitle="Which courses to retire, refresh or keep, and which rising skills no course "
                     "teaches yet — from the newest forecast run.",
            what="your catalogue", columns="course_id, title, skills ('|'-separated), optional "
                                          "hours, provider, last_updated",
            max_bytes=get_settings().max_upload_bytes, problems=problems, demo=demo),
        dbc.Row([
            dbc.Col(html.Div(id=ids.CG_SOURCE, className="text-muted small"), md=7),
            dbc.Col(dbc.RadioItems(id=ids.CG_ACTION, value=chosen, inline=True,
                                   options=[{"label": a, "value": a} for a in ACTION_CHOICES]),
                    md=5, className="text-md-end"),
        ], className="align-items-center mb-2"),
        dcc.Loading(dbc.Row(id=ids.CG_CARDS, className="g-2 mb-3"), type="default"),
        panel(grid(ids.CG_TABLE, ids.CG_TABLE_CSV, COLUMNS, height=560, filename="skillpulse-catalogue.csv",
                   title="Triage, highest score first"),
              help_text="Score = expected change in demand behind the action (log scale) × "
                        "confidence (narrow 80% interval, good backtest). Hover a column header "
                        "for details."),
    ])


wire_csv_export(ids.CG_TABLE, ids.CG_TABLE_CSV)
wire_upload_guard(ids.CG_UPLOAD)


def _error_box(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", className="upload-error")


def triage_upload(contents: str | None, filename: str | None) -> tuple[Any, Any]:
    """Upload → (store payload or no_update, alert). Errors name file, row and column."""
    return handle_upload(
        contents, filename, get_settings().max_upload_bytes,
        lambda data, name: planning.triage(queries.current().connection(), data, name),
        lambda result, name: {"filename": name, "rows": result.table.to_dicts(), "uploaded": True,
                              "source": f"Showing your upload {name} (kept in this tab only)."})


def demo_payload() -> dict[str, Any]:
    """The demo sample catalogue's triage (or a message saying why there is none)."""
    db = queries.current()
    sample = db.cached("sample_catalogue", lambda con: planning.sample_catalogue(con, db.path))
    if sample.error is not None:
        return {"rows": [], "source": f"The sample catalogue {sample.name} could not be used.",
                "error": sample.error}
    if not isinstance(sample.result, planning.CatalogueResult):
        return {"rows": [], "source": "No catalogue yet: drop a file above (or build the demo with "
                                      "'skillpulse demo')."}
    return {"rows": sample.result.table.to_dicts(), "filename": sample.name,
            "source": f"Showing the demo sample catalogue {sample.name}. Drop your own file to "
                      "triage it."}


def render(store: dict[str, Any] | None, action: str | None) -> tuple[list[dict], list, str, Any]:
    """Rows for the grid (filtered by action), summary cards, source line, and a demo-file error.

    ``store`` holds either the demo payload (from the layout) or an upload's triage; any JSON can
    be posted to a callback, so its shape is checked rather than trusted.
    """
    problems: list[str] = []
    chosen = parse_choice(action, "action", ACTION_CHOICES, problems) or ALL
    store = store if isinstance(store, dict) else {}
    raw = store.get("rows")
    rows = [r for r in raw if isinstance(r, dict)] if isinstance(raw, list) else []
    source = str(store.get("source") or "")[:300]
    error = store.get("error")
    counts: dict[str, int] = {}
    for r in rows:
        counts[str(r.get("action"))] = counts.get(str(r.get("action")), 0) + 1
    cards = [dbc.Col(dbc.Card(dbc.CardBody([
        html.Div(a, className="kpi-title"), html.Div(f"{counts.get(a, 0)}", className="kpi-value"),
        html.Div(ACTION_HELP[a], className="kpi-note")]), className="kpi-card h-100"), md=3)
        for a in ACTIONS]
    shown = rows if chosen == ALL else [r for r in rows if r.get("action") == chosen]
    return shown, cards, source, (_error_box(str(error)[:500]) if error else no_update)


@callback(Output(ids.CG_STORE, "data"), Output(ids.CG_ALERT, "children"),
          Input(upload_ok_id(ids.CG_UPLOAD), "data"), prevent_initial_call=True)
def _on_upload(ok: Any) -> tuple[Any, Any]:
    return triage_upload(*upload_args(ok))


@callback(Output(ids.CG_TABLE, "rowData"), Output(ids.CG_CARDS, "children"),
          Output(ids.CG_SOURCE, "children"), Output(ids.CG_ALERT, "children", allow_duplicate=True),
          Input(ids.CG_STORE, "data"), Input(ids.CG_ACTION, "value"),
          prevent_initial_call="initial_duplicate")
def _render(store: dict[str, Any] | None, action: str | None) -> tuple[Any, ...]:
    return render(store, action)


@callback(Output(ids.CG_URL, "search"), Output(ids.CG_ACTION, "value"),
          Input(ids.CG_URL, "search"), Input(ids.CG_ACTION, "value"), prevent_initial_call=True)
def _sync_url(search: str | None, value: str | None) -> tuple[Any, Any]:
    """The action filter ⇄ ``?action=`` (back/forward included)."""
    problems: list[str] = []
    if ctx.triggered_id == ids.CG_URL:
        chosen = parse_choice(query_args(search).get("action"), "action", ACTION_CHOICES,
                              problems) or ALL
        return no_update, (chosen if chosen != value else no_update)
    chosen = parse_choice(value, "action", ACTION_CHOICES, problems) or ALL
    return ("" if chosen == ALL else f"?action={chosen}"), no_update
