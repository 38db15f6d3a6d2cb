"""What changed (``/changes?from=&to=``): status flips, new series and months outside the earlier
run's 95% interval between two forecast runs, most important first; each row opens the explorer
with both runs' fans. The same table as ``skillpulse changes`` (``services.changes``)."""
from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import polars as pl
from dash import ClientsideFunction, Input, Output, State, callback, clientside_callback, dcc, html
from skillpulse.dashboard import ids, queries
from skillpulse.dashboard.components import (
    alert,
    grid,
    link_column,
    link_href,
    page_header,
    panel,
    run_options,
    wire_csv_export,
)
from skillpulse.dashboard.transforms import segment_label
from skillpulse.dashboard.urlstate import ExplorerState, explorer_search, parse_changes, parse_int
from skillpulse.data.errors import SkillpulseError
from skillpulse.services.changes import LISTED, Changes, RunPair, readable

dash.register_page(__name__, path="/changes", name="Changes", order=3,
                   title="skillpulse · what changed",
                   description="What changed between two forecast runs")

KIND_LABELS = {"status": "Status changed", "new": "New", "outside": "Outside 95% interval"}
COLUMNS: list[dict[str, Any]] = [
    {"field": "change_label", "headerName": "Change", "minWidth": 165, "flex": 1},
    link_column("skill", "skill_href", headerName="Skill", minWidth=140, flex=2,
                tooltipField="segment"),
    {"field": "statuses", "headerName": "Status", "minWidth": 150, "flex": 2},
    {"field": "period", "headerName": "Month", "minWidth": 90, "flex": 1},
    {"field": "actual", "headerName": "Actual", "type": "numericColumn", "minWidth": 90, "flex": 1},
    {"field": "interval_95", "headerName": "95% interval", "minWidth": 140, "flex": 1},
    {"field": "reason", "headerName": "What happened", "minWidth": 320, "flex": 5, "wrapText": True,
     "autoHeight": True, "cellStyle": {"lineHeight": "1.35", "paddingTop": "4px",
                                       "paddingBottom": "4px"}},
    {"field": "category", "headerName": "Category", "hide": True},
    {"field": "segment", "headerName": "Segment", "hide": True},
    {"field": "change", "headerName": "change", "hide": True},
    {"field": "from_status", "headerName": "from_status", "hide": True},
    {"field": "to_status", "headerName": "to_status", "hide": True},
    {"field": "lower_95", "headerName": "lower_95", "hide": True},
    {"field": "upper_95", "headerName": "upper_95", "hide": True},
]
CSV_COLUMNS = ("skill", "category", "segment", "change", "from_status", "to_status", "period",
               "actual", "lower_95", "upper_95", "reason")


def _run_options(runs: pl.DataFrame) -> list[dict[str, Any]]:
    return run_options(runs)[1:]  # a pair of stored runs: no "newest" entry


def rows(changes: Changes, newest: int | None) -> list[dict[str, Any]]:
    """Grid rows; each skill links to the explorer with the later run's fan and the earlier run's
    (the later run is left out of the link when it is the newest: the link stays current)."""
    pair = changes.pair
    out = []
    for r in changes.table.head(LISTED).iter_rows(named=True):
        state = ExplorerState(skills=(r["skill"],), source=r["source"], region=r["region"],
                              occupation=r["occupation"],
                              run=None if pair.after == newest else pair.after, compare=pair.before)
        lo, hi = r["lower_95"], r["upper_95"]
        out.append({
            "change_label": KIND_LABELS.get(r["change"], r["change"]),
            "skill_href": link_href("/skills" + explorer_search(state)),
            "statuses": f"{r['from_status'] or '–'} → {r['to_status'] or '–'}",
            "period": f"{r['period']:%Y-%m}" if r["period"] else "",
            "actual": None if r["actual"] is None else float(f"{r['actual']:.4g}"),
            "interval_95": "" if lo is None or hi is None else f"{readable(lo)} to {readable(hi)}",
            "reason": r["reason"], "skill": r["skill"], "category": r["category"],
            "segment": segment_label(r["source"], r["region"], r["occupation"]),
            "change": r["change"], "from_status": r["from_status"], "to_status": r["to_status"],
            "lower_95": lo, "upper_95": hi,
        })
    return out


def summary(p: RunPair, c: dict[str, int], total: int) -> str:
    """One sentence: the pair, the changes of each kind, how many are listed."""
    shown = (f" The first {LISTED:,} are listed; 'skillpulse changes' lists all."
             if total > LISTED else "")
    return (f"Run {p.before} (as of {p.before_as_of:%b %Y}) → run {p.after} (as of "
            f"{p.after_as_of:%b %Y}): {c['status']} status change(s), {c['new']} new series, "
            f"{c['outside']} series with months outside the 95% interval run {p.before} "
            f"published.{shown}")


def view(db: queries.Db, a: int | None, b: int | None, problems: list[str]
         ) -> tuple[Any, list[dict[str, Any]], Any, Any, Any]:
    """Summary, rows, alert and the (resolved) picker values for a pair of runs."""
    runs = queries.runs(db)
    newest = int(runs["run_id"][0]) if runs.height else None
    try:
        changes, counts, total = queries.listed_changes(db, a, b)
    except SkillpulseError as exc:
        note = "" if runs.height >= 2 else " Changes need two forecast runs: run 'skillpulse " \
                                            "forecast' again when new data arrives."
        return (str(exc)[:1].upper() + str(exc)[1:] + "." + note, [],
                alert(problems, color="warning") if problems else [], a, b)
    return (summary(changes.pair, counts, total), rows(changes, newest),
            alert(problems) if problems else [],
            changes.pair.before, changes.pair.after)


def layout(**query: Any) -> html.Div:
    before, after, problems = parse_changes(query)
    db = queries.current()
    runs = queries.runs(db)
    text, table, _, before, after = view(db, before, after, [])
    return html.Div([
        dcc.Location(id=ids.CH_URL, refresh=False),
        page_header("What changed", "Between two forecast runs: statuses that flipped, new series, "
                    "and the months the earlier run got wrong (outside its 95% interval)."),
        alert(problems, id_=ids.CH_ALERT),
        panel(dbc.Row([
            dbc.Col(html.Div([html.Label("From (earlier run)", htmlFor=ids.CH_FROM,
                                         className="small text-muted"),
                              dcc.Dropdown(id=ids.CH_FROM, options=_run_options(runs), value=before,
                                           clearable=False)]), xs=12, sm=6, lg=3),
            dbc.Col(html.Div([html.Label("To (later run)", htmlFor=ids.CH_TO,
                                         className="small text-muted"),
                              dcc.Dropdown(id=ids.CH_TO, options=_run_options(runs), value=after,
                                           clearable=False)]), xs=12, sm=6, lg=3),
        ], className="g-2 mb-2"),
            html.P(text, id=ids.CH_SUMMARY, className="mb-2"),
            grid(ids.CH_TABLE, ids.CH_TABLE_CSV, COLUMNS, table, height=600,
                 filename="skillpulse-changes.csv", csv_columns=CSV_COLUMNS,
                 empty_text="Nothing changed between these runs."),
            title="Changes, most important first",
            help_text="Importance = the demand at stake (recent volume) × the size of the move. "
                      "Click a skill to see both runs' forecasts on its chart."),
    ])


@callback(Output(ids.CH_SUMMARY, "children"), Output(ids.CH_TABLE, "rowData"),
          Output(ids.CH_ALERT, "children"), Input(ids.CH_FROM, "value"), Input(ids.CH_TO, "value"),
          prevent_initial_call=True)
def update_changes(before: Any, after: Any) -> tuple[Any, list[dict[str, Any]], Any]:
    problems: list[str] = []  # any JSON can be posted to a callback: validated like the URL
    a, b = parse_int(before, "from", problems), parse_int(after, "to", problems)
    text, table, problem, _, _ = view(queries.current(), a, b, problems)
    return text, table, problem


clientside_callback(ClientsideFunction("skillpulse", "changesSync"),
                    Output(ids.CH_URL, "search"), Output(ids.CH_FROM, "value"),
                    Output(ids.CH_TO, "value"), Input(ids.CH_URL, "search"),
                    Input(ids.CH_FROM, "value"), Input(ids.CH_TO, "value"),
                    State(ids.CH_FROM, "options"), State(ids.CH_TO, "options"),
                    prevent_initial_call=True)
wire_csv_export(ids.CH_TABLE, ids.CH_TABLE_CSV)
