"""The executive brief's content for one forecast run: status counts, top risers and decliners with
their intervals and volume, what changed since the previous run, the chosen skills' history and
forecast, and the backtest scorecard in one sentence.

This module decides *what* the brief says (frames and sentences); ``skillpulse.dashboard.brief``
renders it as one self-contained HTML file (and the CLI prints that to PDF). It reads through a
``Query`` callable, like the other use cases.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from skillpulse.data.errors import NotFoundError, UsageError
from skillpulse.data.statuses import DECLINING, RISING
from skillpulse.data.store import MARKET_CATEGORY
from skillpulse.services import outlook_rows
from skillpulse.services.changes import Changes, Query, compute_changes

MOVERS = 8                  # rows in each of the risers and decliners tables
CHANGES_SHOWN = 12          # changes listed (the rest counted)
SERIES_PER_SKILL = 3        # segments charted per chosen skill (highest volume first)
DEFAULT_CHARTS = 2          # without --skill: this many top risers and as many top decliners
HISTORY_MONTHS = 96         # history shown before the forecast


@dataclass(frozen=True)
class SkillChart:
    """One chosen skill: its series (label per series_id), history, the run's forecast, outlook."""

    skill: str
    labels: dict[int, str]
    measure: dict[int, str]
    history: pl.DataFrame    # series_id, period, value
    forecast: pl.DataFrame   # series_id, period, mean, lower_80, upper_80, lower_95, upper_95
    outlook: pl.DataFrame    # services.outlook_rows.detail rows


@dataclass
class Brief:
    run_id: int
    as_of: dt.date
    horizon: int
    created_at: dt.datetime
    data_through: dt.date | None
    counts: dict[str, int]
    risers: pl.DataFrame     # dash_movers columns + volume, volume_is_mentions
    decliners: pl.DataFrame
    changes: Changes | None  # against the run before, when there is one
    charts: list[SkillChart]
    scorecard: str
    chosen: bool             # charts are the user's choice (else the top movers)
    notes: list[str] = field(default_factory=list)


def _run(query: Query, run: int | None) -> dict[str, Any]:
    runs = query("dash_runs")
    if runs.height == 0:
        raise NotFoundError("no forecast run in this database yet; run 'skillpulse forecast --db …' "
                            "first")
    if run is None:
        return runs.row(0, named=True)
    pick = runs.filter(pl.col("run_id") == run)
    if pick.height == 0:
        known = ", ".join(str(r) for r in sorted(runs["run_id"].to_list())[-10:])
        raise NotFoundError(f"there is no forecast run {run} (--run); stored runs: {known}")
    return pick.row(0, named=True)


def scorecard_sentence(card: pl.DataFrame) -> str:
    """The headline model's backtest in one sentence (empty frame: says so)."""
    head = card.filter(pl.col("model") == "headline")
    if head.height == 0:
        return "No backtest was stored with this run."
    r = head.row(0, named=True)
    naive = card.filter(pl.col("model") == "naive")
    vs = ""
    if naive.height and naive["median_mase"][0]:
        ratio = r["median_mase"] / naive["median_mase"][0]
        better = "lower" if ratio <= 1 else "higher"
        vs = f" ({abs(1 - ratio) * 100:.0f}% {better} error than the naive forecast)"
    cov = ""
    if r["coverage_80"] is not None and r["coverage_95"] is not None:
        cov = (f"; its 80% and 95% intervals held {r['coverage_80']:.0f}% and "
               f"{r['coverage_95']:.0f}% of what happened")
    return (f"Backtest on {r['series']:,} series: median MASE {r['median_mase']:.2f}{vs}, better than "
            f"the seasonal naive forecast on {r['pct_beats_snaive']:.0f}% of series{cov}.")


def _movers(query: Query, run_id: int, sign: int, volume: pl.DataFrame) -> pl.DataFrame:
    movers = query("dash_movers", run_id=run_id, sign=sign, n=MOVERS,
                   statuses=list(RISING if sign > 0 else DECLINING), market=MARKET_CATEGORY)
    return movers.join(volume, on="series_id", how="left")


def _resolve(query: Query, names: Sequence[str]) -> list[str]:
    keys = sorted({n.strip().lower() for n in names if n.strip()})
    found = query("dash_resolve_skills", keys=keys or [""])
    by_key = dict(zip(found["key"].to_list(), found["name"].to_list(), strict=True))
    unknown = [n for n in names if n.strip().lower() not in by_key]
    if unknown:
        shown = ", ".join(f"'{n[:60]}'" for n in unknown[:10])
        raise UsageError(f"unknown skill(s) for --skill: {shown} (names and aliases are matched "
                         "case-insensitively; see 'skillpulse export outlook')")
    return list(dict.fromkeys(by_key[n.strip().lower()] for n in names))


def _chart(query: Query, run_id: int, skill: str, rows: pl.DataFrame) -> SkillChart:
    """The skill's highest-volume series in the run (at most ``SERIES_PER_SKILL``, all of the
    measure of the biggest one: one y-axis)."""
    top = rows.sort("volume", descending=True, nulls_last=True)
    top = top.filter(pl.col("measure") == top["measure"][0]).head(SERIES_PER_SKILL)
    sids = top["series_id"].to_list()
    labels = {}
    for r in top.iter_rows(named=True):
        seg = " · ".join(p for p in (r["source"], r["region"], r["occupation"]) if p)
        labels[int(r["series_id"])] = f"{skill} ({seg})" if seg and len(sids) > 1 else skill
    history = query("dash_sparklines", series_ids=sids, months=HISTORY_MONTHS)
    measures = dict(zip(top["series_id"].to_list(), top["measure"].to_list(), strict=True))
    return SkillChart(skill, labels, measures,
                      history, query("dash_forecast", run_id=run_id, series_ids=sids),
                      outlook_rows.detail(query("dash_outlook_detail", run_id=run_id,
                                                series_ids=sids), measures))


def build_brief(query: Query, run: int | None = None, skills: Sequence[str] = ()) -> Brief:
    """The brief's content for run ``run`` (default: the newest), charting ``skills`` (default:
    the top risers and decliners)."""
    r = _run(query, run)
    run_id = int(r["run_id"])
    chosen = _resolve(query, skills) if skills else []
    series = query("changes_outlook", run_id=run_id, market=MARKET_CATEGORY)
    volume = series.select("series_id", "volume", "volume_is_mentions")
    counts = dict(query("dash_status_counts", run_id=run_id, market=MARKET_CATEGORY)
                  .select("status", "n").iter_rows())
    risers, decliners = (_movers(query, run_id, s, volume) for s in (1, -1))
    notes: list[str] = []
    try:
        changes: Changes | None = compute_changes(query, after=run_id)
    except (NotFoundError, UsageError):
        changes = None
        first = run_id == min(query("dash_runs")["run_id"].to_list())
        notes.append("This is the first forecast run: there is no earlier run to compare with."
                     if first else "No other run is as of an earlier month: there is no earlier "
                     "run to compare with.")
    names = chosen or list(dict.fromkeys([*risers["skill"].head(DEFAULT_CHARTS).to_list(),
                                          *decliners["skill"].head(DEFAULT_CHARTS).to_list()]))
    charts = []
    for name in names:
        rows = series.filter(pl.col("skill") == name)
        if rows.height == 0:
            notes.append(f"{name} has no forecast in run {run_id}.")
            continue
        charts.append(_chart(query, run_id, name, rows))
    fresh = query("dash_freshness", market=MARKET_CATEGORY)
    return Brief(run_id=run_id, as_of=r["as_of"], horizon=int(r["horizon"]),
                 created_at=r["created_at"],
                 data_through=fresh["last_period"][0] if fresh.height else None,
                 counts={k: int(v) for k, v in counts.items()}, risers=risers, decliners=decliners,
                 changes=changes, charts=charts,
                 scorecard=scorecard_sentence(query("dash_backtest_scorecard", run_id=run_id)),
                 chosen=bool(chosen), notes=notes)
