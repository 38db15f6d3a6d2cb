"""Dashboard speed on a scaled-up demo: 10,000 series × 120 months, or ``--series N`` synthetic
series (e.g. 1,000,000 × 60 months).

Measures, in one run, with the query cache on (``Settings.cache_size``) and off (0):
  1. server-side time of each callback (the Python callback plus the JSON encoding Dash does),
     p50/p95 over repeated calls with rotating inputs (each input seen 4 times: 1 miss, 3 hits);
     URL ⇄ controls sync runs in the browser (no server time);
  2. the same callbacks with the run's summaries ignored (``data.summaries``: every aggregate
     computed from the store, as before them), query cache off — the baseline;
  3. time to a usable page in headless Chromium for ``/``, ``/skills`` with 5 skills,
     ``/categories`` and ``/methodology``, against the production server (gunicorn): a first
     visit in a fresh browser context (empty cache, as when opening a shared link) and a revisit
     in the same context (scripts cached).
Baselines in the same run: a bare page drawing one plotly scatter (``browser_floor``) and a bare
Dash page with the overview's components (two AG Grid grids, one figure; ``bench/floor_app.py``).
Goals: callback p95 ≤ 50 ms (≤ 100 ms at a million series); usable page ≤ 1.5 s (≤ 2 s).

    .venv/bin/python bench/bench_dashboard.py [--segments 40] [--skills 250] [--real-forecast]
    .venv/bin/python bench/bench_dashboard.py --series 1000000 --db /tmp/m.duckdb --direct-calls 1

Forecast rows are synthesized by default (fitting 10,000 series takes minutes on 2 cores and is
not what is measured here); ``--real-forecast`` runs ``models.batch.run_forecast`` instead.
``--series`` builds through the engine's write path (``tests.fixtures_app.scaled_db``:
``ingest_frame`` 20,000 series at a time, runs through the run writer's ``insert_frame``, the
summaries and the changes of the newest run as ``skillpulse forecast`` writes them).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# callbacks are timed as the server runs them: one polars thread per process (dashboard.threads)
from skillpulse.dashboard.threads import single_threaded_polars  # noqa: E402

single_threaded_polars()

import plotly.utils  # noqa: E402
from dash.exceptions import PreventUpdate  # noqa: E402

from tests.browser_support import launch, running_server  # noqa: E402
from tests.fixtures_app import (  # noqa: E402
    bench_db,
    page,
    scaled_db,
    summarise_changes,
    summarise_runs,
)

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

    def search(text: str) -> Any:
        try:
            return skills.search_skills(text, list(picks[0][:1]))
        except PreventUpdate:  # few skills: the browser filters the options it has
            return []

    typed = [(n[: 3 + i % 6].lower(),) for i, n in enumerate(names[:: max(1, len(names) // 12)][:12])]
    return {
        "explorer skill search (typing)": (search, typed),
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


def bench_callbacks(db_path: Path, cache_size: int, summaries: bool = True,
                    calls: int | None = None) -> dict[str, list[float]]:
    """Times per callback; ``summaries=False`` ignores the runs' summaries (the baseline);
    ``calls`` limits the calls per callback (a slow baseline at a million series)."""
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.app import create_app

    app = create_app(str(db_path))
    out: dict[str, list[float]] = {}
    kept = queries.SUMMARISED
    queries.SUMMARISED = kept if summaries else frozenset()
    try:
        with app.server.app_context():
            app.server.extensions[queries.EXTENSION_KEY] = queries.Db(db_path, cache_size=cache_size)
            if summaries or calls is None:
                queries.warm_up(queries.current())
            for name, (fn, inputs) in callback_cases(db_path).items():
                if calls is None:
                    timed(fn, inputs[0])  # first call: imports and plotly validators, not the query path
                times = []
                for _ in range(REPEAT if calls is None else 1):
                    for args in inputs[:calls]:
                        times.append(timed(fn, args))
                out[name] = times
                print(f"  {name}: p95 {pct(times, .95):,.0f} ms ({len(times)} calls)", flush=True)
    finally:
        queries.SUMMARISED = kept
    return out


FLOOR_PAGE = """<html><head><script src="{js}"></script></head><body><div id="g"></div><script>
Plotly.newPlot('g', [{{x: [1, 2, 3], y: [1, 3, 2], type: 'scatter'}}]).then(() =>
  document.body.insertAdjacentHTML('beforeend', '<i id="done"></i>'));</script></body></html>"""


def browser_floor(visits: int, folder: Path) -> list[float]:
    """Baseline in the same run: a bare page that loads the plotly.js bundle the app serves (the
    app's own, ``dashboard.figures.PLOTLY_BUNDLE``) and draws one scatter, from a file, in a
    fresh browser context each visit — what this machine's Chromium needs for the charts alone,
    before any Dash, React or AG Grid code runs."""
    from playwright.sync_api import sync_playwright
    from skillpulse.dashboard.figures import ASSETS, PLOTLY_BUNDLE

    js = ASSETS / PLOTLY_BUNDLE
    page = folder / "floor.html"
    page.write_text(FLOOR_PAGE.format(js=js.as_uri()), encoding="utf-8")
    out = []
    with sync_playwright() as p:
        browser = launch(p)
        for _ in range(visits):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            pg = context.new_page()
            t = time.perf_counter()
            pg.goto(page.as_uri())
            pg.wait_for_selector("#done", state="attached", timeout=30_000)
            out.append((time.perf_counter() - t) * 1000)
            context.close()
        browser.close()
    return out


def library_floor(visits: int) -> list[float]:
    """Second baseline in the same run: a bare Dash page with what the overview draws (two AG
    Grid grids of 15 rows and one five-line figure; ``bench/floor_app.py``), served like the
    dashboard, first visit in a fresh context each time — the floor of these libraries on this
    machine, before any of the dashboard's own layout, callbacks or styling."""
    from floor_app import SELECTORS
    from playwright.sync_api import sync_playwright

    from tests.browser_support import free_port, serving

    port = free_port()
    out = []
    with serving([sys.executable, str(REPO / "bench" / "floor_app.py"), str(port)], port) as base, \
            sync_playwright() as p:
        browser = launch(p)
        warm = browser.new_page()
        warm.goto(base)
        warm.wait_for_load_state("networkidle")
        warm.close()
        for _ in range(visits):
            context = browser.new_context(viewport={"width": 1400, "height": 900})
            pg = context.new_page()
            t = time.perf_counter()
            pg.goto(base)
            for sel in SELECTORS:
                pg.wait_for_selector(sel, timeout=30_000)
            out.append((time.perf_counter() - t) * 1000)
            context.close()
        browser.close()
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
        "/categories": ("/categories", ["#cat-table .ag-row", "#cat-heatmap .hm"]),
        "/methodology": ("/methodology", ["#meth-scorecard .ag-row", "#meth-figure .trace"]),
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
    return (f"{name:<42} {p50_on:>8.1f} {p95_on:>8.1f} {p50_off:>9.1f} {p95_off:>9.1f} "
            f"{p95_off / max(p95_on, 1e-9):>7.1f}x {ok:>5}")


def table(title: str, head: tuple[str, str], rows: dict[str, tuple[list[float], list[float]]],
          goal: float) -> None:
    line = (f"{'measurement (ms)':<42} {'p50 ' + head[0]:>8} {'p95 ' + head[0]:>8} "
            f"{'p50 ' + head[1]:>9} {'p95 ' + head[1]:>9} {'ratio':>8} {'goal':>5}")
    print(f"\n{title}")
    print(line)
    print("-" * len(line))
    for name, (a, b) in rows.items():
        print(row(name, a, b, goal))


def main() -> None:
    parser = argparse.ArgumentParser(description="dashboard benchmark")
    parser.add_argument("--skills", type=int, default=250)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument("--months", type=int, default=None, help="default 120 (60 with --series)")
    parser.add_argument("--series", type=int, default=None,
                        help="synthetic series (skills × 50 regions) instead of the scaled demo")
    parser.add_argument("--visits", type=int, default=6)
    parser.add_argument("--direct-calls", type=int, default=None,
                        help="calls per callback without summaries (default: as many as with; "
                             "0: skip that baseline, minutes a call at a million series)")
    parser.add_argument("--real-forecast", action="store_true")
    parser.add_argument("--db", default=None, help="reuse (or create) this database file")
    parser.add_argument("--resummarise", action="store_true",
                        help="first rewrite the runs' summaries and the newest run's changes with "
                             "this code, as its publication would (a --db built by an older one)")
    args = parser.parse_args()
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.duckdb"
        t = time.perf_counter()
        if args.series:
            db = scaled_db(path, series=args.series, months=args.months or 60)
        else:
            db = bench_db(path, n_skills=args.skills, segments=args.segments, months=args.months or 120,
                          real_forecast=args.real_forecast)
        from skillpulse.dashboard import queries
        from skillpulse.data import store

        if args.resummarise:
            t = time.perf_counter()
            store.ensure_current(db)
            newest = max(summarise_runs(db), default=None)
            if newest is not None:
                summarise_changes(db, newest)
            print(f"summaries rewritten in {time.perf_counter() - t:.0f} s", flush=True)
        f = queries.freshness(queries.Db(db, cache_size=0)).row(0, named=True)
        size = store.resolve(db).stat().st_size
        print(f"database: {f['series']:,} series, {f['observations']:,} observations, "
              f"{size / 2**30:.2f} GiB (ready in {time.perf_counter() - t:.0f} s)\n", flush=True)
        print("callbacks, summaries, query cache on", flush=True)
        cb_on = bench_callbacks(db, cache_size=256)
        print("callbacks, summaries, query cache off", flush=True)
        cb_off = bench_callbacks(db, cache_size=0)
        cb_direct: dict[str, list[float]] = {}
        if args.direct_calls != 0:
            print("callbacks, no summaries (direct aggregation), query cache off", flush=True)
            cb_direct = bench_callbacks(db, cache_size=0, summaries=False, calls=args.direct_calls)
        br_on = bench_browser(db, cache_size=256, visits=args.visits)
        br_off = bench_browser(db, cache_size=0, visits=args.visits)
        floor = browser_floor(args.visits, Path(tmp))
        libs = library_floor(args.visits)
    goal_cb, goal_page = (100.0, 2000.0) if (args.series or 0) >= 1_000_000 else (50.0, 1500.0)
    table(f"Server-side callback time (callback + JSON encoding), query cache on vs off; goal p95 ≤ "
          f"{goal_cb:.0f} ms", ("on", "off"), {n: (cb_on[n], cb_off[n]) for n in cb_on}, goal_cb)
    if cb_direct:
        table("The same, summaries vs direct aggregation (query cache off; ratio = direct / summaries)",
              ("summ", "direct"), {n: (cb_off[n], cb_direct[n]) for n in cb_off}, goal_cb)
    table(f"Time to usable page in headless Chromium ({args.visits} visits each), query cache on vs "
          f"off; goal ≤ {goal_page:.0f} ms", ("on", "off"), {n: (br_on[n], br_off[n]) for n in br_on},
          goal_page)
    print(f"baseline, same run: a bare page loading the app's plotly.js bundle and drawing one scatter "
          f"(fresh context each visit): p50 {pct(floor, .5):.0f} ms, p95 {pct(floor, .95):.0f} ms — "
          f"the floor of this machine's Chromium before any dashboard code")
    print(f"baseline, same run: a bare Dash page with two AG Grid grids and one figure, served like "
          f"the dashboard (bench/floor_app.py, first visits): p50 {pct(libs, .5):.0f} ms, p95 "
          f"{pct(libs, .95):.0f} ms — the floor of Dash, React, AG Grid and plotly.js here")
    print("first visits over that floor (p50 ratio): " + ", ".join(
        f"{n.removesuffix(' first visit')} {pct(br_on[n], .5) / pct(libs, .5):.2f}x"
        for n in br_on if n.endswith("first visit")))
    print(f"\nload average at end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
