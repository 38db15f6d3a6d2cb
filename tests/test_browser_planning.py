"""Browser tests of /catalogue and /gaps in headless Chromium: demo default, upload, bad upload,
URL filters that reproduce the view. Also the page callbacks called as plain functions."""
from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from pathlib import Path

import dash
import pytest
from skillpulse.dashboard import ids
from skillpulse.data.demo import generate_series
from skillpulse.data.demo_samples import write_samples

from tests.fixtures_app import add_run, build_db

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
N_SKILLS, MONTHS = 60, 120

UPLOAD_COURSES = b"course_id,title,skills\nU1,My legacy course,%s\nU2,Mystery,Nonexistent skill\n"
UPLOAD_INVENTORY = b"person,skill,proficiency\nPat,%s,5\nPat,%s,1\n"


@pytest.fixture(scope="module")
def planning_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A small database (synthetic forecast run) with the demo sample files next to it, and a
    skill of each outlook class for uploads."""
    path = build_db(tmp_path_factory.mktemp("browser_planning") / "demo.duckdb",
                    n_skills=N_SKILLS, months=MONTHS)
    _, truth = generate_series(n_skills=N_SKILLS, months=MONTHS)
    write_samples(path, truth)
    from skillpulse.data import store

    with store.read(path) as con:
        o = con.cursor().sql(
            "SELECT k.name, o.status FROM outlook o JOIN series s USING (series_id) "
            "JOIN skill k USING (skill_id) WHERE k.category <> 'market'").pl()
    picks = {}
    for name, status in o.iter_rows():
        key = {"obsolescent": "D", "declining": "D", "rising": "R", "emerging": "R"}.get(status)
        if key and key not in picks:
            picks[key] = name
    assert set(picks) == {"D", "R"}, "fixture needs a declining and a rising skill"
    return path, picks


@pytest.fixture(scope="module")
def app(planning_db: tuple[Path, dict[str, str]]):  # type: ignore[no-untyped-def]
    from skillpulse.dashboard.app import create_app

    return create_app(str(planning_db[0]))


def _page(path: str):  # type: ignore[no-untyped-def]
    """The page module as the app loaded it (importing ``dashboard.pages.x`` again would register
    the page twice)."""
    import sys

    import dash

    entry = next(p for p in dash.page_registry.values() if p["path"] == path)
    return sys.modules[entry["module"]]


def _data_url(data: bytes) -> str:
    return "data:text/csv;base64," + base64.b64encode(data).decode()


# -- callbacks as plain functions ----------------------------------------------------------------

def test_catalogue_callbacks(app, planning_db) -> None:  # type: ignore[no-untyped-def]
    catalogue = _page("/catalogue")
    _, picks = planning_db
    with app.server.app_context():
        demo = catalogue.demo_payload()
        rows, cards, source, _ = catalogue.render(demo, "all")
        assert rows and "demo sample" in source and len(cards) == 4
        assert catalogue.render({"rows": "junk"}, "nonsense")[0] == []  # posted JSON is not trusted
        store, note = catalogue.triage_upload(_data_url(UPLOAD_COURSES % picks["D"].encode()),
                                              "mine.csv")
        assert store["filename"] == "mine.csv"
        actions = {r["course_id"]: r["action"] for r in store["rows"]}
        assert actions["U1"] == "retire"
        assert "Nonexistent skill" in str(note)
        rows, _, source, _ = catalogue.render(store, "retire")
        assert [r["course_id"] for r in rows] == ["U1"] and "your upload" in source
        store, err = catalogue.triage_upload(_data_url(b"course_id,title\nX,Y\n"), "bad.csv")
        assert store is dash.no_update and "bad.csv, row 1, column 'skills'" in str(err)


def test_upload_size_checked_on_server(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from skillpulse.data.settings import Settings

    gaps = _page("/gaps")
    monkeypatch.setattr(gaps, "get_settings", lambda: Settings(max_upload_bytes=100))
    with app.server.app_context():
        store, err = gaps.plan_upload(_data_url(b"person,skill\n" + b"A,SQL\n" * 50), "big.csv")
    assert store is dash.no_update and "upload limit" in str(err)


def test_gaps_callbacks_and_url_never_carry_uploaded_names(app, planning_db) -> None:  # type: ignore[no-untyped-def]
    gaps = _page("/gaps")
    _, picks = planning_db
    with app.server.app_context():
        store, _ = gaps.plan_upload(
            _data_url(UPLOAD_INVENTORY % (picks["D"].encode(), picks["R"].encode())), "team.csv")
        kinds = {(r["person"], r["skill"]): r["kind"] for r in store["rows"]}
        assert kinds[("Pat", picks["D"])] == "retire"
        assert kinds[("Pat", picks["R"])] == "deepen"
        rows, people, _team, _fig, _plan, source, options = gaps.render(store, "Pat", "deepen")
        assert [r["skill"] for r in rows] == [picks["R"]]
        assert options == [{"label": "Pat", "value": "Pat"}] and len(people) == 1
        assert "your upload team.csv" in source
        demo = gaps.demo_payload()
        assert not demo["uploaded"] and demo["people"]
        assert gaps.render({"people": [{"x": 1}], "rows": 3}, None, "all")[0] == []
    assert gaps.state_search("Pat", "deepen", uploaded=True) == "?kind=deepen"
    assert gaps.state_search("Ada A.", "all", uploaded=False) == "?person=Ada+A."


def test_demo_samples_computed_once_per_published_version(app, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The pages' default view (the demo samples) is not recomputed on every page load: it is
    cached like the other queries, keyed by the published database version."""
    from skillpulse.dashboard import queries
    from skillpulse.services import planning

    path = build_db(tmp_path / "demo.duckdb", n_skills=N_SKILLS, months=MONTHS)
    _, truth = generate_series(n_skills=N_SKILLS, months=MONTHS)
    write_samples(path, truth)
    calls: list[str] = []
    for name in ("triage", "plan"):
        real = getattr(planning, name)
        monkeypatch.setattr(planning, name, lambda con, data, filename, real=real, name=name: (
            calls.append(name), real(con, data, filename))[1])
    catalogue, gaps = _page("/catalogue"), _page("/gaps")
    db = queries.Db(path)
    with app_with_db(db):
        first = catalogue.demo_payload()
        assert catalogue.demo_payload() == first and gaps.demo_payload() == gaps.demo_payload()
        assert calls == ["triage", "plan"]
        add_run(path)  # a new published version: computed again, once
        catalogue.demo_payload(), catalogue.demo_payload(), gaps.demo_payload()
        assert calls == ["triage", "plan", "triage", "plan"]


def app_with_db(db):  # type: ignore[no-untyped-def]
    """An app context whose pages read ``db``."""
    import contextlib

    from flask import Flask
    from skillpulse.dashboard import queries

    @contextlib.contextmanager
    def ctx():  # type: ignore[no-untyped-def]
        server = Flask(__name__)
        server.extensions[queries.EXTENSION_KEY] = db
        with server.app_context():
            yield
    return ctx()


# -- real browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


def _rows(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(".ag-center-cols-container .ag-row").all_inner_texts()


@pytest.mark.browser
def test_catalogue_page_upload_and_shared_filter(server, browser, planning_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, picks = planning_db
    page = browser.new_page()
    page.goto(f"{server}/catalogue?action=build")
    page.wait_for_selector("text=demo sample catalogue", timeout=20000)
    page.wait_for_selector(".ag-row", timeout=20000)
    assert all("build" in r for r in _rows(page))
    page.get_by_label("retire", exact=True).check()
    page.wait_for_url("**/catalogue?action=retire", timeout=10000)
    file = tmp_path / "my courses.csv"
    file.write_bytes(UPLOAD_COURSES % picks["D"].encode())
    page.set_input_files(f"#{ids.CG_UPLOAD} input[type=file]", str(file))
    page.wait_for_selector("text=your upload my courses.csv", timeout=20000)
    page.wait_for_selector("text=My legacy course", timeout=10000)
    assert "Nonexistent skill" in page.inner_text(f"#{ids.CG_ALERT}")
    assert "My legacy course" not in page.url  # uploaded data never in the link
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"course_id,title,skills\nC1,T,Go\nC1,U,Go\n")
    page.set_input_files(f"#{ids.CG_UPLOAD} input[type=file]", str(bad))
    page.wait_for_selector(".upload-error", timeout=10000)
    assert "bad.csv, row 3, column 'course_id'" in page.inner_text(".upload-error")
    page.close()


@pytest.mark.browser
def test_gaps_page_upload_and_person_link(server, browser, planning_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, picks = planning_db
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(f"{server}/gaps?kind=acquire")
    page.wait_for_selector("text=demo sample inventory", timeout=20000)
    page.wait_for_selector(f"#{ids.GP_TABLE} .ag-row", timeout=20000)
    kinds = page.locator(f"#{ids.GP_TABLE} .ag-center-cols-container [col-id=kind]").all_inner_texts()
    assert kinds and set(kinds) == {"acquire"}
    # a shared link with a person from the demo sample reproduces that person's view
    fresh = browser.new_context().new_page()
    fresh.goto(f"{server}/gaps?person=Ada+A.")
    fresh.wait_for_selector(f"#{ids.GP_PLAN} h3", timeout=20000)
    assert fresh.locator(f"#{ids.GP_PLAN} h3").all_inner_texts() == ["Ada A."]
    fresh.context.close()
    file = tmp_path / "team.csv"
    file.write_bytes(UPLOAD_INVENTORY % (picks["D"].encode(), picks["R"].encode()))
    page.set_input_files(f"#{ids.GP_UPLOAD} input[type=file]", str(file))
    page.wait_for_selector("text=your upload team.csv", timeout=20000)
    page.get_by_label("all", exact=True).check()
    page.wait_for_selector(f"#{ids.GP_TABLE} .ag-row:has-text('{picks['R']}')", timeout=10000)
    # the table re-renders for "all" after the upload: wait for the rows of the other kinds too
    page.wait_for_selector(f"#{ids.GP_TABLE} .ag-center-cols-container [col-id=kind]:has-text('retire')",
                           timeout=10000)
    body = " ".join(_rows(page))
    assert "Pat" in body and "retire" in body and "deepen" in body
    assert "Pat" not in page.url
    bad = tmp_path / "bad team.csv"
    bad.write_bytes(b"person,skill,proficiency\nPat,SQL,7\n")
    page.set_input_files(f"#{ids.GP_UPLOAD} input[type=file]", str(bad))
    page.wait_for_selector(".upload-error", timeout=10000)
    assert "row 2, column 'proficiency'" in page.inner_text(".upload-error")
    ctx.close()
