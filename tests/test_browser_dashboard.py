"""The dashboard in real headless Chromium against a real (gunicorn) server on a test database:
every page renders with data, selections go into the URL and come back from it (new context,
back/forward), CSV export downloads, malformed links are friendly, new runs show without restart."""
from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from skillpulse.dashboard import ids

from tests.browser_support import chromium_available, launch, running_server
from tests.fixtures_app import add_run, build_db

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
if not chromium_available():
    pytest.skip("Debian chromium or the playwright package is missing", allow_module_level=True)

TIMEOUT = 15_000


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("browser") / "ui.duckdb", n_skills=30, runs=2)


@pytest.fixture(scope="module")
def base(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(db, log=tmp_path_factory.mktemp("log") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


def new_context(browser: Any, *, strict_csp: bool = False) -> Any:
    # Playwright's wait_for_function evaluates strings, which our CSP (rightly) forbids; only the
    # render test keeps the real CSP and asserts nothing was refused.
    return browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True,
                               bypass_csp=not strict_csp)


@pytest.fixture
def strict_page(browser: Any) -> Iterator[Any]:
    yield from _page(browser, strict_csp=True)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    yield from _page(browser, strict_csp=False)


def _page(browser: Any, *, strict_csp: bool) -> Iterator[Any]:
    context = new_context(browser, strict_csp=strict_csp)
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.errors = errors
    yield pg
    context.close()


def skill_names(db: Path) -> list[str]:
    from skillpulse.dashboard import queries

    return queries.skill_options(queries.Db(db))["name"].to_list()


def selected_skills(pg: Any) -> list[str]:
    return [s.strip() for s in pg.locator(f"#{ids.EX_SKILLS} .dash-dropdown-value-item").all_inner_texts()]


def legend(pg: Any) -> list[str]:
    return pg.locator(f"#{ids.EX_FIGURE} .legendtext").all_text_contents()


def choose_skill(pg: Any, name: str) -> None:
    pg.click(f"#{ids.EX_SKILLS}")
    pg.fill(".dash-dropdown-search", name)
    pg.locator(".dash-dropdown-option", has_text=name).first.click()
    pg.keyboard.press("Escape")


def test_every_page_renders_with_data(base: str, strict_page: Any, db: Path) -> None:
    page = strict_page
    page.goto(base + "/")
    page.wait_for_selector(f"#{ids.OV_RISERS} .ag-row")
    assert page.locator(f"#{ids.OV_STATUS_CARDS} .kpi-card").count() == 7
    assert page.locator(f"#{ids.OV_DECLINERS} .ag-row").count() > 0
    page.wait_for_selector(f"#{ids.OV_MARKET} .scatterlayer .trace")
    assert "forecast run 2" in page.inner_text(f"#{ids.OV_FRESHNESS}")
    nav = page.locator(f"#{ids.NAVBAR} .nav-link").all_inner_texts()
    assert {"Overview", "Explorer", "Categories", "Methodology"} <= set(nav)

    name = skill_names(db)[0]
    page.goto(base + "/skills?skill=" + name.replace(" ", "+"))
    page.wait_for_selector(f"#{ids.EX_FIGURE} .scatterlayer .trace")
    assert legend(page) == [name]
    assert page.locator(f"#{ids.EX_BADGES} .backtest-badge").count() == 1

    page.goto(base + "/categories")
    page.wait_for_selector(f"#{ids.CAT_HEATMAP} .heatmaplayer .hm, #{ids.CAT_HEATMAP} .heatmaplayer image")
    assert page.locator(f"#{ids.CAT_TABLE} .ag-row").count() > 0

    page.goto(base + "/methodology")
    page.wait_for_selector(f"#{ids.METH_SCORECARD} .ag-row")
    body = page.inner_text("body")
    assert "O*NET 29.3 Database" in body and "Indeed Hiring Lab" in body and "hiringtrends" in body
    assert not [e for e in page.errors if "Content Security Policy" in e or "Refused" in e], page.errors
    assert not page.errors, page.errors


def test_selection_goes_into_the_url_and_comes_back(base: str, page: Any, browser: Any, db: Path) -> None:
    a, b = skill_names(db)[2:4]
    page.goto(base + "/skills")
    page.wait_for_selector(f"#{ids.EX_BADGES} .alert")
    choose_skill(page, a)
    page.wait_for_function(f"location.search.includes({a.replace(' ', '+')!r})")
    choose_skill(page, b)
    page.wait_for_function("new URLSearchParams(location.search).getAll('skill').length === 2")
    page.click(f"#{ids.EX_SCALE} label:has-text('Index')")
    page.wait_for_function("location.search.includes('scale=index')")
    url = page.url
    page.wait_for_function(f"document.querySelectorAll('#{ids.EX_FIGURE} .legendtext').length === 2")

    fresh = new_context(browser)
    other = fresh.new_page()
    other.set_default_timeout(TIMEOUT)
    other.goto(url)
    other.wait_for_function(f"document.querySelectorAll('#{ids.EX_FIGURE} .legendtext').length === 2")
    other.wait_for_selector(f"#{ids.EX_SKILLS} .dash-dropdown-value-item")  # the dropdown renders lazily
    assert selected_skills(other) == [a, b]
    assert legend(other) == [a, b]
    assert "Index" in other.text_content(f"#{ids.EX_FIGURE} .ytitle")
    fresh.close()

    page.go_back()  # scale=index undone
    page.wait_for_function("!location.search.includes('scale=index')")
    page.wait_for_function(
        f"((document.querySelector('#{ids.EX_FIGURE} .ytitle') || {{}}).textContent || '').includes('Share')")
    page.go_back()  # second skill undone
    page.wait_for_function(f"document.querySelectorAll('#{ids.EX_FIGURE} .legendtext').length === 1")
    assert selected_skills(page) == [a]
    page.go_forward()
    page.wait_for_function(f"document.querySelectorAll('#{ids.EX_FIGURE} .legendtext').length === 2")


def test_heatmap_click_opens_the_category_in_the_explorer(base: str, page: Any) -> None:
    page.goto(base + "/categories")
    page.wait_for_selector(f"#{ids.CAT_HEATMAP} .heatmaplayer")
    box = page.locator(f"#{ids.CAT_HEATMAP} .nsewdrag").first.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_url("**/skills?skill=**")
    page.wait_for_selector(f"#{ids.EX_FIGURE} .legendtext")
    assert len(legend(page)) >= 1


def test_csv_export_downloads(base: str, page: Any) -> None:
    page.goto(base + "/")
    page.wait_for_selector(f"#{ids.OV_RISERS} .ag-row")
    with page.expect_download() as info:
        page.click(f"#{ids.OV_RISERS_CSV}")
    download = info.value
    assert download.suggested_filename == "skillpulse-top-risers.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][:4] == ["Skill", "Status", "Postings/month", "Growth %"]  # volume beside growth
    assert len(rows) == page.locator(f"#{ids.OV_RISERS} .ag-row").count() + 1
    assert not rows[1][0].startswith("[")  # plain names, not markdown links
    # each name is a link to its explorer view (assets/skillpulse.js SkillLink)
    links = page.locator(f"#{ids.OV_RISERS} .ag-row a[href^='/skills?skill=']")
    assert links.count() == len(rows) - 1
    first = links.first
    assert first.inner_text() == rows[1][0]
    first.click()
    page.wait_for_selector(f"#{ids.EX_FIGURE} .legendtext")
    assert page.locator(f"#{ids.EX_FIGURE} .legendtext").first.text_content() == rows[1][0]


def test_malformed_url_shows_friendly_message(base: str, page: Any) -> None:
    page.goto(base + "/skills?horizon=abc&scale=foo&skill=No+Such+Skill&run=999&x=1")
    alert = page.wait_for_selector(".friendly-alert")
    text = alert.inner_text()
    assert "'horizon=abc' is not a whole number" in text and "Unknown skill 'No Such Skill'" in text
    assert "Traceback" not in page.content()
    page.goto(base + "/?run=abc")
    assert "'run=abc' is not a whole number" in page.wait_for_selector(".friendly-alert").inner_text()


def test_new_run_shows_without_restart(base: str, page: Any, db: Path) -> None:
    page.goto(base + "/")
    page.wait_for_selector(f"#{ids.OV_FRESHNESS} strong")
    assert "forecast run 2" in page.inner_text(f"#{ids.OV_FRESHNESS}")
    add_run(db)
    # The server adopts a published version once it has warmed it (well under a second idle):
    # until then a reload shows the previous run, whole; after, never again.
    shows_new = (f"((document.querySelector('#{ids.OV_FRESHNESS}') || {{}}).innerText || '')"
                 ".includes('forecast run 3')")
    deadline = time.monotonic() + 20
    while True:
        page.reload()
        page.wait_for_selector(f"#{ids.OV_FRESHNESS} strong")
        if page.evaluate(shows_new) or time.monotonic() > deadline:
            break
        page.wait_for_timeout(250)
    page.wait_for_function(shows_new)
    page.reload()
    page.wait_for_function(shows_new)
    options = page.locator(f"#{ids.OV_RUN}").inner_text()
    assert "Newest run" in options


def test_copy_link_copies_the_current_url_with_the_full_state(base: str, browser: Any, db: Path) -> None:
    a, b = skill_names(db)[4:6]
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    pg = context.new_page()
    pg.set_default_timeout(TIMEOUT)
    try:
        pg.goto(base + "/skills?skill=" + a.replace(" ", "+") + "&horizon=12&run=1")
        pg.wait_for_selector(f"#{ids.EX_FIGURE} .legendtext")
        choose_skill(pg, b)  # state changed in the browser after the page loaded
        pg.wait_for_function("new URLSearchParams(location.search).getAll('skill').length === 2")
        pg.click(f"#{ids.EX_VIEW} label:has-text('vs market')")
        pg.wait_for_function("location.search.includes('view=relative')")
        pg.evaluate("navigator.clipboard.writeText('stale')")
        pg.click(f"#{ids.COPY_LINK}")
        copied = "stale"
        for _ in range(50):  # dcc.Clipboard copies after its content callback has run
            copied = pg.evaluate("navigator.clipboard.readText()")
            if copied != "stale":
                break
            pg.wait_for_timeout(100)
        assert copied == pg.url
        from urllib.parse import parse_qs, urlsplit

        state = parse_qs(urlsplit(copied).query)
        assert state["skill"] == [a, b] and state["horizon"] == ["12"] and state["run"] == ["1"]
        assert state["view"] == ["relative"]
    finally:
        context.close()
