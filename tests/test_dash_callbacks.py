"""Callbacks and layouts called as plain functions against a fixture database; security headers,
the query cache and the empty (no forecast run) state."""
from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import plotly.io as pio
import polars as pl
import pytest
from dash import no_update
from skillpulse.dashboard import queries
from skillpulse.dashboard.components import NEWEST
from skillpulse.models.batch import write_summaries

from tests import fixtures_app as fx
from tests import sqlfixtures
from tests.fixtures_app import TEST_ALIAS, add_run, build_db, page

dash_db = fx.dash_db
dash_app = fx.dash_app
empty_run_db = fx.empty_run_db


def text_of(component: Any) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o))


@pytest.fixture
def ctx(dash_app: Any) -> Any:
    with dash_app.server.app_context():
        yield queries.current()


def explorer_values(skills: Any, horizon: Any = 24, scale: Any = "share", view: Any = "absolute",
                    run: Any = NEWEST, compare: Any = 0) -> tuple[Any, ...]:
    return (skills, horizon, scale, view, None, None, None, run, compare)


def skill_names(db: queries.Db) -> list[str]:
    return queries.skill_options(db)["name"].to_list()


def test_overview_callback(ctx: queries.Db) -> None:
    fresh, cards, risers, decliners, fig, _ = page("home").update_overview(NEWEST)
    assert "forecast run 2" in text_of(fresh)
    assert len(cards) == 7
    total = sum(int(json.loads(text_of(c))["props"]["children"]["props"]["children"]["props"]
                    ["children"][1]["props"]["children"].replace(",", "")) for c in cards)
    assert total == len(skill_names(ctx))
    assert risers and {r["status"] for r in risers} <= {"rising", "emerging"}
    assert decliners and {r["status"] for r in decliners} <= {"declining", "obsolescent"}
    for r in risers + decliners:  # the interval shown belongs to the growth shown
        assert r["lower_80"] - 0.1 <= r["growth_pct"] <= r["upper_80"] + 0.1, r
    # ranked by demand at stake: postings a month gained (volume × growth, both rounded here)
    stakes = [r["volume"] * r["growth_pct"] for r in risers]
    assert all(a >= 0.97 * b for a, b in itertools.pairwise(stakes)), stakes
    assert all(r["volume"] is not None for r in risers + decliners)
    assert not risers[0]["skill"].startswith("[")  # the plain name: sorted, filtered, exported
    assert risers[0]["skill_href"] == "/skills?skill=" + quote(risers[0]["skill"], safe="")
    assert set(risers[0]["trend"]) <= set("▁▂▃▄▅▆▇█ ")
    assert {t.name for t in fig.data} >= {"All job postings (right axis)"}
    # an older run and junk input both answer without raising
    assert "forecast run 1" in text_of(page("home").update_overview(1)[0])
    assert "forecast run 2" in text_of(page("home").update_overview({"evil": [1]})[0])


def card_total(cards: list[Any]) -> int:
    return sum(int(json.loads(text_of(c))["props"]["children"]["props"]["children"]["props"]
                   ["children"][1]["props"]["children"].replace(",", "")) for c in cards)


def test_overview_header_counts_add_up_with_the_status_cards(ctx: queries.Db) -> None:
    import re

    fresh, cards, *_ = page("home").update_overview(NEWEST)
    found = re.search(r"in ([\d,]+) skill series \+ ([\d,]+) whole-market series", text_of(fresh))
    assert found, text_of(fresh)
    skill_series, market_series = (int(g.replace(",", "")) for g in found.groups())
    assert market_series >= 1  # the fixture has the whole-market series
    assert skill_series == card_total(cards)  # the cards count exactly the skill series
    assert skill_series + market_series == queries.freshness(ctx)["series"][0]
    assert "% of skill series" in text_of(cards)


def test_movers_are_only_confident_risers_and_decliners(ctx: queries.Db) -> None:
    _, _, risers, decliners, *_ = page("home").update_overview(NEWEST)
    counts = dict(queries.status_counts(ctx, int(queries.runs(ctx)["run_id"][0])).iter_rows())
    assert {r["status"] for r in risers} <= {"rising", "emerging"}
    assert {r["status"] for r in decliners} <= {"declining", "obsolescent"}
    # never padded with stable or uncertain series, never short of qualifying ones
    assert len(risers) == min(10, counts.get("rising", 0) + counts.get("emerging", 0))
    assert len(decliners) == min(10, counts.get("declining", 0) + counts.get("obsolescent", 0))


def test_no_riser_gives_a_clear_empty_state(tmp_path: Path) -> None:
    from skillpulse.dashboard.app import create_app
    from skillpulse.data import store

    db_path = build_db(tmp_path / "calm.duckdb", n_skills=12, runs=1, real_forecast=False)
    with store.write(db_path) as con:
        sqlfixtures.execute(con, "dash_fixture_calm", run_id=1)
        write_summaries(con, 1)  # the run's summaries follow its (edited) rows
    app = create_app(str(db_path))
    with app.server.app_context():
        home = page("home")
        _, _, risers, decliners, *_ = home.update_overview(NEWEST)
        assert risers == []  # not padded with the stable series that grow a little
        assert {r["status"] for r in decliners} <= {"declining", "obsolescent"}
        layout = text_of(home.layout())
    assert "No skill is rising with confidence in this run." in layout
    assert "No skill is declining with confidence in this run." in layout


def _measures(db: queries.Db, ids: list[int]) -> dict[int, str]:
    return dict(sqlfixtures.query(db.connection(), "dash_fixture_measures", series_ids=ids).iter_rows())


def test_growth_interval_brackets_growth_on_the_stated_base(ctx: queries.Db) -> None:
    for run_id in queries.runs(ctx)["run_id"].to_list():
        rows = queries.outlook_detail(ctx, run_id, _measures(ctx, list(range(1, 400)))).filter(
            pl.col("growth_pct").is_not_null())
        assert rows.height > 10
        for o in rows.iter_rows(named=True):
            # growth_pct is the forecast at the horizon over `level`, the base the card states
            # (when growth is on the series' own unit; `level` is null on another basis)
            if o["level"] is not None:
                assert o["forecast"] == pytest.approx(o["level"] * (1 + o["growth_pct"] / 100),
                                                      rel=1e-6)
            assert o["growth_lower_80"] - 1e-6 <= o["growth_pct"] <= o["growth_upper_80"] + 1e-6, o
    name = skill_names(ctx)[0]
    _, cards, rows, _, _ = page("skills").update_explorer(*explorer_values([name]))
    text = text_of(cards)
    if rows[0]["level"] is not None:
        assert "Base: level now " in text
    else:  # growth on another basis than the series' unit: the card says which
        assert "judged on its share of postings" in text
    assert "postings mentioned it in the last 12 months" in text


@pytest.mark.parametrize(("mase", "cov", "good"), [
    (0.8, 0.80, True), (0.8, 0.71, True), (0.8, 0.89, True), (0.8, 0.65, False),
    (0.8, 0.55, False), (0.8, 0.95, False), (1.1, 0.80, False), (0.8, None, False)])
def test_backtest_badge_is_green_only_for_a_good_backtest(mase: float, cov: float | None,
                                                          good: bool, dash_app: Any) -> None:
    assert page("skills").backtest_good(mase, cov) is good


@pytest.mark.parametrize(("hi", "shown"), [(30.0, " (80%: 17–30)."), (1419.0, " (80%: 17 to over 240)."),
                                           (None, ".")])
def test_a_half_life_bound_beyond_twenty_years_reads_over_240_months(hi: float | None, shown: str,
                                                                     dash_app: Any) -> None:
    o = {"series_id": 1, "status": "declining", "growth_pct": None, "backtest_mase": None,
         "coverage_80": None, "half_life_months": 34.0, "half_life_lower": 17.0,
         "half_life_upper": hi, "changepoint": None, "model": None, "note": None}
    text = json.dumps(page("skills").skill_card("Objective-C", o, 24).to_plotly_json(),
                      default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    assert f'"Half-life: halving every 34 months on its 3-year trend{shown}"' in text
    assert "1419" not in text


@pytest.mark.parametrize(("growth", "said"), [(-5.0, True), (-23.0, True), (-24.0, False),
                                              (-45.0, False), (None, False)])
def test_a_half_life_beside_a_slower_forecast_says_the_fall_slows(growth: float | None, said: bool,
                                                                  dash_app: Any) -> None:
    """MySQL on HN: halving every 26 months on its trend, -5% forecast in 24 months. Beside each
    other the two numbers read as a contradiction unless the card says the forecast expects the
    fall to slow (less than half the -47% the trend implies), and by how much."""
    o = {"series_id": 1, "status": "declining", "growth_pct": growth, "growth_lower_80": None,
         "growth_upper_80": None, "horizon": 24, "backtest_mase": None, "coverage_80": None,
         "half_life_months": 26.0, "half_life_lower": 17.0, "half_life_upper": 60.0,
         "changepoint": None, "model": None, "note": None, "level": 2.0, "growth_basis": "share",
         "mentions_12m": None}
    text = json.dumps(page("skills").skill_card("MySQL", o, 24).to_plotly_json(),
                      default=lambda c: c.to_plotly_json(), ensure_ascii=False)
    slows = (f"The forecast expects the fall to slow: {growth or 0:+.0f}% in 24 months, against "
             "-47% if the trend held.")
    assert (slows in text) is said
    assert ("expects the fall to slow" in text) is said


def test_bounds_that_do_not_bracket_the_forecast_show_no_interval(tmp_path: Path) -> None:
    from skillpulse.dashboard.app import create_app
    from skillpulse.data import store

    db_path = build_db(tmp_path / "odd.duckdb", n_skills=12, runs=1, real_forecast=False)
    app = create_app(str(db_path))
    with app.server.app_context():
        db = queries.current()
        top = queries.movers(db, 1, 1).row(0, named=True)
        with store.write(db_path) as con:
            sqlfixtures.execute(con, "dash_fixture_unbracketed", run_id=1, series_id=top["series_id"])
            write_summaries(con, 1)
        o = queries.outlook_detail(db, 1, _measures(db, [top["series_id"]])).row(0, named=True)
        assert o["growth_pct"] is not None  # the judged interval is shown, never contradictory
        assert o["growth_lower_80"] - 1e-6 <= o["growth_pct"] <= o["growth_upper_80"] + 1e-6
        shown = {r["skill"]: r for r in page("home").update_overview(NEWEST)[2]}
        if top["skill"] in shown:  # the table shows the judged interval, which brackets growth
            r = shown[top["skill"]]
            assert r["lower_80"] - 0.1 <= r["growth_pct"] <= r["upper_80"] + 0.1


def test_explorer_resolves_aliases_case_insensitively(ctx: queries.Db) -> None:
    names = skill_names(ctx)
    first = sorted(names)[0]
    fig, cards, rows, alert, _notes = page("skills").update_explorer(
        *explorer_values([TEST_ALIAS.upper(), names[1]]))
    legend = [t.name for t in fig.data if t.showlegend is not False]
    assert legend == [first, names[1]]
    assert len(cards) == 2 and len(rows) == 2
    assert alert == []
    assert fig.layout.yaxis.title.text == "Share of job postings (%)"
    assert any(t.name == f"{first} 80% interval" for t in fig.data)
    assert "Backtest MASE" in text_of(cards)


@pytest.mark.parametrize(("scale", "view", "title"), [
    ("count", "absolute", "Postings per month"),
    ("index", "absolute", "Index (last 12 months = 100)"),
    ("share", "relative", "Relative to the whole market (index, last 12 months = 100)"),
])
def test_explorer_scales_and_views(ctx: queries.Db, scale: str, view: str, title: str) -> None:
    fig, *_ = page("skills").update_explorer(*explorer_values([skill_names(ctx)[0]], 12, scale, view))
    assert fig.layout.yaxis.title.text == title
    fan = next(t for t in fig.data if t.name.endswith("forecast"))
    assert len(fan.x) == 12 + 1  # horizon 12, joined to the last observation


def test_explorer_as_of_an_earlier_run_cuts_history(ctx: queries.Db) -> None:
    name = skill_names(ctx)[0]
    runs = queries.runs(ctx)
    old = runs.row(1, named=True)
    fig, *_ = page("skills").update_explorer(*explorer_values([name], run=old["run_id"]))
    hist = next(t for t in fig.data if t.name == name)
    assert max(hist.x) == old["as_of"].isoformat()
    fan = next(t for t in fig.data if t.name == f"{name} forecast")
    assert min(fan.x[1:]) > old["as_of"].isoformat()
    since = next(t for t in fig.data if t.name == f"{name} actual since")
    assert since.x[0] == old["as_of"].isoformat() and max(since.x) > old["as_of"].isoformat()


@pytest.mark.parametrize("junk", [
    explorer_values({"skill": 1}, "abc", 5, None, "9999"),
    explorer_values(["<script>alert(1)</script>"], 10**9, "foo", "up", -3),
    explorer_values([["nested"]], None, None, None, None),
    explorer_values("Not a skill", [24], ["share"], {}, [1, 2]),
])
def test_explorer_survives_any_json(ctx: queries.Db, junk: tuple[Any, ...]) -> None:
    fig, _cards, rows, alert, _notes = page("skills").update_explorer(*junk)
    assert fig is not None and rows == []
    assert "Pick one or more skills" in pio.to_json(fig) or "Unknown skill" in text_of(alert)


def test_explorer_unknown_skill_and_bad_url_give_friendly_alerts(ctx: queries.Db) -> None:
    _, _, _, alert, _ = page("skills").update_explorer(*explorer_values(["No Such Skill"]))
    assert "Unknown skill 'No Such Skill'" in text_of(alert)
    layout = page("skills").layout(skill=["nope", skill_names(ctx)[0]], horizon="abc", scale="foo",
                                   run="77", zzz="1")
    body = text_of(layout)
    for fragment in ("Unknown skill 'nope'", "'horizon=abc' is not a whole number",
                     "'scale=foo' is not one of", "no forecast run 77", "Unknown parameter(s) ignored: zzz"):
        assert fragment in body
    assert "Traceback" not in body


def test_layouts_render_for_every_page(ctx: queries.Db) -> None:
    assert "Skill demand outlook" in text_of(page("home").layout(run="abc"))
    assert "'run=abc' is not a whole number" in text_of(page("home").layout(run="abc"))
    assert "Categories" in text_of(page("categories").layout())
    meth = text_of(page("methodology").layout())
    for fragment in ("Indeed Hiring Lab", "CC BY 4.0", "O*NET 29.3 Database", "ryanwi/hiringtrends", "MIT"):
        assert fragment in meth


def test_category_click_opens_top_skills(ctx: queries.Db) -> None:
    cat = page("categories")
    growth = queries.category_growth(ctx)
    category = growth["category"][0]
    href = cat.open_category({"points": [{"y": category, "x": "2020"}]})
    assert href.startswith("/skills?skill=")
    assert cat.open_category({"points": [{"y": "Nope"}]}) is no_update
    assert cat.open_category("garbage") is no_update


def test_scorecard(ctx: queries.Db) -> None:
    _fig, rows = page("methodology").update_scorecard(NEWEST)
    assert rows[0]["model"] == "headline"
    assert {"median_mase", "coverage_80", "pct_beats_snaive"} <= set(rows[0])
    assert page("methodology").update_scorecard("x")[1] == rows


def test_security_headers_and_upload_limit(dash_app: Any) -> None:
    client = dash_app.server.test_client()
    resp = client.get("/skills?skill=%3Cscript%3E")
    assert resp.status_code == 200
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    big = b"{" + b" " * (dash_app.server.config["MAX_CONTENT_LENGTH"] + 10) + b"}"
    resp = client.post("/_dash-update-component", data=big, content_type="application/json")
    assert resp.status_code == 413


def test_query_cache_follows_published_versions(tmp_path: Path) -> None:
    path = build_db(tmp_path / "cache.duckdb", n_skills=5, runs=1)
    db = queries.Db(path, cache_size=4)
    first = queries.runs(db)
    again = queries.runs(db)
    assert again is first and db.hits == 1
    add_run(path)
    newer = queries.runs(db)
    assert newer.height == first.height + 1  # a new version: not served from the cache
    for i in range(6):
        queries.sparklines(db, [i + 1])
    assert len(db._cache) == 4
    off = queries.Db(path, cache_size=0)
    assert queries.runs(off) is not queries.runs(off) and off.hits == 0


def test_empty_state_without_a_forecast_run(empty_run_db: Path, dash_app: Any) -> None:
    with dash_app.server.app_context():
        saved = dash_app.server.extensions[queries.EXTENSION_KEY]
        dash_app.server.extensions[queries.EXTENSION_KEY] = queries.Db(empty_run_db)
        try:
            fresh, cards, risers, decliners, fig, _ = page("home").update_overview(NEWEST)
            assert "run 'skillpulse forecast'" in text_of(fresh) + text_of(cards)
            assert risers == [] and decliners == [] and len(fig.data) >= 1
            name = queries.skill_options(queries.current())["name"][0]
            fig, cards, _rows, _alert, notes = page("skills").update_explorer(*explorer_values([name]))
            assert [t.name for t in fig.data] == [name]
            assert "No forecast yet" in text_of(notes)
            assert "No forecast run yet" in pio.to_json(page("methodology").update_scorecard(NEWEST)[0])
            assert "Pick one or more skills" in text_of(page("skills").update_explorer(
                *explorer_values([]))[1])
        finally:
            dash_app.server.extensions[queries.EXTENSION_KEY] = saved


def test_first_paint_loads_no_polyfill_and_plotly_only_on_demand(dash_app: Any) -> None:
    from skillpulse.dashboard import app as shell

    client = dash_app.server.test_client()
    page_html = client.get("/").get_data(as_text=True)
    scripts = [line for line in page_html.splitlines() if "<script src=" in line]
    assert scripts and not [s for s in scripts if "polyfill" in s or "plotly" in s.lower()]
    for url in shell.PRELOAD:  # lazily requested chunks download early
        assert f'<link rel="preload" as="script" href="{url}">' in page_html
    bundle = client.get(shell.PLOTLY_URL)  # what dcc.Graph asks for: the app's small bundle
    assert bundle.status_code == 200 and bundle.mimetype == "application/javascript"
    assert len(bundle.get_data()) == (shell.ASSETS / shell.PLOTLY_BUNDLE).stat().st_size
