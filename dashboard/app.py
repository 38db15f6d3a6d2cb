"""The Dash app shell: pages, the navbar built from ``dash.page_registry``, the copy-link control.

Pages live in ``dashboard/pages/`` (one file each, ``register_page`` at the top, layout as a
function of the query string). The database handle is stored on the Flask app, not in a global.

Assets are served locally (the app works offline): Bootswatch "Flatly" Bootstrap 5.3.8 (MIT, the
web-font import removed) and a plotly.js 4.1.1 bundle of the core with the bar and heatmap traces
(MIT; scatter, bar, heatmap — all our figures use; built by ``docs/plotly-bundle/build.sh``):
1.17 MB instead of the full 4.8 MB bundle or the 1.50 MB "cartesian" one, whose other traces and
world calendars cost about a fifth more evaluation time in Chromium before the first chart.
The bundle is not a startup script: ``dcc.Graph`` loads plotly.js itself when the first figure
renders, from the URL Dash gives it (``_dash-component-suites/plotly/package_data/plotly.min.js``),
which this app answers with its own bundle; the page preloads it, so it downloads in
parallel but is parsed only after the page's layout, cards and tables are on screen.
Keep its version equal to the plotly.js of the installed ``plotly`` package when upgrading.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html
from flask import Response, request, send_from_directory
from skillpulse.dashboard import ids, responses, security
from skillpulse.dashboard.figures import ASSETS, PLOTLY_BUNDLE
from skillpulse.dashboard.queries import EXTENSION_KEY, Db
from skillpulse.data.settings import Settings, get_settings

HERE = Path(__file__).resolve().parent
PAGES = HERE / "pages"
# PLOTLY_BUNDLE is in ASSETS but not loaded as a startup script (see above)
PLOTLY_URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"  # where dcc.Graph looks
# Chunks every page needs soon after its layout arrives, otherwise requested only when the first
# grid / figure / dropdown renders (late on the critical path): downloaded early instead.
PRELOAD = ("/_dash-component-suites/dash_ag_grid/async-community.js", PLOTLY_URL,
           "/_dash-component-suites/dash/dcc/async-graph.js",
           "/_dash-component-suites/dash/dcc/async-dropdown.js")


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
        dbc.NavbarToggler(id=ids.NAV_TOGGLER),
        # Closed on load: on a phone the open menu pushed every shared link's content a screen
        # down. From the md breakpoint up Bootstrap shows the links whatever ``is_open`` says.
        dbc.Collapse(dbc.Nav([*links], navbar=True, className="me-auto"), navbar=True,
                     id=ids.NAV_COLLAPSE, is_open=False),
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


# Dash's page, plus early downloads of the lazily loaded chunks (``PRELOAD``).
INDEX = """<!DOCTYPE html>
<html lang="en">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        """ + "\n        ".join(f'<link rel="preload" as="script" href="{u}">' for u in PRELOAD) + """
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


# Dash ships @babel/polyfill (core-js 2) for old browsers; evaluating it costs ~140 ms of main
# thread per page load (measured, Chromium under load). Every browser we support has these
# built-ins; the one global Dash's bundles still use, ``regeneratorRuntime`` (lazy components),
# comes from dash-bootstrap-components' own bundle (checked by the browser tests: no errors).
POLYFILL_TAG = re.compile(r'<script src="[^"]*/deps/polyfill@[^"]*"></script>\s*')


class SkillpulseDash(Dash):
    """Dash without the legacy-browser polyfill in its page (see ``POLYFILL_TAG``)."""

    def interpolate_index(self, **kwargs: Any) -> str:  # type: ignore[override]
        kwargs["scripts"] = POLYFILL_TAG.sub("", kwargs.get("scripts", ""))
        return str(super().interpolate_index(**kwargs))


def _plotly_bundle() -> Response | None:
    """Answer dcc.Graph's request for plotly.js with the app's (much smaller) bundle."""
    if request.path != PLOTLY_URL:
        return None
    return send_from_directory(ASSETS, PLOTLY_BUNDLE, mimetype="application/javascript",
                               max_age=86_400)


def create_app(db_path: str, settings: Settings | None = None) -> dash.Dash:
    """Build the app for the database at ``db_path`` (opened read-only, following new versions)."""
    settings = settings or get_settings()
    app = SkillpulseDash(
        "skillpulse.dashboard", use_pages=True, pages_folder=str(PAGES), assets_folder=str(ASSETS),
        title="skillpulse", suppress_callback_exceptions=True,
        update_title=None,  # type: ignore[arg-type]
        serve_locally=True, index_string=INDEX, assets_ignore=re.escape(PLOTLY_BUNDLE),
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.server.extensions[EXTENSION_KEY] = Db(db_path, settings.cache_size)
    app.server.before_request(_plotly_bundle)
    security.install(app, max_upload_bytes=settings.max_upload_bytes)
    responses.install(app, settings.response_cache_mb * 1024 * 1024)
    app.layout = shell
    app.clientside_callback(ClientsideFunction("skillpulse", "toggleMenu"),
                            Output(ids.NAV_COLLAPSE, "is_open"), Input(ids.NAV_TOGGLER, "n_clicks"),
                            Input(ids.PAGES_LOCATION, "pathname"), State(ids.NAV_COLLAPSE, "is_open"),
                            prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("skillpulse", "copyLink"),
                            Output(ids.COPY_LINK, "content"), Input(ids.COPY_LINK, "n_clicks"),
                            prevent_initial_call=True)
    return app
