"""Dashboard hardening without a browser: markup from data is escaped in every figure, links are
encoded once, callback bodies are checked (400, one log line), dev endpoints are gone, the body
limit admits the advertised upload, uploads are capped in rows and say why they are refused."""
from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import polars as pl
import pytest
from skillpulse.dashboard import figures
from skillpulse.dashboard.components import handle_upload, link_href
from skillpulse.dashboard.security import body_limit
from skillpulse.dashboard.urlstate import skills_href
from skillpulse.data import tables
from skillpulse.data.settings import Settings

from tests.fixtures_app import dash_app, dash_db, page  # noqa: F401  (fixtures)

EVIL = '<a href="https://evil.example/login">Python (official)</a>'
STYLED = '<span style="font-size:90px">R&D</span>'
REPO = Path(__file__).resolve().parent.parent


def _no_markup(fig: Any) -> str:
    data = fig.to_plotly_json()["data"] if hasattr(fig, "to_plotly_json") else fig["data"]
    layout = fig.to_plotly_json()["layout"] if hasattr(fig, "to_plotly_json") else {}
    text = json.dumps({"data": data, "layout": layout})
    assert "<a " not in text and "<span" not in text, text[:500]
    return text


def test_every_figure_escapes_data_derived_strings() -> None:
    day = dt.date(2020, 1, 1)
    hist = pl.DataFrame({"label": [EVIL, EVIL, STYLED], "period": [day, dt.date(2020, 2, 1), day],
                         "value": [1.0, 2.0, 3.0]})
    fc = pl.DataFrame({"label": [EVIL], "period": [dt.date(2020, 3, 1)], "mean": [2.0],
                       "lower_80": [1.0], "upper_80": [3.0], "lower_95": [0.5], "upper_95": [4.0]})
    fan = _no_markup(figures.fan_chart(hist, fc, y_title="x", changepoints={EVIL: day},
                                       earlier=fc, earlier_name=STYLED, title=EVIL))
    assert "&lt;a href" in fan and "R&amp;D" in fan
    heat = pl.DataFrame({"category": [EVIL, STYLED], "year": [2020, 2020], "growth_pct": [5.0, -3.0]})
    _no_markup(figures.category_heatmap(heat))
    _no_markup(figures.empty_figure(EVIL))


def test_the_gaps_breadth_figure_escapes_uploaded_person_names(dash_app: Any) -> None:  # noqa: F811
    gaps = page("gaps")
    fig = gaps.breadth_figure([{"person": EVIL, "profile": STYLED, "categories": 2,
                                "mean_proficiency": 3.0}], EVIL)
    assert "&lt;a href" in _no_markup(fig)


def test_a_multi_word_skill_link_is_encoded_once() -> None:
    for name in ("LLM evaluation", "C++ & C#", "Python (official)", "50% [off] (x)"):
        href = link_href(skills_href([name]))
        assert parse_qs(urlsplit(href).query)["skill"] == [name]
        assert " " not in href and "+" not in href


def test_the_browser_csv_export_neutralises_the_same_formula_starts_as_the_cli() -> None:
    js = (REPO / "dashboard" / "assets" / "skillpulse.js").read_text()
    listed = re.search(r"FORMULA_START = \[(.*?)\];", js)
    assert listed is not None
    chars = json.loads("[" + listed.group(1) + "]")
    assert tuple(chars) == tables._FORMULA_START
    assert "processCellCallback: safeCsvCell" in js


BAD_BODIES = [b"[1,2,3]", b"null", b"{}", b'{"output": 5}', b"[" * 20000 + b"]" * 20000,
              b"not json", b'{"output": "cat-nav.href", "inputs": "x"}']


@pytest.mark.parametrize("body", BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_malformed_callback_bodies_are_400_with_one_log_line(
        dash_app: Any, body: bytes, caplog: pytest.LogCaptureFixture) -> None:  # noqa: F811
    client = dash_app.server.test_client()
    client.get("/")
    with caplog.at_level(logging.WARNING):
        resp = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert resp.status_code == 400 and "bad request" in resp.get_json()["error"]
    lines = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(lines) == 1 and lines[0].exc_info is None and "\n" not in lines[0].getMessage()


def test_a_well_formed_callback_body_still_works(dash_app: Any) -> None:  # noqa: F811
    client = dash_app.server.test_client()
    client.get("/")
    body = {"output": "cat-nav.href", "outputs": {"id": "cat-nav", "property": "href"},
            "inputs": [{"id": "cat-heatmap", "property": "clickData", "value": None}],
            "changedPropIds": ["cat-heatmap.clickData"]}
    resp = client.post("/_dash-update-component", json=body)
    assert resp.status_code in (200, 204)


def test_development_endpoints_are_gone(dash_app: Any) -> None:  # noqa: F811
    client = dash_app.server.test_client()
    assert client.get("/_reload-hash").status_code == 404


def test_the_body_limit_admits_the_advertised_upload_and_413_says_why(dash_app: Any) -> None:  # noqa: F811
    limit = Settings().max_upload_bytes
    encoded = len(base64.b64encode(b"x" * limit)) + len("data:text/csv;base64,")
    assert encoded + 10_000 < body_limit(limit) < encoded * 1.2
    client = dash_app.server.test_client()
    resp = client.post("/_dash-update-component", data=b"x" * (body_limit(limit) + 1),
                       content_type="application/json")
    assert resp.status_code == 413 and f"{limit // 1024:,} KB" in resp.get_json()["error"]


def _data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


def test_an_upload_over_the_row_cap_is_refused_with_a_sentence(dash_app: Any,  # noqa: F811
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILLPULSE_MAX_UPLOAD_ROWS", "10")
    ran: list[bytes] = []
    with dash_app.server.app_context():
        store, err = handle_upload(_data_url(b"person,skill\n" + b"A,SQL\n" * 11), "team.csv", 10**6,
                                   lambda data, name: ran.append(data), lambda r, n: {})
    assert store is dash.no_update and not ran
    assert "team.csv: has 11 rows; the dashboard takes up to 10" in str(err)
