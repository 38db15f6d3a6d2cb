"""Every page in headless Chromium (real CSP) with hostile names in the data: no element injected
from a name, no link leaving the app, zero CSP violations; a multi-word skill link from the
overview opens that skill; the grid's CSV download neutralises a formula; an upload over the
limit is refused with a sentence before anything is sent."""
from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import polars as pl
import pytest
from skillpulse.dashboard import ids
from skillpulse.data import store

from tests.browser_support import chromium_available, running_server
from tests.fixtures_app import add_run, demo_frames, load_frame
from tests.test_browser_dashboard import browser  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
if not chromium_available():
    pytest.skip("Debian chromium or the playwright package is missing", allow_module_level=True)

TIMEOUT = 20_000
EVIL_LINK = '<a href="https://evil.example/login">Python (official)</a>'
EVIL_IMG = "<img src=x onerror=\"document.title='pwned'\">"
EVIL_STYLE = '<span style="color:red;font-size:80px">Big</span>'
FORMULA = '=HYPERLINK("https://evil.example","click")'
EVIL_CATEGORY = "<b>Bold</b> & <i>co</i>"
RENAME = {"REST APIs": EVIL_LINK, "Node.js": EVIL_IMG, "Blockchain": EVIL_STYLE, "Tableau": FORMULA}
PAGES = ["/", "/skills?skill=" + quote(EVIL_LINK), "/skills?skill=" + quote(EVIL_IMG),
         "/categories", "/catalogue", "/gaps", "/changes", "/methodology"]
UPLOAD_LIMIT = 4096


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "h.duckdb"
    frame, taxonomy = demo_frames(n_skills=16, months=96)
    frame = frame.with_columns(pl.col("skill").replace(RENAME))
    taxonomy = taxonomy.with_columns(
        pl.col("name").replace(RENAME),
        pl.when(pl.col("name") == "Blockchain").then(pl.lit(EVIL_CATEGORY))
        .otherwise(pl.col("category")).alias("category"))
    with store.write(path) as con:
        load_frame(con, frame, taxonomy)
    add_run(path)
    return path


@pytest.fixture(scope="module")
def base(db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLPULSE_MAX_UPLOAD_BYTES", str(UPLOAD_LIMIT))
        with running_server(db, log=tmp_path_factory.mktemp("log") / "server.log") as url:
            yield url


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    pg = context.new_page()  # the real CSP: nothing bypassed
    pg.set_default_timeout(TIMEOUT)
    messages: list[str] = []
    pg.on("console", lambda m: messages.append(m.text) if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: messages.append(str(e)))
    pg.messages = messages
    yield pg
    context.close()


def _assert_nothing_injected(pg: Any, base: str, path: str) -> None:
    assert pg.locator("img[src='x'], [onerror]").count() == 0, path
    assert pg.locator("[style*='font-size:80px'], [style*='font-size: 80px']").count() == 0, path
    assert pg.locator("b:text('Bold'), i:text('co')").count() == 0, path
    for link in pg.locator("a[href], [href]").all():
        href = link.get_attribute("href") or link.get_attribute("xlink:href") or ""
        host = urlsplit(href).hostname
        assert host != "evil.example" and not href.lower().startswith("javascript:"), (path, href)
        assert host in (None, "127.0.0.1") or path == "/methodology", (path, href)  # attributions
    assert pg.title() != "pwned"


def test_every_page_with_hostile_names_injects_nothing_and_violates_no_csp(base: str, page: Any) -> None:
    for path in PAGES:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.wait_for_selector(".page-body >> text=/./")
        _assert_nothing_injected(page, base, path)
    page.goto(base + "/skills?skill=" + quote(EVIL_LINK))
    page.wait_for_selector(f"#{ids.EX_FIGURE} .legendtext")
    assert page.locator(f"#{ids.EX_FIGURE} .legendtext").all_text_contents() == [EVIL_LINK]
    refused = [m for m in page.messages if "Content Security Policy" in m or "Refused" in m]
    assert not refused, refused


def test_a_multi_word_skill_from_the_overview_opens_that_skill(base: str, page: Any) -> None:
    page.goto(base + "/")
    page.wait_for_selector(f"#{ids.OV_RISERS} .ag-row, #{ids.OV_DECLINERS} .ag-row")
    links = page.locator(f"#{ids.OV_RISERS} a, #{ids.OV_DECLINERS} a").all()
    multi = [a for a in links if " " in a.inner_text().strip()]
    assert multi, [a.inner_text() for a in links]
    name = multi[0].inner_text().strip()
    multi[0].click()
    page.wait_for_selector(f"#{ids.EX_FIGURE} .legendtext")
    assert "Unknown skill" not in page.inner_text("body")
    assert page.locator(f"#{ids.EX_FIGURE} .legendtext").all_text_contents() == [name]


def test_the_grid_csv_download_neutralises_formulas(base: str, page: Any) -> None:
    page.goto(base + "/skills?skill=" + quote(FORMULA))
    page.wait_for_selector(f"#{ids.EX_TABLE} .ag-row")
    with page.expect_download() as info:
        page.click(f"#{ids.EX_TABLE_CSV}")
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert "'" + FORMULA in cells and FORMULA not in cells


def test_an_upload_over_the_limit_is_refused_with_a_sentence(base: str, page: Any, tmp_path: Path) -> None:
    big = tmp_path / "courses.csv"
    big.write_text("course_id,title,skills\n" + "C1,Intro,Python\n" * 400)
    assert os.path.getsize(big) > UPLOAD_LIMIT
    page.goto(base + "/catalogue")
    page.wait_for_selector(f"#{ids.CG_UPLOAD} input[type=file]", state="attached")
    page.set_input_files(f"#{ids.CG_UPLOAD} input[type=file]", str(big))
    page.wait_for_selector(f"#{ids.CG_UPLOAD}-refused:has-text('upload limit')")
    message = page.inner_text(f"#{ids.CG_UPLOAD}-refused")
    assert "courses.csv is" in message and "over the 4 KB upload limit; nothing was sent" in message
