"""The library floor of a dashboard page, for ``bench_dashboard.py``'s second baseline.

A bare Dash page with what the overview draws, and nothing of skillpulse's: two dash-ag-grid
grids of 15 rows × 6 columns (the grid options of ``dashboard.components.grid``) and one
``dcc.Graph`` of five 120-month lines, no callbacks, no navbar, no stylesheet. It is served the way
the dashboard is (gunicorn, the same worker options; plotly.js answered with the app's own bundle,
``dashboard.app._plotly_bundle``), so a page's time over this floor is what the dashboard's own
layout, callbacks and styling add to Dash, React, AG Grid and plotly.js on this machine.

    .venv/bin/python bench/floor_app.py PORT     (serves until terminated)
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SELECTORS = ("#floor-a .ag-row", "#floor-b .ag-row", "#floor-g .scatterlayer .trace")


def create() -> Any:
    import dash_ag_grid as dag
    from dash import Dash, dcc, html
    from skillpulse.dashboard.app import _plotly_bundle

    app = Dash(__name__, serve_locally=True, update_title=None)  # type: ignore[arg-type]
    app.server.before_request(_plotly_bundle)
    rows = [{"skill": f"Skill {i:03d}", "status": "rising", "growth_pct": 12.5 + i,
             "level": 3.25 * (i + 1), "mentions_12m": 40 * (i + 1), "q_value": 0.01 * i}
            for i in range(15)]
    cols = [{"field": k} for k in rows[0]]
    grids = [dag.AgGrid(id=f"floor-{g}", rowData=rows, columnDefs=cols,
                        defaultColDef={"sortable": True, "filter": True, "resizable": True,
                                       "minWidth": 90},
                        columnSize="responsiveSizeToFit",
                        dashGridOptions={"animateRows": False, "tooltipShowDelay": 300},
                        style={"height": "470px", "width": "100%"}) for g in "ab"]
    months = [f"{2015 + m // 12}-{m % 12 + 1:02d}-01" for m in range(120)]
    lines = [{"type": "scatter", "mode": "lines", "name": f"line {k}", "x": months,
              "y": [100 + k * 10 + (m % 12) for m in range(120)]} for k in range(5)]
    figure = {"data": lines, "layout": {"height": 400, "hovermode": "x unified"}}
    app.layout = html.Div([*grids, dcc.Graph(id="floor-g", figure=figure)])
    return app.server


def serve(port: int) -> None:
    from skillpulse.dashboard.server import DashApplication, options

    class Floor(DashApplication):  # the dashboard's gunicorn settings, this page's app
        def load(self) -> Any:
            return create()

    Floor("", options("127.0.0.1", port)).run()


if __name__ == "__main__":
    serve(int(sys.argv[1]))
