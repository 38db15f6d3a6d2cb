"""Aggregate sub-monthly observations (daily, weekly) to calendar months.

Rules (DESIGN "Data model"): counts are summed over the month; shares and indices are averaged
(plain mean of the observations present). ``total`` is a number of postings, so it is summed for
every measure; it stays null when no observation of the month has one.

Incomplete first and last months. A month that the data covers only in part would be summed as
if it were whole (a flat 10/day series ending on 8 January gives January 80 against December's
310: a false decline). Coverage is judged from the data's own cadence, over the whole file:
the cadence is the most common step between the file's distinct dates (1 day for daily data,
7 for weekly); the FIRST month is complete when the file's first date lies within its first
``max(cadence, 3)`` days (the observation before it would fall in the previous month), and the
LAST month is complete when the file's last date lies within its last ``max(cadence, 3)`` days
(the next observation would fall in the next month). Three days of slack keep business-day data
(no weekends) whole. Then, for an incomplete first or last month:

- ``count`` series: the month is DROPPED (not pro-rated: nothing is invented) and a note says
  which month and which days the file covers;
- ``share`` and ``index`` series: the value is the mean of the days present, which is unbiased,
  so it is kept; their ``total`` (a sum of postings over part of the month) is set to null, and the
  note says so.

Only sub-monthly data is aggregated here; monthly, quarterly and yearly files never come here.
"""
from __future__ import annotations

import calendar
import datetime as dt

import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.ingest.periods import coarse_note

SERIES_KEYS = ["skill", "source", "region", "occupation", "measure"]
SLACK_DAYS = 3  # a month ending on a weekend is still whole for business-day data
MONTHLY_CADENCE = 28  # steps this long are monthly data on another day of the month: no edges


def cadence_days(dates: pl.Series) -> int:
    """The most common step in days between the distinct dates (ties: the smaller); 0 if one date."""
    d = dates.drop_nulls().unique().sort()
    if d.len() < 2:
        return 0
    steps = d.diff().drop_nulls().dt.total_days()
    counts = steps.value_counts(sort=False)
    best = counts.sort(["count", steps.name], descending=[True, False]).row(0)
    return int(best[0])


def incomplete_months(dates: pl.Series) -> tuple[list[dt.date], str]:
    """First-of-month dates of the file's incomplete first/last month (0, 1 or 2) and a text
    naming the days covered, e.g. ``2024-01 (days 1–8 of 31)``."""
    d = dates.drop_nulls()
    if d.len() == 0:
        return [], ""
    step = cadence_days(d)
    if step == 0 or step >= MONTHLY_CADENCE:
        return [], ""
    slack = max(step, SLACK_DAYS)
    first, last = d.min(), d.max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)

    def days(month_of: dt.date) -> int:
        return calendar.monthrange(month_of.year, month_of.month)[1]

    def text(a: dt.date, b: dt.date) -> str:
        return f"{a:%Y-%m} (days {a.day}–{b.day} of {days(a)})"

    starts_late = first.day > slack
    ends_early = last.day <= days(last) - slack
    months: list[dt.date] = []
    texts: list[str] = []
    if (first.year, first.month) == (last.year, last.month):
        if starts_late or ends_early:
            months, texts = [first.replace(day=1)], [text(first, last)]
    else:
        if starts_late:
            months.append(first.replace(day=1))
            texts.append(text(first, first.replace(day=days(first))))
        if ends_early:
            months.append(last.replace(day=1))
            texts.append(text(last.replace(day=1), last))
    if not months:
        return [], ""
    unit = "daily" if step == 1 else "weekly" if step == 7 else f"every {step} days"
    return months, f"{' and '.join(texts)}; data {unit}"


def to_monthly(frame: pl.DataFrame, notes: list[str] | None = None, *,
               label: str | None = None) -> pl.DataFrame:
    """Collapse ``frame`` (the ingest frame, ``period`` any day) to one row per series and month.

    The ``measure`` column decides the rule per series. Incomplete first/last months are handled
    as the module docstring says (:func:`drop_incomplete_months`). The optional ``_row`` column is
    dropped: an aggregated row has no single source row.
    """
    month = pl.col("period").dt.truncate("1mo")
    value = (pl.when(pl.col("measure").first() == "count")
             .then(pl.col("value").sum())
             .otherwise(pl.col("value").mean()))
    total = (pl.when(pl.col("total").is_not_null().any())
             .then(pl.col("total").sum())
             .otherwise(pl.lit(None, dtype=pl.Float64)))
    out = (frame.group_by([*SERIES_KEYS, month], maintain_order=True)
           .agg(value.alias("value"), total.alias("total")))
    out = out.select("skill", "period", "value", "total", "source", "region", "occupation", "measure")
    return drop_incomplete_months(out, frame["period"], notes, label=label)


def drop_incomplete_months(monthly: pl.DataFrame, dates: pl.Series,
                           notes: list[str] | None = None, *,
                           label: str | None = None) -> pl.DataFrame:
    """Apply the incomplete-month rule to an already monthly ingest frame.

    ``dates``: the input's observation dates (day resolution; distinct values are enough). Count
    rows of an incomplete first/last month are dropped; share/index rows keep their value and
    lose their total. A note is appended to ``notes``; count data lying wholly inside one
    incomplete month leaves nothing: an ``InputError`` naming ``label``.
    """
    partial, covered = incomplete_months(dates)
    if not partial:
        return monthly
    out = monthly
    edge = pl.col("period").is_in(pl.Series(partial, dtype=pl.Date).implode())
    is_count = pl.col("measure") == "count"
    dropped = out.filter(edge & is_count).height
    averaged = out.filter(edge & ~is_count).height
    out = (out.filter(~(edge & is_count))
           .with_columns(pl.when(edge).then(None).otherwise(pl.col("total")).alias("total")))
    if out.height == 0:
        raise InputError(f"covers only part of a month ({covered}); count data is stored per whole "
                         "month, so a part-month sum would understate it: give at least one whole "
                         "month", file=label, column="period")
    if notes is not None:
        parts = []
        if dropped:
            parts.append(f"dropped {dropped:,} count values of those months (a part-month sum is "
                         "not the month's demand; nothing is pro-rated)")
        if averaged:
            parts.append(f"kept {averaged:,} share/index values there as the mean of the days "
                         "present (their part-month totals left empty)")
        notes.append(f"incomplete month {covered}: " + "; ".join(parts))
    return out


def to_months(frame: pl.DataFrame, monthly: bool, notes: list[str], *, label: str) -> pl.DataFrame:
    """Monthly input passes through (noting quarterly/yearly spacing); finer input is aggregated."""
    if not monthly:
        frame = to_monthly(frame, notes, label=label)
        notes.append("sub-monthly periods aggregated to months")
        return frame
    coarse = coarse_note(frame["period"])
    if coarse:
        notes.append(coarse)
    return frame
