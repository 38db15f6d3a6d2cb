"""Webhook alerts: post the changes of runs not yet alerted as one JSON body, and record the
delivery in the database so the next call sends only what is new.

The body is ``{"text": ..., "changes": [...], "runs": [...]}``: ``text`` reads well in Slack and
Microsoft Teams incoming webhooks (``&``, ``<`` and ``>`` escaped, so a skill name can neither
mention a channel nor forge a link), ``changes`` carries the ``skillpulse changes`` rows.

Which runs are pending for a webhook: every run made after the last one delivered to it (by id),
each compared with the run before it in as-of order (``changes.run_order``; a run as of a month
before every other run has nothing to compare with and is left out); a webhook never alerted before
starts with the newest run by as-of month (its history is not replayed). One delivery at a time per
database (``store.alerts_lock``, not the writer lock: a slow webhook never holds up an ingest or a
forecast): read what is pending, post, then record the delivery in one write, waiting for a running
writer as long as it takes (``RECORD_WAIT``) rather than give up and send the same changes again. A
failed post raises ``DeliveryError`` (exit 1) and nothing is recorded, so the next call sends it
again; a run whose changes the watchlist filters away entirely is recorded without a post. Only
http(s) URLs are accepted, redirects are not followed, and nothing but the JSON body is sent.
"""
from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polars as pl
from skillpulse.data import store
from skillpulse.data.errors import InputError, NotFoundError, SkillpulseError, UsageError
from skillpulse.data.settings import Settings, get_settings
from skillpulse.services.changes import (
    Changes,
    Query,
    compute_changes,
    filter_watchlist,
    run_order,
)

TEXT_LINES = 10            # changes spelled out in ``text``; the rest are counted
MAX_CHANGES = 500          # rows in ``changes`` (most important first); the rest are counted
MAX_WATCH_LINES = 10_000
RECORD_WAIT = 6 * 3600.0  # seconds a posted delivery waits for the writer lock to record it
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


class DeliveryError(SkillpulseError):
    """The webhook did not accept the alert (after retries): nothing was recorded."""

    exit_code = 1


@dataclass(frozen=True)
class Watchlist:
    """Canonical skill names and categories to alert on; ``unmatched`` lines resolved to neither."""

    skills: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    unmatched: tuple[str, ...] = ()


@dataclass
class AlertResult:
    """What ``send_alerts`` did: the body (sent, or what would be sent), the runs it covers."""

    body: dict[str, Any] | None
    runs: list[tuple[int, int]] = field(default_factory=list)
    changes: int = 0
    posted: bool = False
    status: int | None = None
    unmatched: tuple[str, ...] = ()


def check_webhook(url: str) -> str:
    """The URL if it is http(s) with a host, else ``UsageError`` (nothing else is read or sent)."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--webhook must be an http:// or https:// URL with a host, not "
                         f"'{url[:60]}'")
    return url.strip()


def webhook_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def webhook_hint(url: str) -> str:
    """``scheme://host/…``: enough to recognise the webhook, not enough to post to it."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}/…"


def read_watchlist(path: str | Path) -> list[str]:
    """Skill or category names, one per line; blank lines and ``#`` comments ignored."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the watchlist ({exc.strerror})", file=str(p)) from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("the watchlist is not UTF-8 text (one skill or category per line)",
                         file=str(p)) from exc
    names = [line.strip() for line in text.splitlines()]
    names = [n for n in names if n and not n.startswith("#")]
    if not names:
        raise InputError("the watchlist names no skill or category (one per line)", file=str(p))
    if len(names) > MAX_WATCH_LINES:
        raise InputError(f"the watchlist has {len(names):,} lines; at most {MAX_WATCH_LINES:,}",
                         file=str(p))
    return names


def resolve_watchlist(query: Query, names: list[str]) -> Watchlist:
    """Names → skills through aliases (case-insensitive), else categories (case-insensitive)."""
    keys = sorted({n.lower() for n in names})
    found = query("dash_resolve_skills", keys=keys or [""])
    by_key = dict(zip(found["key"].to_list(), found["name"].to_list(), strict=True))
    cats = {c.lower(): c for c in query("skill_categories", market=store.MARKET_CATEGORY)["category"]}
    skills, categories, unmatched = set(), set(), []
    for n in names:
        if n.lower() in by_key:
            skills.add(by_key[n.lower()])
        elif n.lower() in cats:
            categories.add(cats[n.lower()])
        else:
            unmatched.append(n)
    return Watchlist(frozenset(skills), frozenset(categories), tuple(unmatched))


def pending_runs(query: Query, key: str) -> list[int]:
    """Later runs of the pairs still to alert for webhook ``key`` (see the module docstring)."""
    runs = query("dash_runs")
    ids = sorted(runs["run_id"].to_list())
    done = query("alert_delivered", webhook_key=key)["run_id"].to_list()
    if not done:  # the newest pair: the newest run by as-of month (``run_order``), not by id
        return run_order(runs)[-1:] if len(ids) >= 2 else []
    return [r for r in ids if r > max(done)]


def _json_rows(changes: Changes) -> list[dict[str, Any]]:
    rows = changes.contract.with_columns(pl.col("period").dt.strftime("%Y-%m-%d")).to_dicts()
    for r in rows:
        r["from_run"], r["to_run"] = changes.pair.before, changes.pair.after
    return rows


def build_payload(batches: list[Changes], watch: Watchlist | None = None) -> dict[str, Any]:
    """One JSON body for the changes of ``batches`` (each a pair of runs), filtered by ``watch``:
    the newest run's changes first, each run's most important first."""
    rows: list[dict[str, Any]] = []
    heads, runs = [], []
    for batch in sorted(batches, key=lambda b: -b.pair.after):
        c = batch if watch is None else Changes(
            batch.pair, filter_watchlist(batch.table, set(watch.skills), set(watch.categories)))
        counts = c.counts()
        heads.append(f"run {c.pair.before} (as of {c.pair.before_as_of:%b %Y}) → run {c.pair.after} "
                     f"(as of {c.pair.after_as_of:%b %Y}): {counts['status']} status change(s), "
                     f"{counts['new']} new, {counts['outside']} outside the 95% interval")
        runs.append({"from": c.pair.before, "to": c.pair.after, "changes": c.table.height})
        rows.extend(_json_rows(c))
    total = len(rows)
    lines = [f"*skillpulse: {total} change(s)*" + (" on the watchlist" if watch else "")]
    # Slack's three control characters (& < >) as entities; Teams shows them as the characters.
    lines += [html.escape(h, quote=False) for h in heads]
    lines += [f"• {html.escape(r['reason'], quote=False)}" for r in rows[:TEXT_LINES]]
    if total > TEXT_LINES:
        lines.append(f"… and {total - TEXT_LINES} more: run 'skillpulse changes' or open /changes.")
    body: dict[str, Any] = {"text": "\n".join(lines), "changes": rows[:MAX_CHANGES], "runs": runs}
    if total > MAX_CHANGES:
        body["omitted"] = total - MAX_CHANGES
    return body


def post_json(url: str, body: dict[str, Any], settings: Settings,
              sleep: Callable[[float], None] = time.sleep) -> int:
    """POST ``body`` as JSON with a timeout, retrying timeouts, connection errors, 429 and 5xx
    with exponential backoff; returns the final HTTP status or raises ``DeliveryError``."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)
    attempts = 1 + max(0, settings.alert_retries)
    last = ""
    for attempt in range(attempts):
        if attempt:
            sleep(settings.alert_backoff * 2 ** (attempt - 1))
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "skillpulse-alerts"})
        try:
            with opener.open(request, timeout=settings.alert_timeout) as resp:
                resp.read(65_536)
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code} {exc.reason}"
            if exc.code not in RETRY_STATUSES:
                break
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = f"{type(reason).__name__}: {reason}"
    raise DeliveryError(f"the webhook {webhook_hint(url)} did not accept the alert ({last}) after "
                        f"{attempt + 1} attempt(s); nothing was recorded, the next call sends it again")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is refused: the body goes to the URL given, nowhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def _collect(query: Query, key: str, watch_names: list[str] | None
             ) -> tuple[list[Changes], Watchlist | None]:
    runs = pending_runs(query, key)
    batches = []
    for r in runs:
        try:
            batches.append(compute_changes(query, after=r))
        except NotFoundError:  # a run as of a month before every other run: nothing to compare
            continue
    watch = resolve_watchlist(query, watch_names) if watch_names else None
    return batches, watch


def send_alerts(db: str | Path, url: str, *, watch: str | Path | None = None, dry_run: bool = False,
                settings: Settings | None = None) -> AlertResult:
    """Post the changes of runs not yet alerted to ``url`` and record the delivery (see above)."""
    settings = settings or get_settings()
    url = check_webhook(url)
    names = read_watchlist(watch) if watch is not None else None
    key = webhook_key(url)
    store.ensure_current(db, settings)
    # one delivery at a time (nothing goes out twice); no database lock while the webhook answers
    with contextlib.nullcontext() if dry_run else store.alerts_lock(db, settings):
        with store.read(db, settings) as con:
            batches, wl = _collect(partial(store.query, con), key, names)
        if not batches:
            return AlertResult(None, unmatched=wl.unmatched if wl else ())
        result = _result(batches, wl, posted=False)
        if dry_run:
            return result
        if result.changes:
            assert result.body is not None
            result.status = post_json(url, result.body, settings)
            result.posted = True
        assert result.body is not None
        sent = {r["to"]: r["changes"] for r in result.body["runs"]}
        # posted: wait for a running writer (a forecast holds the lock for minutes) rather than
        # give up after ``lock_timeout`` and send the same changes again next time
        waits = dataclasses.replace(settings, lock_timeout=max(settings.lock_timeout, RECORD_WAIT))
        with store.write(db, waits) as con:
            for c in batches:
                store.execute(con, "alert_record", webhook_key=key, webhook_hint=webhook_hint(url),
                              run_id=c.pair.after, from_run_id=c.pair.before,
                              changes=sent.get(c.pair.after, 0),
                              http_status=result.status if result.posted else None)
    return result


def _result(batches: list[Changes], watch: Watchlist | None, *, posted: bool) -> AlertResult:
    body = build_payload(batches, watch)
    n = len(body["changes"]) + int(body.get("omitted", 0))
    return AlertResult(body, [(c.pair.before, c.pair.after) for c in batches], n, posted,
                       unmatched=watch.unmatched if watch else ())

