"""What changed between two forecast runs: status changes, new series, and months the earlier run
got wrong (the observed value fell outside the 95% interval it published).

One row per change, in the ``skillpulse changes`` contract columns, ranked by importance and
each with a sentence. The command line, the alerts, the ``/changes`` page and the brief all call
``compute_changes``; it reads through a ``Query`` callable (``store.query`` bound to a connection,
or the dashboard's cached ``Db.query``), so no SQL text lives here.

Importance = volume weight × size of the move:
- volume weight: the square root of the series' recent demand over the largest among the later
  run's series of the same measure (mentions per month when counts or postings totals are
  known), at least ``MIN_WEIGHT``: a big skill's move outranks the same move of a niche one;
- size of the move: ``status`` — steps on the ladder obsolescent < declining < stable < rising <
  emerging; reaching a decided status from uncertain or insufficient-history counts as at least
  one step, falling back to uncertain as half the steps it leaves; plus the change of expected
  growth (100 points = 1, at most 2); ``new`` — half a step, more for a directional status;
  ``outside`` — how far the latest miss lies beyond the interval, in interval widths (at most
  3), plus the share of compared months that fell outside.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import duckdb
import polars as pl
from skillpulse.data import store, summaries
from skillpulse.data.errors import NotFoundError, UsageError
from skillpulse.data.store import MARKET_CATEGORY

Query = Callable[..., pl.DataFrame]  # query(name, **params) -> frame, e.g. partial(store.query, con)

CHANGE_COLUMNS = ("skill", "category", "source", "region", "occupation", "change", "from_status",
                  "to_status", "period", "actual", "lower_95", "upper_95", "reason")
KINDS = ("status", "new", "outside")
ALL = "all"
LADDER = {"obsolescent": -2, "declining": -1, "stable": 0, "rising": 1, "emerging": 2}
UNDECIDED = ("uncertain", "insufficient-history")
MIN_WEIGHT = 0.05          # a series with no recent demand still ranks by the size of its move
MAX_GROWTH_MOVE = 2.0      # growth moving by more than 200 points counts as 200
MAX_MISS_WIDTHS = 3.0      # a miss beyond three interval widths counts as three
UNITS = {"count": " postings/month", "share": "% of postings", "index": " (index)"}
_SCHEMA: dict[str, Any] = {
    "skill": pl.String, "category": pl.String, "source": pl.String, "region": pl.String,
    "occupation": pl.String, "change": pl.String, "from_status": pl.String,
    "to_status": pl.String, "period": pl.Date, "actual": pl.Float64, "lower_95": pl.Float64,
    "upper_95": pl.Float64, "reason": pl.String, "series_id": pl.Int64, "measure": pl.String,
    "importance": pl.Float64}


@dataclass(frozen=True)
class RunPair:
    """The two runs compared: ``before`` (earlier) and ``after`` (later)."""

    before: int
    after: int
    before_as_of: dt.date
    after_as_of: dt.date


@dataclass(frozen=True)
class Changes:
    """The changes between ``pair``'s runs: contract columns plus series_id, measure, importance."""

    pair: RunPair
    table: pl.DataFrame

    @property
    def contract(self) -> pl.DataFrame:
        return self.table.select(CHANGE_COLUMNS)

    def counts(self) -> dict[str, int]:
        found = dict(self.table.group_by("change").len().iter_rows())
        return {k: int(found.get(k, 0)) for k in KINDS}


def run_order(runs: pl.DataFrame) -> list[int]:
    """Run ids from the earliest to the latest: by the month a run is as of, then by id (a run
    made again for the same month, e.g. after corrected data, comes after the one it redoes).
    Ids alone would read backwards after a run as of an earlier month (``forecast --as-of``)."""
    return runs.sort(["as_of", "run_id"])["run_id"].to_list()


def pick_runs(runs: pl.DataFrame, before: int | None = None, after: int | None = None) -> RunPair:
    """The pair to compare, in ``run_order``: ``after`` defaults to the newest run, ``before`` to
    the run just before ``after``; ``before`` must come before ``after``. ``runs`` has run_id and
    as_of (``dash_runs``)."""
    as_of = dict(zip(runs["run_id"].to_list(), runs["as_of"].to_list(), strict=True))
    order = run_order(runs)
    place = {run: i for i, run in enumerate(order)}
    for given, flag in ((before, "--from"), (after, "--to")):
        if given is not None and given not in as_of:
            known = ", ".join(str(i) for i in sorted(as_of)[-10:]) or "none yet"
            raise NotFoundError(f"there is no forecast run {given} ({flag}); stored runs: {known}")

    def run(i: int) -> str:
        return f"run {i} (as of {as_of[i]:%b %Y})"

    if after is None:
        if not order:
            raise NotFoundError("no forecast run in this database yet; run 'skillpulse forecast' "
                                "twice (e.g. monthly) to see what changed")
        if before is not None and place[before] == len(order) - 1:
            raise UsageError(f"{run(before)} is the newest run; nothing comes after it (--from "
                             "must be earlier than --to; runs are ordered by the month they are "
                             "as of, then by id)")
        after = order[-1]
    if before is None:
        if place[after] == 0 and len(order) > 1:
            raise NotFoundError(f"{run(after)} has no earlier run to compare with: it is the "
                                "earliest (runs are ordered by the month they are as of, then by "
                                "id)")
        if place[after] == 0:
            raise NotFoundError(f"{run(after)} has no earlier run to compare with; changes need two "
                                "forecast runs (run 'skillpulse forecast' again after new data)")
        before = order[place[after] - 1]
    if place[before] >= place[after]:
        swap = f"; swap them (--from {after} --to {before})" if before != after else ""
        raise UsageError(f"--from {run(before)} must be an earlier run than --to {run(after)}: "
                         f"runs are ordered by the month they are as of, then by id{swap}")
    return RunPair(before, after, as_of[before], as_of[after])


def compute_changes(query: Query, before: int | None = None, after: int | None = None) -> Changes:
    """The changes between two stored runs (defaults: the newest and the one before it)."""
    pair = pick_runs(query("dash_runs"), before, after)
    old = query("changes_outlook", run_id=pair.before, market=MARKET_CATEGORY)
    new = query("changes_outlook", run_id=pair.after, market=MARKET_CATEGORY)
    compared = query("changes_compared", from_run=pair.before, to_run=pair.after)
    return Changes(pair, changes_table(pair, old, new, compared))


SUMMARY = "changes"  # the name of a run's changes among the dashboard summaries
COUNTS = "changes_counts"  # and of their counts (all the overview's line needs)
LISTED_SUMMARY = "changes_listed"  # and of the first LISTED of them (all the changes page shows)
LISTED = 2000  # changes the dashboard lists, most important first; the CLI lists every one


def summary_params(pair: RunPair) -> dict[str, int]:
    return {"before": pair.before, "after": pair.after}


def summarise(con: duckdb.DuckDBPyConnection, run_id: int) -> Changes | None:
    """Store the changes of run ``run_id`` against the run before it among the dashboard summaries
    (``data.summaries``) on an open write connection: at a million series the overview's
    changes line then reads them instead of comparing two runs. ``None`` for a first run."""
    try:
        changes = compute_changes(partial(store.query, con), None, run_id)
    except NotFoundError:
        return None
    summaries.put(con, run_id, SUMMARY, summary_params(changes.pair), changes.table)
    summaries.put(con, run_id, COUNTS, summary_params(changes.pair), counts_frame(changes))
    summaries.put(con, run_id, LISTED_SUMMARY, summary_params(changes.pair),
                  changes.table.head(LISTED))
    return changes


def counts_frame(changes: Changes) -> pl.DataFrame:
    """change, n: the changes of each kind, and all of them (``ALL``) — a few bytes that stand
    for the whole table where only the numbers are shown (hundreds of MB at a million series)."""
    found = changes.counts()
    return pl.DataFrame({"change": [*found, ALL], "n": [*found.values(), changes.table.height]},
                        schema={"change": pl.String, "n": pl.Int64})


def counts_of(frame: pl.DataFrame) -> tuple[dict[str, int], int]:
    """The counts by kind and the total of a ``counts_frame``."""
    found = dict(frame.iter_rows())
    return {k: int(found.get(k, 0)) for k in KINDS}, int(found.get(ALL, 0))


def readable(value: float | None) -> str:
    """A readable level: thousands separated, three significant digits below 1,000, no exponent."""
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) >= 0.01 else f"{value:.2g}"


def _level(value: float | None, measure: str) -> str:
    return readable(value) + UNITS.get(measure, "")


def _growth(r: dict[str, Any]) -> str:
    g = r.get("growth_pct")
    if g is None:
        return "not estimated (its level is indistinguishable from zero)"
    lo, hi = r.get("growth_lower_80"), r.get("growth_upper_80")
    band = "" if lo is None or hi is None else f" (80%: {lo:+.0f}% to {hi:+.0f}%)"
    return f"{g:+.0f}% in {r['horizon']} months{band}"


def _who(r: dict[str, Any]) -> str:
    seg = " · ".join(p for p in (r["source"], r["region"], r["occupation"]) if p)
    return f"{r['skill']} ({seg})" if seg else str(r["skill"])


def _volume_weights(new: pl.DataFrame) -> dict[int, float]:
    """sqrt(recent demand / the largest of the same measure), at least ``MIN_WEIGHT``."""
    if new.height == 0:
        return {}
    top = pl.col("volume").max().over("measure")
    w = new.select("series_id", pl.when(top > 0).then((pl.col("volume").clip(0) / top).sqrt())
                   .otherwise(0.0).clip(MIN_WEIGHT, 1.0).alias("w"))
    return dict(zip(w["series_id"].to_list(), w["w"].to_list(), strict=True))


def status_step(before: str, after: str) -> float:
    """Steps on the status ladder between two different statuses (see the module docstring)."""
    if before in UNDECIDED and after in UNDECIDED:
        return 0.5
    if before in UNDECIDED:
        return max(1.0, abs(LADDER[after]))
    if after in UNDECIDED:
        return 0.5 * max(1.0, abs(LADDER[before]))
    return float(abs(LADDER[after] - LADDER[before]))


_CARRIED = ("status", "growth_pct", "growth_lower_80", "growth_upper_80", "horizon")


def _status_rows(pair: RunPair, old: pl.DataFrame, new: pl.DataFrame,
                 weight: dict[int, float]) -> list[dict[str, Any]]:
    prev = old.select("series_id", *[pl.col(c).alias(f"{c}_was") for c in _CARRIED])
    moved = (new.join(prev, on="series_id", how="left")
             .filter(pl.col("status_was").is_null() | (pl.col("status") != pl.col("status_was"))))
    rows = []
    for r in moved.iter_rows(named=True):
        if r["status_was"] is None:
            step = 0.5 + 0.5 * abs(LADDER.get(r["status"], 0))
            reason = (f"{_who(r)} is new in run {pair.after}: {r['status']}, {_growth(r)}; run "
                      f"{pair.before} had no outlook for it.")
            rows.append(_row(r, "new", None, r["status"], r["last_period"], r["last_value"], None,
                             None, reason, weight, step))
            continue
        was = {c: r[f"{c}_was"] for c in _CARRIED}
        step = status_step(was["status"], r["status"])
        g_new, g_old = r["growth_pct"], was["growth_pct"]
        if g_new is not None and g_old is not None:
            step += min(MAX_GROWTH_MOVE, abs(g_new - g_old) / 100)
        reason = (f"{_who(r)} moved from {was['status']} to {r['status']}: expected growth now "
                  f"{_growth(r)}, was {_growth(was)} in run {pair.before} "
                  f"(as of {pair.before_as_of:%b %Y}); last month {r['last_period']:%b %Y}: "
                  f"{_level(r['last_value'], r['measure'])}.")
        rows.append(_row(r, "status", was["status"], r["status"], r["last_period"], r["last_value"],
                         None, None, reason, weight, step))
    return rows


def _outside_rows(pair: RunPair, old: pl.DataFrame, new: pl.DataFrame, compared: pl.DataFrame,
                  weight: dict[int, float]) -> list[dict[str, Any]]:
    """One row per series that had months outside the earlier run's 95% interval: the latest
    such month, with how many of the compared months missed."""
    if compared.height == 0:
        return []
    flagged = compared.with_columns(
        ((pl.col("actual") > pl.col("upper_95")) | (pl.col("actual") < pl.col("lower_95")))
        .alias("outside"))
    per = (flagged.group_by("series_id")
           .agg(pl.len().alias("months"), pl.col("outside").sum().alias("misses"),
                pl.col("period").filter(pl.col("outside")).max().alias("period"))
           .filter(pl.col("misses") > 0))
    latest = per.join(flagged, on=["series_id", "period"], how="left")
    missed = latest["series_id"].implode()
    after = {r["series_id"]: r for r in new.filter(pl.col("series_id").is_in(missed)).iter_rows(named=True)}
    before = {r["series_id"]: r for r in old.filter(pl.col("series_id").is_in(missed)).iter_rows(named=True)}
    rows = []
    for m in latest.sort("series_id").iter_rows(named=True):
        r = after.get(m["series_id"]) or before.get(m["series_id"])
        if r is None:  # the market, or a series the later run dropped
            continue
        was = before.get(m["series_id"])
        lo, hi, actual = m["lower_95"], m["upper_95"], m["actual"]
        above = actual > hi
        width = max(hi - lo, 1e-9 * max(abs(hi), 1.0))
        beyond = (actual - hi) if above else (lo - actual)
        step = min(MAX_MISS_WIDTHS, beyond / width) + m["misses"] / m["months"]
        unit = r["measure"]
        reason = (f"{_who(r)}: in {m['period']:%b %Y} demand was {_level(actual, unit)}, "
                  f"{'above' if above else 'below'} the 95% interval run {pair.before} published "
                  f"({readable(lo)} to {_level(hi, unit)}); {m['misses']} of {m['months']} months "
                  f"since {pair.before_as_of:%b %Y} fell outside.")
        rows.append(_row(r, "outside", None if was is None else was["status"],
                         after[m["series_id"]]["status"] if m["series_id"] in after else None,
                         m["period"], actual, lo, hi, reason, weight, step))
    return rows


def _row(r: dict[str, Any], change: str, from_status: str | None, to_status: str | None,
         period: dt.date | None, actual: float | None, lo: float | None, hi: float | None,
         reason: str, weight: dict[int, float], step: float) -> dict[str, Any]:
    return {"skill": r["skill"], "category": r["category"], "source": r["source"],
            "region": r["region"], "occupation": r["occupation"], "change": change,
            "from_status": from_status, "to_status": to_status, "period": period,
            "actual": actual, "lower_95": lo, "upper_95": hi, "reason": reason,
            "series_id": int(r["series_id"]), "measure": r["measure"],
            "importance": round(weight.get(r["series_id"], 0.0) * step, 6)}


def changes_table(pair: RunPair, old: pl.DataFrame, new: pl.DataFrame,
                  compared: pl.DataFrame) -> pl.DataFrame:
    """Changes from the two runs' outlooks (``changes_outlook``) and the earlier run's forecasts
    against what was observed (``changes_compared``), most important first."""
    weight = _volume_weights(new)
    rows = [*_status_rows(pair, old, new, weight),
            *_outside_rows(pair, old, new, compared, weight)]
    table = pl.DataFrame(rows, schema=_SCHEMA, orient="row") if rows else pl.DataFrame(schema=_SCHEMA)
    return table.sort(["importance", "skill", "change"], descending=[True, False, False])


def filter_watchlist(table: pl.DataFrame, skills: set[str], categories: set[str]) -> pl.DataFrame:
    """Rows whose skill (canonical name) or category (case-insensitive) is watched."""
    cats = {c.lower() for c in categories}
    return table.filter(pl.col("skill").is_in(sorted(skills))
                        | pl.col("category").str.to_lowercase().is_in(sorted(cats)))
