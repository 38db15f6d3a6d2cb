"""The rendered-response cache and the per-request version pin (``dashboard.responses``): the same
bytes as a fresh build, every input in the key, a publish changes what is served, bounded memory,
one build per key under concurrency, uploads never cached."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from skillpulse.dashboard import ids, queries, responses
from skillpulse.dashboard.app import create_app
from skillpulse.dashboard.responses import (
    KEY_FIELDS,
    READ_ONLY,
    ResponseCache,
    body_digest,
    callback_id,
    page_body,
)
from skillpulse.data import store
from skillpulse.data.settings import Settings

from tests.fixtures_app import add_run, build_db

CALLBACK = "/_dash-update-component"
RUN = re.compile(r"forecast run (\d+)")


def scorecard_body(run: Any) -> dict[str, Any]:
    return {"output": "..meth-figure.figure...meth-scorecard.rowData..",
            "outputs": [{"id": "meth-figure", "property": "figure"},
                        {"id": "meth-scorecard", "property": "rowData"}],
            "inputs": [{"id": "meth-run", "property": "value", "value": run}], "changedPropIds": []}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("responses") / "r.duckdb", n_skills=12, runs=2,
                    real_forecast=False)


def client_of(app: Any) -> Any:
    client = app.server.test_client()
    client.get("/")  # Dash registers its page callback on the first request
    return client


def post(client: Any, body: dict[str, Any]) -> bytes:
    resp = client.post(CALLBACK, json=body)
    assert resp.status_code == 200, resp.status_code
    return bytes(resp.data)


def test_every_server_callback_is_classified(db_path: Path) -> None:
    app = create_app(str(db_path))
    client_of(app)
    for output, spec in app.callback_map.items():
        if "callback" in spec:  # runs on the server
            name = callback_id({"output": output})
            assert name in READ_ONLY | responses.NOT_CACHED, f"{output}: cacheable or not?"
    assert callback_id({"output": "cat-nav.href"}) == ids.CAT_NAV
    assert callback_id({"output": "..cg-table.rowData...cg-alert.children@9e04.."}) == ids.CG_TABLE
    assert callback_id([1]) is None and callback_id({"output": 3}) is None


def test_cached_answers_are_the_bytes_of_a_fresh_build(db_path: Path) -> None:
    # one app at a time: Dash hands the pages' callbacks to the app serving the first request
    cached_app = create_app(str(db_path))
    cached = client_of(cached_app)
    fresh_app = create_app(str(db_path), Settings(response_cache_mb=0))
    fresh = client_of(fresh_app)
    names = queries.skill_options(queries.Db(db_path))["name"].to_list()
    bodies = [page_body("/"), page_body("/categories"), page_body("/changes"),
              page_body("/methodology"), page_body("/skills", "?skill=" + names[0]),
              page_body("/skills", f"?skill={names[0]}&skill={names[1]}&scale=index"),
              scorecard_body(0), scorecard_body(1)]
    cache = cached_app.server.extensions[responses.EXTENSION_KEY]
    assert fresh_app.server.extensions[responses.EXTENSION_KEY] is None
    for body in bodies:
        first = post(cached, body)
        assert post(cached, body) == first == post(fresh, body)
    assert cache.misses == len(bodies) and cache.hits == len(bodies) and len(cache) == len(bodies)
    # every input is in the key: another query string, run or trigger is another answer
    assert post(cached, page_body("/skills", "?skill=" + names[1])) != post(cached, bodies[4])
    older = post(cached, page_body("/", "?run=1"))
    assert set(RUN.findall(older.decode())) == {"1"}
    assert set(RUN.findall(post(cached, bodies[0]).decode())) == {"2"}
    assert cache.misses == len(bodies) + 2


def test_body_digest_covers_every_value_dash_reads_and_ignores_key_order() -> None:
    body = page_body("/skills", "?skill=Go")
    same = json.loads(json.dumps(dict(reversed(list(body.items())))))
    assert body_digest(same) == body_digest(body)
    # the renderer's extras are not read by the server: the browser's body matches ours
    assert body_digest({**body, "parsedChangedPropsIds": body["changedPropIds"]}) == body_digest(body)
    for change in ({"changedPropIds": []}, {"state": [{"id": "x", "property": "y", "value": 1}]},
                   {"inputs": page_body("/skills", "?skill=go")["inputs"]}):
        assert body_digest({**body, **change}) != body_digest(body)


def test_a_publish_changes_what_is_served_and_no_stale_run_after_it(tmp_path: Path) -> None:
    path = build_db(tmp_path / "p.duckdb", n_skills=8, runs=1, real_forecast=False)
    app = create_app(str(path))
    client = client_of(app)
    cache = app.server.extensions[responses.EXTENSION_KEY]
    before = post(client, page_body("/"))
    assert post(client, page_body("/")) == before and cache.hits == 1
    assert set(RUN.findall(before.decode())) == {"1"}
    new_run = add_run(path, real_forecast=False)
    after = post(client, page_body("/"))
    assert set(RUN.findall(after.decode())) == {str(new_run)} and new_run != 1
    assert len(cache) == 1  # the old version's entries were dropped
    assert post(client, page_body("/")) == after and cache.hits == 2


def test_uploads_and_bad_bodies_are_never_cached(db_path: Path) -> None:
    app = create_app(str(db_path))
    client = client_of(app)
    cache = app.server.extensions[responses.EXTENSION_KEY]
    body = {"output": "..cg-url.search...cg-action.value..",
            "outputs": [{"id": "cg-url", "property": "search"}, {"id": "cg-action", "property": "value"}],
            "inputs": [{"id": "cg-url", "property": "search", "value": "?action=keep"},
                       {"id": "cg-action", "property": "value", "value": "all"}],
            "changedPropIds": ["cg-url.search"]}
    for _ in range(2):
        assert client.post(CALLBACK, json=body).status_code in (200, 204)
    # a body that names a read-only output but calls another callback is classified by the call
    disguised = {**body, "outputs": [{"id": "ex-figure", "property": "figure"}]}
    client.post(CALLBACK, json=disguised)
    assert client.post(CALLBACK, json=[1, 2, 3]).status_code == 400
    assert len(cache) == 0 and cache.hits == 0 and cache.misses == 0


def test_the_cache_is_bounded_and_holds_one_version() -> None:
    cache = ResponseCache(8 * 1000 + 8 * responses.ENTRY_OVERHEAD)
    assert cache.max_entry >= 1000
    for i in range(20):
        key = ("v1", bytes([i]))
        assert cache.lookup(key) == (None, True)
        cache.store(key, b"x" * 1000, {"v1"})
        cache.release(key)
        assert cache.size <= cache.max_bytes
    assert len(cache) == 8 and cache.lookup(("v1", bytes([19])))[0] == b"x" * 1000
    big = ("v1", b"big")
    cache.lookup(big)
    cache.store(big, b"y" * (cache.max_entry + 1), {"v1"})  # larger than an entry may be
    cache.release(big)
    assert cache.lookup(big) == (None, True)
    cache.release(big)
    stale = ("v1", b"late")
    cache.lookup(stale)
    cache.store(stale, b"z", {"v2"})  # built from v1 while v2 was published: not kept
    cache.release(stale)
    newer = ("v2", b"a")
    cache.lookup(newer)
    cache.store(newer, b"n", {"v2"})
    cache.release(newer)
    assert len(cache) == 1 and cache.size == 1 + responses.ENTRY_OVERHEAD


def test_concurrent_requests_for_one_key_build_it_once() -> None:
    cache = ResponseCache(1 << 20)
    key = ("v1", b"k")
    assert cache.lookup(key) == (None, True)  # this thread builds
    got: list[tuple[bytes | None, bool]] = []
    waiters = [threading.Thread(target=lambda: got.append(cache.lookup(key, wait=10)))
               for _ in range(4)]
    for t in waiters:
        t.start()
    cache.store(key, b"built", {"v1"})
    cache.release(key)
    for t in waiters:
        t.join(10)
    assert got == [(b"built", False)] * 4 and cache.misses == 1
    # a failed build (nothing stored) hands the key to one waiter; a slow one lets waiters build
    failed = ("v1", b"f")
    cache.lookup(failed)
    result: list[tuple[bytes | None, bool]] = []
    waiter = threading.Thread(target=lambda: result.append(cache.lookup(failed, wait=10)))
    waiter.start()
    cache.release(failed)
    waiter.join(10)
    assert result == [(None, True)]
    assert cache.lookup(failed, wait=0.01) == (None, False)


def test_a_request_reads_one_version_across_a_publish(tmp_path: Path) -> None:
    path = build_db(tmp_path / "pin.duckdb", n_skills=6, runs=1, real_forecast=False)
    db = queries.Db(path, cache_size=0)
    with db.pinned() as version:
        first = queries.runs(db).height
        add_run(path, real_forecast=False)
        other = threading.Thread(target=lambda: queries.runs(db))  # opens the new version
        other.start()
        other.join(30)
        assert db.reader.version != version  # the new version is open in this process ...
        assert queries.runs(db).height == first  # ... and this request still reads its own
        assert db.version() == version
    assert queries.runs(db).height == first + 1 and db.version() == db.reader.version


def test_a_replaced_connection_stays_usable_for_the_request_reading_it(tmp_path: Path) -> None:
    path = build_db(tmp_path / "old.duckdb", n_skills=6, runs=1, real_forecast=False)
    reader = store.LiveReader(path)
    cursor, version = reader.snapshot()
    add_run(path, real_forecast=False)
    other = threading.Thread(target=reader.snapshot)
    other.start()
    other.join(30)
    assert reader.version != version
    assert cursor.execute("SELECT count(*) FROM forecast_run").fetchall() == [(1,)]
    reader.close()


def test_popular_bodies_are_ranked_by_recent_requests() -> None:
    cache = ResponseCache(1 << 20)
    for i, times in enumerate((1, 5, 3)):
        for _ in range(times):
            cache.note(bytes([i]), {"n": i}, 100)
    cache.note(b"big", {"n": "big"}, responses.POPULAR_BODY_BYTES + 1)  # not kept
    assert cache.popular(2) == [{"n": 1}, {"n": 2}]
    for _ in range(4):  # counts halved: recent requests outrank old ones
        cache.note(bytes([0]), {"n": 0}, 100)
    assert cache.popular(1) == [{"n": 0}]
    for i in range(responses.POPULAR + 10):
        cache.note(b"x%d" % i, {"x": i}, 10)
    assert len(cache._popular) == responses.POPULAR


def test_the_server_serves_a_new_version_once_warm_and_never_the_old_one_after(tmp_path: Path) -> None:
    """``server.build``: requests keep the warm old version while the new one is prepared in the
    background (queries and the popular pages), then get the new one, from the cache at once."""
    from skillpulse.dashboard import server

    path = build_db(tmp_path / "warm.duckdb", n_skills=8, runs=1, real_forecast=False)
    flask_app = server.build(str(path))
    db = flask_app.extensions[queries.EXTENSION_KEY]
    cache = flask_app.extensions[responses.EXTENSION_KEY]
    client = flask_app.test_client()
    bodies = [page_body("/"), page_body("/methodology"), scorecard_body(0)]
    for body in bodies:
        assert set(RUN.findall(post(client, body).decode())) <= {"1"}
    old = db.reader.version
    gate = threading.Event()
    prepared: list[str] = []
    real_prebuild = responses.prebuild

    def slow_prebuild(app: Any, *args: Any, **kwargs: Any) -> int:
        gate.wait(30)  # hold the switch: requests meanwhile keep the old version
        prepared.append(db.version())
        return real_prebuild(app, *args, **kwargs)

    responses.prebuild = slow_prebuild  # type: ignore[assignment]
    try:
        new_run = add_run(path, real_forecast=False)
        for _ in range(50):
            if db._staged:
                break
            threading.Event().wait(0.05)
        assert db._staged and db._staged != old
        assert set(RUN.findall(post(client, bodies[0]).decode())) == {"1"}  # warm, consistent
        hits = cache.hits
        gate.set()
        for _ in range(200):
            if db.reader.version != old:
                break
            threading.Event().wait(0.05)
    finally:
        responses.prebuild = real_prebuild  # type: ignore[assignment]
    assert prepared == [db.reader.version] and db.reader.version != old  # warmed the new one
    misses = cache.misses
    for body in bodies:  # prebuilt for the new version: answered from the cache
        text = post(client, body).decode()
        assert str(new_run) in set(RUN.findall(text)) or "forecast run" not in text
    assert cache.misses == misses and cache.hits == hits + len(bodies)
    assert set(RUN.findall(post(client, page_body("/")).decode())) == {str(new_run)}


def test_the_installed_dash_reads_no_body_field_beyond_the_key() -> None:
    """A Dash upgrade that reads another body field must extend ``KEY_FIELDS`` (else two bodies
    differing only there would share an answer)."""
    import dash

    root = Path(dash.__file__).parent
    read: set[str] = set()
    for source in [root / "dash.py", root / "_callback.py", *(root / "backends").glob("*.py")]:
        read |= set(re.findall(r"\bbody(?:\.get\(|\[)\s*[\"'](\w+)[\"']", source.read_text()))
    assert read and read <= set(KEY_FIELDS), sorted(read - set(KEY_FIELDS))


def test_read_only_callbacks_do_not_read_the_request() -> None:
    """Cached answers depend on the body and the database only: the pages never read cookies,
    headers or the request itself."""
    here = Path(responses.__file__).parent
    sources = [*(here / "pages").glob("*.py"), here / "components" / "__init__.py",
               *(here / f"{name}.py" for name in ("urlstate", "transforms", "figures", "queries"))]
    for source in sources:
        text = source.read_text()
        for needle in (r"from flask import[^\n]*\brequest\b", r"flask\.request\b", r"\.cookies\b",
                       r"\.headers\b", r"\b(?:ctx|callback_context)\.(?:args|path|remote|origin)\b"):
            assert not re.search(needle, text), f"{source.name} reads {needle}"


def test_the_server_builds_the_pages_default_views_before_the_first_request(tmp_path: Path) -> None:
    from skillpulse.dashboard import server

    path = build_db(tmp_path / "seed.duckdb", n_skills=6, runs=1, real_forecast=False)
    flask_app = server.build(str(path))
    cache = flask_app.extensions[responses.EXTENSION_KEY]
    built = cache.misses
    assert built >= 5
    client = flask_app.test_client()
    for path_ in ("/", "/categories", "/changes", "/methodology", "/skills"):
        post(client, {**page_body(path_), "parsedChangedPropsIds": []})
    assert cache.misses == built and cache.hits == 5


def test_the_switcher_says_a_problem_once_and_recovers(tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    import logging
    import os

    path = build_db(tmp_path / "gone.duckdb", n_skills=4, runs=1, real_forecast=False)
    db = queries.Db(path)
    version = db.version()
    hidden = tmp_path / "hidden.duckdb"
    with caplog.at_level(logging.WARNING, logger="skillpulse.server"):
        db.switch_when_warm(lambda: None, interval=0.01)
        try:
            os.rename(path, hidden)  # the live link vanishes for a while
            threading.Event().wait(0.3)
            os.rename(hidden, path)
            add_run(path, real_forecast=False)
            for _ in range(300):
                if db.reader.version != version:
                    break
                threading.Event().wait(0.02)
        finally:
            db.stop_switching()
    said = [r for r in caplog.records if "could not open" in r.getMessage()]
    assert len(said) == 1 and "gone.duckdb" in said[0].getMessage()
    assert db.reader.version != version and not db._switcher.is_alive()  # type: ignore[union-attr]
    assert queries.runs(db).height == 2  # requests follow the live file again
