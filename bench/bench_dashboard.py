"""Dashboard speed on a scaled-up demo: 10,000 series × 120 months.

Measures, in one run, with the query cache on (``Settings.cache_size``) and off (0):
  1. server-side time of each callback (the Python callback plus the JSON encoding Dash does),
     p50/p95 over repeated calls with rotating inputs (each input seen 4 times: 1 miss, 3 hits);
     URL ⇄ controls sync runs in the browser (no server time);
  2. time to a usable page in headless Chromium for ``/`` and ``/skills`` with 5 skills, against
     the production server (gunicorn): a first visit in a fresh browser context (empty cache, as
     when opening a shared link) and a revisit in the same context (scripts cached).
Goals: callback p95 ≤ 50 ms; usable page ≤ 1.5 s.

    .venv/bin/python bench/bench_dashboard.py [--segments 40] [--skills 250] [--real-forecast]

Forecast rows are synthesized by default (fitting 10,000 series takes minutes on 2 cores and is
not what is measured here); ``--real-forecast`` runs ``models.batch.run_forecast`` instead.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import plotly.utils  # noqa: E402

from tests.browser_support import launch, running_server  # noqa: E402
from tests.fixtures_app import bench_db, page  # noqa: E402

REPEAT = 4


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def timed(fn: Callable[..., Any], args: tuple[Any, ...]) -> float:
    t = time.perf_counter()
    out = fn(*args)
    json.dumps(out, cls=plotly.utils.PlotlyJSONEncoder)  # Dash serialises every response
    return (time.perf_counter() - t) * 1000


Cases = dict[str, tuple[Callable[..., Any], list[tuple[Any, ...]]]]


def callback_cases(db_path: Path, seed: int = 3) -> Cases:
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.components import NEWEST

    db = queries.Db(db_path, cache_size=0)
    names = queries.skill_options(db)["name"].to_list()
    runs = queries.runs(db)["run_id"].to_list()
    cats = queries.category_growth(db)["category"].unique().sort().to_list()
    rng = random.Random(seed)
    picks = [tuple(rng.sample(names, 5)) for _ in range(12)]
    scales = ("share", "count", "index")
    explorer = [(list(p), 24, scales[i % 3], "relative" if i % 4 == 3 else "absolute",
                 None, None, None, NEWEST, 0) for i, p in enumerate(picks)]
    home, skills, cat, meth = page("home"), page("skills"), page("categories"), page("methodology")
    return {
        "overview run change (callback)": (home.update_overview, [(NEWEST,), *[(r,) for r in runs]]),
        "explorer control change (5 skills)": (skills.update_explorer, explorer),
        "overview page (layout + first view)": (lambda r: home.layout(run=r),
                                                [(None,), *[(str(r),) for r in runs]]),
        "explorer page (layout + first view)": (lambda p: skills.layout(skill=list(p), horizon="12"),
                                                [(p,) for p in picks]),
        "categories click → link": (cat.open_category, [({"points": [{"y": c}]},) for c in cats[:12]]),
        "categories page layout": (cat.layout, [()]),
        "methodology scorecard": (meth.update_scorecard, [(NEWEST,), *[(r,) for r in runs]]),
    }


def bench_callbacks(db_path: Path, cache_size: int) -> dict[str, list[float]]:
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.app import create_app

    app = create_app(str(db_path))
    out: dict[str, list[float]] = {}
    with app.server.app_context():
        app.server.extensions[queries.EXTENSION_KEY] = queries.Db(db_path, cache_size=cache_size)
        queries.warm_up(queries.current())
        for name, (fn, inputs) in callback_cases(db_path).items():
            timed(fn, inputs[0])  # first call: imports and plotly validators, not the query path
            times = []
            for _ in range(REPEAT):
                for args in inputs:
                    times.append(timed(fn, args))
            out[name] = times
    return out


def bench_browser(db_path: Path, cache_size: int, visits: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.urlstate import skills_href

    names = queries.skill_options(queries.Db(db_path, cache_size=0))["name"].to_list()
    five = skills_href(random.Random(5).sample(names, 5))
    targets = {
        "/": ("/", ["#ov-risers .ag-row", "#ov-decliners .ag-row", "#ov-market .scatterlayer .trace",
                    "#ov-status-cards .kpi-card"]),
        "/skills (5 skills)": (five, ["#ex-table .ag-row", "#ex-figure .legendtext",
                                      "#ex-badges .skill-card"]),
    }
    out: dict[str, list[float]] = {}
    with running_server(db_path, cache_size=cache_size) as base, sync_playwright() as p:
        browser = launch(p)
        warm = browser.new_page()
        for path, _ in targets.values():
            warm.goto(base + path)
            warm.wait_for_load_state("networkidle")
        warm.close()

        def visit(pg: Any, path: str, selectors: list[str]) -> float:
            t = time.perf_counter()
            pg.goto(base + path)
            for sel in selectors:
                pg.wait_for_selector(sel, timeout=30_000)
            return (time.perf_counter() - t) * 1000

        for label, (path, selectors) in targets.items():
            cold, again = out.setdefault(f"{label} first visit", []), out.setdefault(f"{label} revisit", [])
            for _ in range(visits):
                # a fresh context: empty browser cache, like someone opening a shared link
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                pg = context.new_page()
                cold.append(visit(pg, path, selectors))
                pg.goto("about:blank")
                again.append(visit(pg, path, selectors))  # same context: scripts from cache
                context.close()
        browser.close()
    return out


def row(name: str, on: list[float], off: list[float], goal: float) -> str:
    p50_on, p95_on, p50_off, p95_off = pct(on, .5), pct(on, .95), pct(off, .5), pct(off, .95)
    ok = "yes" if p95_on <= goal else "NO"
    return (f"{name:<42} {p50_on:>8.1f} {p95_on:>8.1f} {p50_off:>8.1f} {p95_off:>8.1f} "
            f"{p95_off / max(p95_on, 1e-9):>7.1f}x {ok:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description="dashboard benchmark")
    parser.add_argument("--skills", type=int, default=250)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--visits", type=int, default=6)
    parser.add_argument("--real-forecast", action="store_true")
    parser.add_argument("--db", default=None, help="reuse (or create) this database file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = bench_db(Path(args.db) if args.db else Path(tmp) / "bench.duckdb", n_skills=args.skills,
                      segments=args.segments, months=args.months, real_forecast=args.real_forecast)
        from skillpulse.dashboard import queries

        f = queries.freshness(queries.Db(db, cache_size=0)).row(0, named=True)
        print(f"database: {f['series']:,} series, {f['observations']:,} observations\n", flush=True)
        cb_on = bench_callbacks(db, cache_size=256)
        cb_off = bench_callbacks(db, cache_size=0)
        br_on = bench_browser(db, cache_size=256, visits=args.visits)
        br_off = bench_browser(db, cache_size=0, visits=args.visits)
    head = (f"{'measurement (ms)':<42} {'p50 on':>8} {'p95 on':>8} {'p50 off':>8} {'p95 off':>8} "
            f"{'off/on':>8} {'goal':>5}")
    print("Server-side callback time (callback + JSON encoding), cache on vs off; goal p95 ≤ 50 ms")
    print(head)
    print("-" * len(head))
    for name in cb_on:
        print(row(name, cb_on[name], cb_off[name], 50.0))
    print(f"\nTime to usable page in headless Chromium ({args.visits} visits each); goal ≤ 1500 ms")
    print(head)
    print("-" * len(head))
    for name in br_on:
        print(row(name, br_on[name], br_off[name], 1500.0))


if __name__ == "__main__":
    main()
