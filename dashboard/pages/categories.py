"""Categories (``/categories``): yearly growth of each category's demand as a heatmap; clicking a
cell opens the explorer with that category's top skills."""
from __future__ import annotations

from html import unescape
from typing import Any

import dash
import polars as pl
from dash import Input, Output, callback, dcc, html, no_update
from skillpulse.dashboard import figures, ids, queries
from skillpulse.dashboard.components import alert, graph, grid, page_header, panel, wire_csv_export
from skillpulse.dashboard.urlstate import clean_text, report_unknown, skills_href

dash.register_page(__name__, path="/categories", name="Categories", order=2,
                   title="skillpulse · categories", description="Growth by skill category")

COLUMNS: list[dict[str, Any]] = [
    {"field": "category", "headerName": "Category", "minWidth": 160},
    {"field": "year", "headerName": "Year", "type": "numericColumn"},
    {"field": "growth_pct", "headerName": "Median growth % vs previous year",
     "type": "numericColumn"},
    {"field": "series", "headerName": "Series compared", "type": "numericColumn"},
    {"field": "months", "headerName": "Months in year (min)", "type": "numericColumn"},
]


def layout(**extra: Any) -> html.Div:
    problems: list[str] = []
    report_unknown(extra, problems)
    db = queries.current()
    growth = queries.category_growth(db)
    rows = [{**r, "growth_pct": None if r["growth_pct"] is None else round(r["growth_pct"], 1)}
            for r in growth.iter_rows(named=True)]
    return html.Div([
        dcc.Location(id=ids.CAT_NAV, refresh="callback-nav"),
        page_header("Categories", "Year-over-year growth of demand (share of job postings) by "
                    "category: the median of its skills' growth, so a new skill joining a category "
                    "does not move it. Click a cell to explore that category's fastest-growing skills. "
                    f"A cell resting on fewer than {figures.THIN_CATEGORY_SERIES} series is drawn "
                    "plain grey and marked ·: one skill's swing is not a category trend."),
        alert(problems, id_=ids.CAT_ALERT),
        panel(graph(ids.CAT_HEATMAP, figures.category_heatmap(growth), filename="skillpulse-categories",
                    min_height=360)),
        panel(html.Div(id=ids.CAT_LINKS, children=_category_links(db, growth))),
        panel(grid(ids.CAT_TABLE, ids.CAT_TABLE_CSV, COLUMNS, rows, height=360,
                   filename="skillpulse-category-growth.csv", title="Growth by category and year")),
    ])


def _newest_run(db: queries.Db) -> int | None:
    runs = queries.runs(db)
    return int(runs["run_id"][0]) if runs.height else None


def _category_links(db: queries.Db, growth: pl.DataFrame) -> list[Any]:
    hrefs = category_hrefs(db)
    cats = sorted(set(growth["category"].to_list()) & set(hrefs))
    return [html.H2("Top skills by category"),
            html.Ul([html.Li(dcc.Link(c, href=hrefs[c])) for c in cats],
                    className="list-inline", style={"columnCount": 3})]


def category_hrefs(db: queries.Db) -> dict[str, str]:
    """Category → explorer link with its five fastest-growing skills (newest run)."""
    top = queries.category_top_skills(db, _newest_run(db), n=5)
    return {cat: skills_href(g["name"].to_list())
            for (cat,), g in top.group_by("category", maintain_order=True)}


@callback(Output(ids.CAT_NAV, "href"), Input(ids.CAT_HEATMAP, "clickData"), prevent_initial_call=True)
def open_category(click: Any) -> Any:
    """A clicked heatmap cell → the explorer with that category's top skills."""
    try:
        raw = click["points"][0]["y"]
    except (TypeError, KeyError, IndexError):
        return no_update
    problems: list[str] = []
    category = clean_text(unescape(raw) if isinstance(raw, str) else raw, "category", problems)
    if not category:
        return no_update
    return category_hrefs(queries.current()).get(category, no_update)


wire_csv_export(ids.CAT_TABLE, ids.CAT_TABLE_CSV)
