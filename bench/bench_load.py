"""Load on the production server: many users posting real callback bodies, with and without
publishes, on 127.0.0.1 only.

1. Builds a demo database (``--skills`` × ``--segments`` series, two synthetic runs) and starts
   ``skillpulse serve``'s server (gunicorn, 2 workers × 4 threads) on a free local port.
2. Records real callback bodies: headless Chromium opens every page (the overview, the explorer
   with several skills, categories, changes, methodology) and keeps each POST to
   ``/_dash-update-component`` (the bodies the browser sends, byte for byte).
3. Baseline: one user replays every body sequentially (the same server, the same moment).
4. ``--users`` threads (one keep-alive connection each) replay random bodies for ``--seconds``,
   waiting ``--think`` seconds on average between requests (0: back to back, a saturation test:
   latency is then the queue, 50 requests over 8 server threads), first without, then with a
   publish every ``--publish-every`` seconds (a new run written through ``store.write`` by a
   writer process of its own, as in production).
5. ``--cache both`` (the default) runs 1-4 twice on the same fresh database: with the server's
   response cache (``dashboard.responses``) and without it (``SKILLPULSE_RESPONSE_CACHE_MB=0``:
   every request builds its answer, what a cache miss costs).
6. ``--distinct F``: a share F of the explorer page requests ask for 1-3 random skills instead
   of the recorded ones (views nobody asked for yet, built on request), reported apart as
   "/skills (page, new view)".

Pages build their content server-side in one callback (Dash Pages' ``_pages_content``, named
here by route); the other recorded callbacks are the pages' own. Per callback and overall:
p50/p95/p99 latency, errors (any status but 200/204, any exception), and mixed-version
responses: a response naming two different run ids (a page is built from one read, so it names
one). Goals (issue 12): every callback p95 ≤
80 ms and p99 ≤ 200 ms, 0 errors, 0 mixed responses. The machine is shared: the load average is
printed with the figures, and the ratio to the single-user baseline is the comparable number.

    .venv/bin/python bench/bench_load.py [--users 50] [--seconds 60] [--publish-every 10] [--cache both]
                                         [--distinct 0.2]
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import sys
import tempfile
import threading
import time
from collections import defaultdict
from multiprocessing.connection import Connection
from pathlib import Path
from urllib.parse import quote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser_support import launch, running_server  # noqa: E402
from tests.fixtures_app import add_run, bench_db  # noqa: E402

RUN_RE = re.compile(r"forecast run (\d+)")


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))] if s else float("nan")


def record_bodies(base: str, skills: list[str]) -> list[tuple[str, bytes]]:
    """(callback output, body) of every callback request Chromium sends while visiting pages."""
    from playwright.sync_api import sync_playwright

    paths = ["/", "/categories", "/changes", "/methodology"]
    paths += ["/skills?skill=" + "&skill=".join(quote(s) for s in skills[i:i + 3])
              for i in range(0, min(len(skills), 12), 3)]
    bodies: list[tuple[str, bytes]] = []
    at = [""]

    def keep(request) -> None:  # type: ignore[no-untyped-def]
        if "/_dash-update-component" in request.url and request.post_data_buffer:
            body = request.post_data_buffer
            output = _name(json.loads(body).get("output", "?"))
            # the page builds its content in one callback: name it by its route
            bodies.append((f"{at[0]} (page)" if output == "_pages_content" else output, body))

    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_context(bypass_csp=True).new_page()
        page.on("request", keep)
        for path in paths:
            at[0] = urlsplit(path).path
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.wait_for_timeout(2500)  # the page's own callbacks follow its layout
            page.wait_for_load_state("networkidle")
        browser.close()
    return bodies


class Client:
    """One user: a keep-alive connection posting callback bodies."""

    def __init__(self, base: str) -> None:
        u = urlsplit(base)
        self.host, self.port = u.hostname or "127.0.0.1", u.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def post(self, body: bytes) -> tuple[int, bytes]:
        try:
            self.conn.request("POST", "/_dash-update-component", body=body,
                              headers={"Content-Type": "application/json"})
            resp = self.conn.getresponse()
            return resp.status, resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            raise


def _name(output: str) -> str:
    return output if output.endswith("(page)") else (output.strip(".").split(".")[0] or output)


def _publish_loop(conn: Connection, db: str) -> None:
    """The writer process: publish a run each time it is asked, answer the seconds it took."""
    while conn.recv():
        t = time.perf_counter()
        add_run(db, real_forecast=False)
        conn.send(time.perf_counter() - t)


class Publisher:
    """A writer in its own process, as in production (``skillpulse forecast`` is another process):
    a writer thread in this one would hold the clients' interpreter lock while it works and
    show up as server latency."""

    def __init__(self, db: Path) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_publish_loop, args=(child, str(db)), daemon=True)

    def __enter__(self) -> Publisher:
        self.proc.start()
        return self

    def publish(self) -> float:
        self.conn.send(True)
        return float(self.conn.recv())

    def __exit__(self, *exc: object) -> None:
        self.conn.send(False)
        self.proc.join(30)
        if self.proc.is_alive():
            self.proc.kill()


def new_url(body: bytes, skills: list[str], rnd: random.Random) -> bytes:
    """An explorer page body for 1-3 random skills instead of the recorded ones (a view nobody
    asked for yet: the server builds it)."""
    parsed = json.loads(body)
    picked = rnd.sample(skills, rnd.randint(1, 3))
    parsed["inputs"][1]["value"] = "?skill=" + "&skill=".join(quote(s) for s in picked)
    return json.dumps(parsed).encode()


def phase(base: str, bodies: list[tuple[str, bytes]], *, users: int, seconds: float,
          db: Path | None, publish_every: float, think: float, distinct: float = 0.0,
          skills: list[str] | None = None) -> dict[str, object]:
    """Replay for ``seconds`` with ``users`` threads; publish a run every ``publish_every`` s;
    ``distinct``: the share of explorer page requests sent for a new random choice of skills."""
    lat: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    mixed = [0]
    publishes: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def user(seed: int) -> None:
        rnd = random.Random(seed)
        client = Client(base)
        while time.monotonic() < stop:
            output, body = rnd.choice(bodies)
            if distinct and skills and output == "/skills (page)" and rnd.random() < distinct:
                output, body = "/skills (page, new view)", new_url(body, skills, rnd)
            t = time.perf_counter()
            try:
                status, data = client.post(body)
            except Exception as exc:
                with lock:
                    errors.append(f"{_name(output)}: {type(exc).__name__}")
                continue
            ms = (time.perf_counter() - t) * 1000
            runs = set(RUN_RE.findall(data.decode("utf-8", "replace")))
            with lock:
                lat[_name(output)].append(ms)
                if status not in (200, 204):
                    errors.append(f"{_name(output)}: HTTP {status}")
                if len(runs) > 1:
                    mixed[0] += 1
            if think > 0:  # a person reads the page before the next click
                time.sleep(rnd.uniform(0.5 * think, 1.5 * think))

    def publisher() -> None:
        if db is None:
            return
        with Publisher(db) as writer:
            while time.monotonic() + publish_every < stop:
                time.sleep(publish_every)
                publishes.append(writer.publish())

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    pub = threading.Thread(target=publisher)
    for th in [*threads, pub]:
        th.start()
    for th in [*threads, pub]:
        th.join()
    return {"lat": lat, "errors": errors, "mixed": mixed[0], "publishes": publishes}


def report(title: str, result: dict[str, object], baseline: dict[str, list[float]]) -> None:
    lat: dict[str, list[float]] = result["lat"]  # type: ignore[assignment]
    errors: list[str] = result["errors"]  # type: ignore[assignment]
    every = [v for vs in lat.values() for v in vs]
    print(f"\n{title}: {len(every):,} requests, {len(errors)} errors, {result['mixed']} mixed-version "
          f"responses, {len(result['publishes'])} publishes "  # type: ignore[arg-type]
          f"(load average {os.getloadavg()[0]:.1f})")
    head = f"{'callback':34} {'n':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'p95/base':>9}  goal p95≤80 p99≤200"
    print(head)
    print("-" * len(head))
    for name in sorted(lat):
        v = lat[name]
        base95 = pct(baseline.get(name.replace(", new view", ""), []), 0.95)
        ok = "ok" if pct(v, 0.95) <= 80 and pct(v, 0.99) <= 200 else "MISSED"
        print(f"{name[:34]:34} {len(v):6d} {pct(v, .5):7.0f} {pct(v, .95):7.0f} {pct(v, .99):7.0f} "
              f"{pct(v, .95) / base95:8.1f}×  {ok}")
    print(f"{'all':34} {len(every):6d} {pct(every, .5):7.0f} {pct(every, .95):7.0f} {pct(every, .99):7.0f}")
    if errors:
        print("errors (first 5):", errors[:5])


def baseline_of(base: str, bodies: list[tuple[str, bytes]]) -> dict[str, list[float]]:
    """One user replays every body three times, sequentially."""
    single = Client(base)
    baseline: dict[str, list[float]] = defaultdict(list)
    for _ in range(3):
        for output, body in bodies:
            t = time.perf_counter()
            single.post(body)
            baseline[_name(output)].append((time.perf_counter() - t) * 1000)
    every = [v for vs in baseline.values() for v in vs]
    print(f"baseline, 1 user sequential: p50 {pct(every, .5):.0f} ms, p95 {pct(every, .95):.0f} "
          f"ms (load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs)", flush=True)
    return baseline


def main() -> None:
    parser = argparse.ArgumentParser(description="load benchmark (127.0.0.1 only)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--publish-every", type=float, default=10.0)
    parser.add_argument("--skills", type=int, default=60)
    parser.add_argument("--segments", type=int, default=4)
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds a user waits between requests (0: back to back)")
    parser.add_argument("--distinct", type=float, default=0.0,
                        help="share of explorer page requests for a new random choice of 1-3 skills "
                             "(views not built yet: the cost of a cache miss under load)")
    parser.add_argument("--cache", choices=("on", "off", "both"), default="both",
                        help="the server's response cache (SKILLPULSE_RESPONSE_CACHE_MB): on, off "
                             "(every request builds its answer), or both, one after the other")
    args = parser.parse_args()
    modes = ["on", "off"] if args.cache == "both" else [args.cache]
    bodies: list[tuple[str, bytes]] = []
    with tempfile.TemporaryDirectory(prefix="skillpulse-load-") as tmp:
        for mode in modes:
            # each mode starts from the same database (the publishes of a run add runs to it)
            db = bench_db(Path(tmp) / f"load-{mode}.duckdb", n_skills=args.skills,
                          segments=args.segments)
            from skillpulse.dashboard import queries

            skills = queries.skill_options(queries.Db(db))["name"].to_list()
            settings = {} if mode == "on" else {"response_cache_mb": "0"}
            with running_server(db, log=Path(tmp) / f"server-{mode}.log", settings=settings) as base:
                if not bodies:
                    bodies = record_bodies(base, skills)
                    outputs = sorted({_name(o) for o, _ in bodies})
                    print(f"recorded {len(bodies)} callback bodies of {len(outputs)} callbacks: "
                          f"{', '.join(outputs)}", flush=True)
                print(f"\n=== response cache {mode} ===", flush=True)
                baseline = baseline_of(base, bodies)
                who = (f"cache {mode}, {args.users} users (think {args.think:g} s), {args.seconds:.0f} s"
                       + (f", {args.distinct:.0%} of explorer pages new views" if args.distinct else ""))
                quiet = phase(base, bodies, users=args.users, seconds=args.seconds, db=None,
                              publish_every=args.publish_every, think=args.think,
                              distinct=args.distinct, skills=skills)
                report(f"{who}, no publish", quiet, baseline)
                busy = phase(base, bodies, users=args.users, seconds=args.seconds, db=db,
                             publish_every=args.publish_every, think=args.think,
                             distinct=args.distinct, skills=skills)
                report(f"{who}, a publish every {args.publish_every:.0f} s", busy, baseline)
                pubs: list[float] = busy["publishes"]  # type: ignore[assignment]
                if pubs:
                    print(f"publish (new run written and swapped in): {min(pubs):.2f}–{max(pubs):.2f} s")


if __name__ == "__main__":
    main()
