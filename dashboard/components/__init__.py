"""Reusable layout pieces: figure panels (PNG export), ag-grid tables (sort, filter, CSV export),
alerts, status badges and KPI cards. Pure layout, no queries; ``wire_csv_export`` registers the
generic browser-side CSV export and is called once when a page module is imported."""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import ClientsideFunction, Input, Output, State, clientside_callback, dcc, html, no_update
from flask import current_app
from skillpulse.dashboard.transforms import STATUS_COLOURS, STATUS_SYMBOLS
from skillpulse.data.errors import InputError, SkillpulseError, UsageError
from skillpulse.data.planning_io import decode_upload
from skillpulse.data.settings import get_settings

UPLOAD_SLOTS_KEY = "skillpulse.upload_slots"  # Flask extension: the per-process upload semaphore

GRAPH_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2, "filename": "skillpulse"},
}


def graph(id_: str, figure: go.Figure | None = None, *, filename: str = "skillpulse",
          min_height: int = 320) -> dcc.Loading:
    """A figure panel with a PNG download button in its toolbar and a loading spinner."""
    config = {**GRAPH_CONFIG,
              "toImageButtonOptions": {**GRAPH_CONFIG["toImageButtonOptions"], "filename": filename}}
    return dcc.Loading(
        dcc.Graph(id=id_, figure=figure if figure is not None else go.Figure(),
                  config=config,  # type: ignore[arg-type]
                  style={"minHeight": f"{min_height}px"}),
        type="default", delay_show=150)


def grid(id_: str, csv_id: str, columns: list[dict[str, Any]], rows: Sequence[dict[str, Any]] = (),
         *, filename: str = "skillpulse.csv", height: int = 420, title: str | None = None,
         csv_columns: Sequence[str] | None = None, empty_text: str | None = None,
         auto_height: bool = False) -> html.Div:
    """An ag-grid with sorting, per-column filters and a "Download CSV" button.

    ``csv_columns`` picks the exported fields (e.g. a hidden plain-text twin of a link column).
    ``empty_text`` is what the grid says when it has no rows. ``auto_height`` fits the grid to
    its rows (for short tables; ``height`` is then ignored).
    """
    options: dict[str, Any] = {"animateRows": False, "tooltipShowDelay": 300}
    if auto_height:
        options["domLayout"] = "autoHeight"
    if empty_text:  # a React component (assets/skillpulse.js): text, never parsed as HTML
        options["noRowsOverlayComponent"] = "NoRowsOverlay"
        options["noRowsOverlayComponentParams"] = {"message": empty_text}
    header = html.Div([
        html.H3(title, className="h6 mb-0 fw-bold") if title else html.Span(),
        dbc.Button("Download CSV", id=csv_id, size="sm", color="secondary", outline=True,
                   n_clicks=0, className="ms-auto"),
    ], className="d-flex align-items-center mb-2")
    table = dag.AgGrid(
        id=id_, columnDefs=columns, rowData=list(rows),
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "floatingFilter": False,
                       "minWidth": 90},
        columnSize="responsiveSizeToFit" if not any("flex" in c for c in columns) else None,
        csvExportParams={"fileName": filename,
                         **({"columnKeys": list(csv_columns)} if csv_columns else {})},
        dashGridOptions=options,
        style={"width": "100%"} if auto_height else {"height": f"{height}px", "width": "100%"},
    )
    return html.Div([header, dcc.Loading(table, type="default", delay_show=150)])


def wire_csv_export(grid_id: str, button_id: str) -> None:
    """Register (once, at page import) the browser-side CSV export of a grid: formulas are
    neutralised like the CLI export's (``assets/skillpulse.js`` ``safeCsvCell``)."""
    clientside_callback(ClientsideFunction("skillpulse", "exportCsv"),
                        Output(grid_id, "exportDataAsCsv"), Input(button_id, "n_clicks"),
                        State(grid_id, "csvExportParams"), prevent_initial_call=True)


def alert(problems: Sequence[str], *, id_: str | None = None, color: str = "warning") -> html.Div:
    """A friendly, dismissable alert listing problems (or an empty placeholder)."""
    body: Any = []
    if problems:
        body = dbc.Alert([
            html.Strong("Some of the link could not be used: " if color == "warning" else ""),
            html.Ul([html.Li(p) for p in problems], className="mb-0"),
        ], color=color, dismissable=True, className="friendly-alert")
    return html.Div(body, id=id_) if id_ else html.Div(body)


def status_badge(status: str | None) -> html.Span:
    """The status word with its symbol and colour (colour is never the only cue)."""
    s = status or "insufficient-history"
    return html.Span(f"{STATUS_SYMBOLS.get(s, '')} {s}", className="status-badge",
                     style={"backgroundColor": STATUS_COLOURS.get(s, "#999")})


def kpi_card(title: str, value: str, *, colour: str | None = None, note: str | None = None,
             symbol: str | None = None) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.Div([html.Span(symbol + " " if symbol else ""), title], className="kpi-title"),
        html.Div(value, className="kpi-value"),
        html.Div(note, className="kpi-note") if note else None,
    ]), className="kpi-card h-100", style={"borderTop": f"5px solid {colour}"} if colour else None)


def upload_ok_id(upload_id: str) -> str:
    """The store an upload reaches the server through, once the browser has checked its size."""
    return f"{upload_id}-ok"


def upload_zone(id_: str, what: str, columns: str, max_bytes: int) -> html.Div:
    """Drag-and-drop CSV/Parquet upload. The browser checks the size first and says so at once
    (``assets/skillpulse.js`` ``uploadGuard``: a refused file is never sent); only a file within
    ``max_bytes`` reaches the server, through ``upload_ok_id(id_)``, and is checked again there.
    (``dcc.Upload(max_size)`` would drop a larger file without a word.)"""
    return html.Div([
        dcc.Upload(
            id=id_, multiple=False, max_size=-1, accept=".csv,.parquet,text/csv",
            className="upload-zone",
            children=html.Div([
                html.Strong(f"Drop {what} here"), " or click to choose a file — CSV or Parquet up to "
                f"{max_bytes // 1024:,} KB with columns {columns}. It stays in this browser tab and "
                "is never stored."]),
            style={"border": "2px dashed #98a2b3", "borderRadius": "8px", "padding": "14px",
                   "textAlign": "center", "cursor": "pointer", "marginBottom": "12px"}),
        dcc.Store(id=f"{id_}-limit", data=int(max_bytes)),
        dcc.Store(id=upload_ok_id(id_)),
        html.Div(id=f"{id_}-refused", role="alert", className="upload-refused text-danger small"),
    ])


def wire_upload_guard(id_: str) -> None:
    """Register (once, at page import) the browser-side size check of ``upload_zone(id_)``."""
    clientside_callback(ClientsideFunction("skillpulse", "uploadGuard"),
                        Output(upload_ok_id(id_), "data"), Output(f"{id_}-refused", "children"),
                        Input(id_, "contents"), State(id_, "filename"), State(f"{id_}-limit", "data"),
                        prevent_initial_call=True)


def upload_args(ok: Any) -> tuple[str | None, str | None]:
    """``(contents, filename)`` from the ``upload_ok_id`` store (any JSON can be posted)."""
    if not isinstance(ok, dict):
        return None, None
    contents, filename = ok.get("contents"), ok.get("filename")
    return (contents if isinstance(contents, str) else None,
            filename if isinstance(filename, str) else None)


def _upload_rows(data: bytes, filename: str) -> int:
    """Rows of an upload (CSV: lines after the header; Parquet: from its footer)."""
    if data[:4] == b"PAR1":
        import io

        import pyarrow.parquet as pq

        try:
            return int(pq.ParquetFile(io.BytesIO(data)).metadata.num_rows)
        except Exception:  # unreadable: the parser says why
            return 0
    return max(0, data.count(b"\n") - 1 + (0 if data.endswith(b"\n") else 1))


@contextmanager
def _upload_slot(timeout: float) -> Iterator[None]:
    """One upload at a time per server process: an upload is CPU-bound work in a request thread,
    and two at once starved every other user's callbacks of the interpreter."""
    slots = current_app.extensions.setdefault(UPLOAD_SLOTS_KEY, threading.BoundedSemaphore(1))
    if not slots.acquire(timeout=timeout):
        raise UsageError("the server is busy with other uploads; try again in a few seconds")
    try:
        yield
    finally:
        slots.release()


def upload_page_top(*, url: str, store: str, upload: str, alert_id: str, title: str, subtitle: str,
                    what: str, columns: str, max_bytes: int, problems: Sequence[str],
                    demo: dict[str, Any]) -> list[Any]:
    """The opening of an upload page (/catalogue, /gaps): location, the tab-only store holding the
    demo payload until an upload replaces it, header, URL problems, the drop zone, its alert."""
    return [dcc.Location(id=url, refresh=False),
            dcc.Store(id=store, storage_type="memory", data=demo),
            page_header(title, subtitle),
            alert(problems),
            upload_zone(upload, what, columns, max_bytes),
            html.Div(id=alert_id)]


def handle_upload(contents: str | None, filename: str | None, max_bytes: int,
                  run: Callable[[bytes, str], Any],
                  payload: Callable[[Any, str], dict[str, Any]]) -> tuple[Any, Any]:
    """Upload → (store payload or no_update, alert): decode (size-checked on the server), run,
    and turn a typed error (naming file, row and column) or unmatched skill names into an alert.
    Uploads are processed one at a time per process and capped at ``max_upload_rows`` rows (the
    whole result travels to the browser; larger files belong to the CLI).

    ``run(data, name)`` returns a result with ``unmatched``; ``payload(result, name)`` the store.
    """
    if contents is None:
        return no_update, no_update
    settings = get_settings()
    try:
        data, name = decode_upload(contents, filename, max_bytes)
        rows = _upload_rows(data, name)
        if rows > settings.max_upload_rows:
            raise InputError(f"has {rows:,} rows; the dashboard takes up to "
                             f"{settings.max_upload_rows:,} (setting SKILLPULSE_MAX_UPLOAD_ROWS): "
                             "use 'skillpulse catalogue' or 'skillpulse gaps' for larger files",
                             file=name)
        with _upload_slot(settings.upload_wait):
            result = run(data, name)
    except SkillpulseError as exc:
        return no_update, dbc.Alert(str(exc), color="danger", className="upload-error")
    note = None
    if result.unmatched:
        shown = ", ".join(f"'{n}'" for n in result.unmatched[:15])
        note = dbc.Alert(f"{len(result.unmatched)} skill name(s) are not in the taxonomy and were "
                         f"ignored: {shown}.", color="warning")
    return payload(result, name), note


def page_header(title: str, subtitle: str | None = None) -> html.Div:
    return html.Div([html.H1(title, className="h3 mb-1"),
                     html.P(subtitle, className="text-muted mb-3") if subtitle else None])


def link_href(href: str) -> str:
    """A same-site link target for a grid cell, percent-encoded once (an already encoded
    ``%XX`` is kept: encoding it again made "LLM evaluation" an unknown "LLM+evaluation")."""
    return quote(href, safe="/?=&%")


def link_column(field: str, href_field: str, **col: Any) -> dict[str, Any]:
    """A grid column showing ``field`` (plain text: sorted, filtered and exported as the name) as
    a link to the row's ``href_field`` (``link_href``), drawn by ``assets/skillpulse.js``
    ``SkillLink``: a React element, no markdown parsed from the data, and no hidden plain-text
    twin column for the CSV (the markdown cell sorted and filtered on "[name](/skills?…)")."""
    return {"field": field, "cellRenderer": "SkillLink",
            "cellRendererParams": {"hrefField": href_field}, **col}


NEWEST = 0  # picker value meaning "always the newest run" (run ids start at 1)


def run_options(runs: Any) -> list[dict[str, Any]]:
    """Options for an "as of" picker from ``queries.runs`` (newest first)."""
    opts: list[dict[str, Any]] = [{"label": "Newest run", "value": NEWEST}]
    for r in runs.iter_rows(named=True):
        opts.append({"label": f"Run {r['run_id']} · as of {r['as_of']:%b %Y}", "value": r["run_id"]})
    return opts


def panel(*children: Any, title: str | None = None, help_text: str | None = None,
          class_name: str = "") -> html.Section:
    head: list[Any] = [html.H2(title)] if title else []
    if help_text:
        head.append(html.P(help_text, className="panel-help"))
    return html.Section([*head, *children], className=f"panel {class_name}".strip())


def wire_run_url(url_id: str, picker_id: str) -> None:
    """Keep a page's ``run`` picker and its URL in sync both ways (back/forward included), in the
    browser (``assets/skillpulse.js``): no server round trip before the content callbacks."""
    clientside_callback(ClientsideFunction("skillpulse", "runSync"),
                        Output(url_id, "search"), Output(picker_id, "value"),
                        Input(url_id, "search"), Input(picker_id, "value"),
                        State(picker_id, "options"), prevent_initial_call=True)
