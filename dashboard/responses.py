"""One published version per callback request, and a bounded per-process cache of rendered
callback responses.

Every callback request pins the database version it reads for its whole run (``Db.pin``): a
publish in the middle of a request never mixes two versions in one answer.

Read-only callbacks (``READ_ONLY``: the page builds and the pages' view callbacks) answer as a
function of the request body and the database alone, so their rendered JSON is kept under
(pinned version, digest of the canonical body) — the body holds every input, state and trigger.
A publish changes the version: the next request builds from the new one and the old version's
entries are dropped, so a stale run is never served. Concurrent requests for the same key wait
for the one building it (at most ``WAIT_SECONDS``) instead of building it again (a publish
otherwise makes every user rebuild the same pages at once). Callbacks fed by an upload are never
cached (uploads stay in the browser session, never on the server). The server builds the most
requested bodies for a newly published version before it serves it (``prebuild``, run by
``Db.switch_when_warm``): the first users after a publish are answered from the cache too.

``Settings.response_cache_mb`` bounds the cache per server process (0 turns it off); one response
larger than an eighth of it is not kept.
"""
from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Collection
from typing import Any

import dash
from flask import Response, g, request
from skillpulse.dashboard import ids, queries
from skillpulse.dashboard.security import CALLBACK_PATH

EXTENSION_KEY = "skillpulse_responses"
PAGES_CONTENT = "_pages_content"  # Dash Pages' callback: a page's layout from its URL
# Server callbacks whose answer depends on the body and the database only (``callback_id``).
READ_ONLY = frozenset({PAGES_CONTENT, ids.OV_FRESHNESS, ids.EX_FIGURE, ids.EX_SKILLS, ids.CAT_NAV,
                       ids.CH_SUMMARY, ids.METH_FIGURE})
# Server callbacks never cached: fed by an upload (kept in the browser only) or trivial.
NOT_CACHED = frozenset({ids.CG_STORE, ids.CG_TABLE, ids.CG_URL, ids.GP_STORE, ids.GP_TABLE,
                        ids.GP_URL})
WAIT_SECONDS = 10.0
ENTRY_OVERHEAD = 200  # bytes a cached entry costs beyond its response (key, bookkeeping)
POPULAR = 64  # bodies whose request counts are kept (the ones prebuilt for a new version)
POPULAR_BODY_BYTES = 16 * 1024
PREBUILD = 24  # most requested bodies built for a newly published version before it is served
PREBUILD_SECONDS = 5.0  # ... within this time (the rest are built by their first request)

Key = tuple[str, bytes]


def callback_id(body: Any) -> str | None:
    """The id of the first output of the callback a body calls: Dash dispatches on the body's
    ``output`` (``"cat-nav.href"``, or ``"..a.children...b.data.."`` for several outputs)."""
    output = body.get("output") if isinstance(body, dict) else None
    if not isinstance(output, str):
        return None
    first = output[2:].split("...")[0] if output.startswith("..") else output
    return first.rsplit(".", 1)[0]


# The body fields Dash's dispatch reads (dash 4.4: ``_initialize_context``, ``_prepare_callback``;
# ``tests/test_dash_responses.py`` checks the installed Dash reads no other). The renderer's own
# extras (``parsedChangedPropsIds``) are left out, so a body built here (``page_body``) matches.
KEY_FIELDS = ("output", "outputs", "inputs", "state", "changedPropIds")


def body_digest(body: Any) -> bytes:
    """A digest of the body's canonical JSON (key order does not matter, every value does)."""
    fields = {k: body.get(k) for k in KEY_FIELDS} if isinstance(body, dict) else body
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=20).digest()


def page_body(path: str, search: str = "") -> dict[str, Any]:
    """The body the browser posts to build the page at ``path`` + ``search``."""
    return {"output": f"..{PAGES_CONTENT}.children..._pages_store.data..",
            "outputs": [{"id": PAGES_CONTENT, "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": ids.PAGES_LOCATION, "property": "pathname", "value": path},
                       {"id": ids.PAGES_LOCATION, "property": "search", "value": search}],
            "changedPropIds": [f"{ids.PAGES_LOCATION}.pathname", f"{ids.PAGES_LOCATION}.search"]}


class ResponseCache:
    """Rendered responses by (version, body digest), LRU within ``max_bytes``; one version."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self.max_entry = self.max_bytes // 8
        self._entries: OrderedDict[Key, bytes] = OrderedDict()
        self._building: dict[Key, threading.Event] = {}
        self._kept: frozenset[str] = frozenset()
        self._popular: dict[bytes, list[Any]] = {}
        self._lock = threading.Lock()
        self.size = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, key: Key, wait: float = WAIT_SECONDS) -> tuple[bytes | None, bool]:
        """(the cached response, False), or (None, True): the caller builds it, then calls
        ``store`` and ``release``; (None, False) when another build took longer than ``wait``."""
        while True:
            with self._lock:
                hit = self._entries.get(key)
                if hit is not None:
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return hit, False
                building = self._building.get(key)
                if building is None:
                    self._building[key] = threading.Event()
                    self.misses += 1
                    return None, True
            if not building.wait(wait):
                return None, False
            with self._lock:  # the build failed (no entry): this request builds it
                if key not in self._entries and key not in self._building:
                    self._building[key] = threading.Event()
                    self.misses += 1
                    return None, True

    def store(self, key: Key, data: bytes, keep: Collection[str]) -> None:
        """Keep ``data`` if its version is one of ``keep`` (the versions served or being warmed:
        a publish during the build makes it stale); entries of versions not in ``keep`` go."""
        if key[0] not in keep or len(data) > self.max_entry:
            return
        with self._lock:
            if frozenset(keep) != self._kept:
                self._kept = frozenset(keep)
                for old_key in [k for k in self._entries if k[0] not in self._kept]:
                    self.size -= len(self._entries.pop(old_key)) + ENTRY_OVERHEAD
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old) + ENTRY_OVERHEAD
            self._entries[key] = data
            self.size += len(data) + ENTRY_OVERHEAD
            while self.size > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self.size -= len(dropped) + ENTRY_OVERHEAD

    def note(self, digest: bytes, body: Any, size: int) -> None:
        """Count a request for ``body`` (what ``popular`` ranks; small bodies only)."""
        if size > POPULAR_BODY_BYTES:
            return
        with self._lock:
            seen = self._popular.get(digest)
            if seen is not None:
                seen[0] += 1
                return
            if len(self._popular) >= POPULAR:  # make room: forget the least requested
                del self._popular[min(self._popular, key=lambda d: self._popular[d][0])]
            self._popular[digest] = [1, body]

    def seed(self, bodies: list[Any]) -> None:
        """Count each of ``bodies`` once (the pages' default views: built before anyone asks)."""
        for body in bodies:
            self.note(body_digest(body), body, 0)

    def popular(self, n: int) -> list[Any]:
        """The ``n`` most requested bodies, most first; counts halve (recent traffic weighs most)."""
        with self._lock:
            ranked = sorted(self._popular.values(), key=lambda c: -c[0])[:n]
            for counted in self._popular.values():
                counted[0] //= 2
            return [body for _, body in ranked]

    def release(self, key: Key) -> None:
        """The build of ``key`` is over (stored or failed): wake the requests waiting for it."""
        with self._lock:
            building = self._building.pop(key, None)
        if building is not None:
            building.set()


def install(app: dash.Dash, max_bytes: int) -> ResponseCache | None:
    """Pin one version per callback request; serve read-only callbacks from a cache of at most
    ``max_bytes`` (0: no cache). Install after ``security.install`` (bodies are checked first)."""
    server = app.server
    cache = ResponseCache(max_bytes) if max_bytes > 0 else None
    server.extensions[EXTENSION_KEY] = cache

    @server.before_request
    def _begin() -> Response | None:
        if request.path != CALLBACK_PATH or request.method != "POST":
            return None
        db = queries.current()
        version = db.pin()
        g.skillpulse_pinned = db
        if cache is None:
            return None
        body = getattr(g, "callback_body", None)
        if body is None or callback_id(body) not in READ_ONLY:
            return None
        key = (version, body_digest(body))
        cache.note(key[1], body, request.content_length or 0)
        data, claimed = cache.lookup(key)
        if data is not None:
            db.unpin()
            g.skillpulse_pinned = None
            return Response(data, content_type="application/json")
        if claimed:
            g.skillpulse_building = key
        return None

    @server.after_request
    def _keep(response: Response) -> Response:
        key = getattr(g, "skillpulse_building", None)
        if cache is not None and key is not None and response.status_code == 200 \
                and not response.direct_passthrough:
            cache.store(key, response.get_data(), queries.current().versions())
        return response

    @server.teardown_request
    def _end(_exc: BaseException | None) -> None:
        key = g.pop("skillpulse_building", None)
        if cache is not None and key is not None:
            cache.release(key)
        db = g.pop("skillpulse_pinned", None)
        if db is not None:
            db.unpin()

    return cache


def prebuild(app: dash.Dash, n: int = PREBUILD, budget: float = PREBUILD_SECONDS) -> int:
    """Build the ``n`` most requested read-only responses (within ``budget`` seconds) in this
    thread, for the version it has pinned (``Db.switch``); returns how many were built."""
    cache = app.server.extensions.get(EXTENSION_KEY)
    if cache is None:
        return 0
    client = app.server.test_client()
    started, built = time.monotonic(), 0
    for body in cache.popular(n):
        if time.monotonic() - started > budget:
            break
        built += client.post(CALLBACK_PATH, json=body).status_code == 200
    return built
