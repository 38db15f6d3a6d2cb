"""The ``long`` format: one row per skill, period and segment (``skill, period, value`` + optional
``source, region, occupation, total``; names case-insensitive and trimmed, extra columns ignored).

Decisions (README "Input formats"):
- ``--measure`` defaults to ``count``; a share is a percentage and must lie in 0–100.
- ``--source`` fills rows without a source (no ``source`` column, or an empty cell); default ''.
- ``period`` is ``YYYY-MM`` or an ISO date. If every period is a month (or a month's first day),
  the file is monthly and a repeated (series, month) is an error. Otherwise it is sub-monthly: a
  repeated (series, date) is an error, and rows are aggregated to months (``monthly.py``).
"""
from __future__ import annotations

import polars as pl

from data.errors import InputError
from data.ingest import checks
from data.ingest.detect import LONG_OPTIONAL, LONG_REQUIRED
from data.ingest.frame import Parsed, assemble, spreadsheet_rows
from data.ingest.monthly import SERIES_KEYS, to_monthly
from data.ingest.readers import RawTable
from data.settings import Settings

DEFAULT_MEASURE = "count"


def parse_long(raw: RawTable, *, source: str | None, measure: str | None,
               settings: Settings) -> Parsed:
    """Validate a long-format table and return its ingest frame (monthly)."""
    checks.require_columns(raw, LONG_REQUIRED, "long")
    measure = measure or DEFAULT_MEASURE
    cols = set(raw.frame.columns)
    skill = checks.text_column(raw, "skill", required=True, max_len=settings.max_skill_name,
                               what="a skill name")
    period, monthly = checks.period_column(raw, "period")
    what = {"count": "a count", "share": "a share in percent (0–100)",
            "index": "an index value"}[measure]
    value = checks.number_column(raw, "value", required=True, minimum=0.0,
                                 maximum=100.0 if measure == "share" else None, what=what)
    total = (checks.number_column(raw, "total", required=False, minimum=0.0,
                                  what="a number of postings")
             if "total" in cols else None)
    segments: dict[str, pl.Series | str] = {}
    for name in ("region", "occupation"):
        segments[name] = checks.text_column(raw, name, required=False) if name in cols else ""
    if "source" in cols:
        src = checks.text_column(raw, "source", required=False)
        segments["source"] = src.replace("", source) if source else src
    else:
        segments["source"] = source or ""
    frame = assemble(skill, period, value, total=total, source=segments["source"],
                     region=segments["region"], occupation=segments["occupation"],
                     measure=measure, rows=spreadsheet_rows(raw.frame))
    notes: list[str] = []
    known = {*LONG_REQUIRED, *LONG_OPTIONAL}
    ignored = [h for h in raw.header if h.lower() not in known]
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")
    if not monthly:
        reject_duplicates(frame, raw.label, "date")
        frame = to_monthly(frame)
        notes.append("sub-monthly periods aggregated to months")
    return Parsed(frame=frame, fmt="long", notes=notes)


def reject_duplicates(frame: pl.DataFrame, label: str, unit: str) -> None:
    """Fail on the first row that repeats an earlier row's series and period."""
    dup = checks.first_duplicate(frame, [*SERIES_KEYS, "period"])
    if dup is None:
        return
    idx, first = dup
    rows = frame["_row"] if "_row" in frame.columns else None
    row = int(rows[idx]) if rows is not None else None
    earlier = f" (first given on row {int(rows[first])})" if rows is not None else ""
    rec = frame.row(idx, named=True)
    segment = ", ".join(f"{k} '{rec[k]}'" for k in ("source", "region", "occupation") if rec[k])
    segment = f" ({segment})" if segment else ""
    raise InputError(f"repeats skill '{rec['skill']}'{segment} for the {unit} {rec['period']}"
                     f"{earlier}; each series may have one value per {unit}",
                     file=label, row=row, column="period")
