"""The Dash app shell: pages, the navbar built from ``dash.page_registry``, the copy-link control.

Pages live in ``dashboard/pages/`` (one file each, ``register_page`` at the top, layout as a
function of the query string). The database handle is stored on the Flask app, not in a global.

Assets are served locally (the app works offline): Bootswatch "Flatly" Bootstrap 5.3.8 (MIT, the
web-font import removed) and plotly.js 4.1.1's *cartesian* bundle (MIT; scatter, bar, heatmap —
all our figures use), which ``dcc.Graph`` picks up as ``window.Plotly`` instead of loading the
full 4.8 MB bundle: a third of the JavaScript to parse, about half the time to a usable page.
Keep its version equal to the plotly.js of the installed ``plotly`` package when upgrading.
"""
from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Dash, Input, Output, dcc, html

from dashboard import ids, security
from dashboard.queries import EXTENSION_KEY, Db
from data.settings import Settings, get_settings

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
ASSETS = HERE / "assets"


def navbar() -> dbc.Navbar:
    """Links to every registered page (including pages added later), in ``order``."""
    def rank(page: dict) -> tuple[int, str]:  # type: ignore[type-arg]
        return (99 if page.get("order") is None else int(page["order"]), page["name"])

    pages = sorted(dash.page_registry.values(), key=rank)
    links = [dbc.NavItem(dbc.NavLink(p["name"], href=p["relative_path"], active="exact"))
             for p in pages if not p.get("hidden")]
    copy = html.Div([
        dcc.Clipboard(id=ids.COPY_LINK, title="Copy a link to exactly this view",
                      style={"fontSize": "1.1rem"}),
        html.Span("Copy link", className="copy-label"),
    ], className="copy-link-wrap ms-lg-3")
    return dbc.Navbar(dbc.Container([
        dbc.NavbarBrand([html.Span("skill", style={"fontWeight": 400}), "pulse"], href="/"),
        dbc.NavbarToggler(id="navbar-toggler"),
        dbc.Collapse(dbc.Nav([*links], navbar=True, className="me-auto"), navbar=True,
                     id="navbar-collapse", is_open=True),
        copy,
    ], fluid=True), color="primary", dark=True, id=ids.NAVBAR, className="mb-0")


def shell() -> html.Div:
    return html.Div([
        navbar(),
        dbc.Container(dash.page_container, fluid=True, className="page-body px-lg-4"),
        html.Footer(
            "skillpulse · forecasts with honest uncertainty · data sources and licences on the "
            "Methodology page", className="text-center text-muted small pb-3"),
    ])


# Dash's page, plus an early download of the grid's lazily loaded chunk (it is otherwise only
# requested once the first grid renders, late on the critical path of every page with a table).
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        <link rel="preload" as="script" href="/_dash-component-suites/dash_ag_grid/async-community.js">
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def create_app(db_path: str, settings: Settings | None = None) -> dash.Dash:
    """Build the app for the database at ``db_path`` (opened read-only, following new versions)."""
    settings = settings or get_settings()
    app = Dash(
        "dashboard", use_pages=True, pages_folder=str(PAGES), assets_folder=str(ASSETS),
        title="skillpulse", suppress_callback_exceptions=True,
        update_title=None,  # type: ignore[arg-type]
        serve_locally=True, index_string=INDEX,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.server.extensions[EXTENSION_KEY] = Db(db_path, settings.cache_size)
    security.install(app, max_upload_bytes=settings.max_upload_bytes)
    app.layout = shell
    app.clientside_callback(ClientsideFunction("skillpulse", "copyLink"),
                            Output(ids.COPY_LINK, "content"), Input(ids.COPY_LINK, "n_clicks"),
                            prevent_initial_call=True)
    return app
