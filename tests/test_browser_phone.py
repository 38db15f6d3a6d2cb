"""Shared links on a phone: every page at 390 × 844 in headless Chromium opens with the menu
collapsed (the toggler opens it, following a link closes it again), and no element reaches past
the right edge of the viewport (figures, grids and cards fit; wide tables scroll inside
themselves)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_support import chromium, chromium_available, running_server
from tests.fixtures_app import build_db

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
if not chromium_available():
    pytest.skip("Debian chromium or the playwright package is missing", allow_module_level=True)

PHONE = {"width": 390, "height": 844}
TIMEOUT = 30_000  # waits only: the shared CI machine can be slow to draw a heatmap

# Every element's box, clipped by the ancestors that clip or scroll their overflow: what reaches
# past the viewport's right edge is what a phone user would have to scroll sideways to see.
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none') continue;
    let left = r.left, right = r.right;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' || s.position === 'fixed') {
        const ar = a.getBoundingClientRect();
        left = Math.max(left, ar.left); right = Math.min(right, ar.right);
      }
    }
    if (right - left <= 0) continue;
    if (right > W + 1) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '');
      out.push(name + ' ' + Math.round(left) + '..' + Math.round(right));
    }
  }
  return {width: W, scroll: document.documentElement.scrollWidth, wide: out.slice(0, 12)};
}"""


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = build_db(tmp_path_factory.mktemp("phone") / "phone.duckdb", n_skills=30, runs=2,
                  real_forecast=False)
    with running_server(db, log=tmp_path_factory.mktemp("log") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    yield page
    context.close()


def skills_from_overview(page: Any, base: str) -> list[str]:
    page.goto(base + "/")
    page.wait_for_selector("#ov-risers .ag-row")
    return [a.inner_text() for a in page.locator("#ov-risers .ag-row a").all()[:2]]


PAGES = [  # path, what shows the page's content has rendered
    ("/", "#ov-risers .ag-row"),
    ("/skills", "#ex-figure .scatterlayer .trace"),
    ("/categories", "#cat-heatmap .heatmaplayer"),
    ("/catalogue", "#navbar"),
    ("/gaps", "#navbar"),
    ("/changes", "#ch-table .ag-row"),
    ("/methodology", "#meth-scorecard .ag-row"),
]


def open_drawn(phone: Any, base: str, path: str, ready: str) -> None:
    """Open ``path`` (the explorer with two of the overview's risers) and wait until it is drawn."""
    url = base + path
    if path == "/skills":
        url += "?" + "&".join(f"skill={s.replace(' ', '+')}" for s in skills_from_overview(phone, base))
    phone.goto(url)
    phone.wait_for_selector(ready)
    phone.wait_for_load_state("networkidle")
    phone.wait_for_timeout(300)  # plotly's responsive resize, grids' column sizing


@pytest.mark.parametrize(("path", "ready"), PAGES)
def test_page_fits_a_phone(base: str, phone: Any, path: str, ready: str) -> None:
    open_drawn(phone, base, path, ready)
    menu = phone.locator("#navbar-collapse")
    assert "show" not in (menu.get_attribute("class") or "").split()
    assert not phone.locator("#navbar .nav-link").first.is_visible()
    assert phone.locator("#navbar-toggler").is_visible()
    report = phone.evaluate(OVERFLOW_JS)
    assert report["width"] == PHONE["width"]
    assert report["scroll"] <= report["width"], report
    assert report["wide"] == [], report
    assert not phone.errors, phone.errors


def test_toggler_opens_the_menu_and_a_link_closes_it(base: str, phone: Any) -> None:
    phone.goto(base + "/methodology")
    phone.wait_for_selector("#meth-scorecard .ag-row")
    phone.click("#navbar-toggler")
    link = phone.locator("#navbar .nav-link", has_text="Changes")
    link.wait_for(state="visible")
    link.click()
    phone.wait_for_url("**/changes")
    phone.wait_for_selector("#ch-table .ag-row")
    phone.wait_for_function("!document.querySelector('#navbar-collapse').classList.contains('show')"
                            " && !document.querySelector('#navbar-collapse').classList.contains"
                            "('collapsing')")
    assert not phone.locator("#navbar .nav-link").first.is_visible()


def test_wide_screens_keep_the_menu_open(base: str, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base + "/")
    page.wait_for_selector("#ov-risers .ag-row")
    assert page.locator("#navbar .nav-link", has_text="Changes").is_visible()
    assert page.locator("#navbar-toggler").is_hidden()
    context.close()


# The box of the toolbar and of the legend of each figure on the page, when both are shown.
TOOLBAR_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(g => {
  const mb = g.querySelector('.modebar'), lg = g.querySelector('.legend');
  if (!mb || !lg) return null;
  const a = mb.getBoundingClientRect(), b = lg.getBoundingClientRect();
  return {id: g.id, toolbar: [a.left, a.top, a.right, a.bottom], legend: [b.left, b.top, b.right, b.bottom]};
}).filter(x => x)"""


@pytest.mark.parametrize(("path", "ready"), [PAGES[0], PAGES[1]])
def test_the_figure_toolbar_stays_off_the_legend_on_a_phone(base: str, phone: Any, path: str,
                                                            ready: str) -> None:
    # a touch screen always shows plotly's toolbar; at the top of the figure it covered the legend
    open_drawn(phone, base, path, ready)
    boxes = phone.evaluate(TOOLBAR_JS)
    assert boxes, "no figure with both a toolbar and a legend"
    for box in boxes:
        t, lg = box["toolbar"], box["legend"]
        apart = t[3] <= lg[1] or lg[3] <= t[1] or t[2] <= lg[0] or lg[2] <= t[0]
        assert apart, box
