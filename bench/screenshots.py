"""Screenshots of the overview and the explorer for the README (``docs/screenshots/*.png``).

Serves a demo database with the production server and captures both pages in headless Debian
Chromium at laptop size: the database ``skillpulse demo --no-serve --db PATH`` built (``--db``),
or else one built here (320 skills × 132 months, real forecast runs).

    .venv/bin/skillpulse demo --no-serve --db /tmp/demo.duckdb
    .venv/bin/python bench/screenshots.py --db /tmp/demo.duckdb [--out docs/screenshots]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser_support import launch, running_server  # noqa: E402
from tests.fixtures_app import build_db  # noqa: E402

EXPLORER_SKILLS = ("Large language models", "Python", "Kubernetes", "jQuery")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    parser.add_argument("--db", default=None, help="an existing demo database (else one is built)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.urlstate import skills_href

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(args.db) if args.db else build_db(Path(tmp) / "demo.duckdb", n_skills=320,
                                                    months=132, runs=2)
        names = set(queries.skill_options(queries.Db(db))["name"].to_list())
        picks = [s for s in EXPLORER_SKILLS if s in names] or sorted(names)[:3]
        with running_server(db) as base, sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
            page.goto(base + "/")
            page.wait_for_selector("#ov-risers .ag-row")
            page.wait_for_selector("#ov-market .scatterlayer .trace")
            time.sleep(0.8)
            page.screenshot(path=str(out / "overview.png"), full_page=True)
            page.goto(base + skills_href(picks))
            page.wait_for_selector("#ex-table .ag-row")
            page.wait_for_selector("#ex-figure .scatterlayer .trace")
            time.sleep(0.8)
            page.screenshot(path=str(out / "explorer.png"), full_page=True)
            browser.close()
    print(f"wrote {out / 'overview.png'} and {out / 'explorer.png'}")


if __name__ == "__main__":
    main()
