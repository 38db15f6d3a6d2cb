"""The ``long`` format: one row per skill, period and segment (``skill, period, value`` + optional
``source, region, occupation, total``; names case-insensitive and trimmed, extra columns ignored).

Decisions (README "Input formats"):
- ``--measure`` defaults to ``count``; a share is a percentage and must lie in 0–100.
- ``--source`` fills rows without a source (no ``source`` column, or an empty cell); default ''.
- ``period`` is any layout of ``periods`` (``YYYY-MM``, an ISO date, ``YYYY-Qn``, …). If every
  period is a month (or a month's first day), the file is monthly and a repeated (series, month)
  is an error. Otherwise it is sub-monthly: a repeated (series, date) is an error, and rows are
  aggregated to months (``monthly.py``).
  Quarterly or yearly periods are placed on their first month (see ``periods``).
- Other column names (synonyms, wide tables) are mapped to these roles by ``general``, which
  calls :func:`build_long`.
"""
from __future__ import annotations

import polars as pl

from data.errors import InputError
from data.ingest import checks
from data.ingest.detect import LONG_OPTIONAL, LONG_REQUIRED
from data.ingest.frame import Parsed, assemble, spreadsheet_rows
from data.ingest.monthly import SERIES_KEYS, to_monthly
from data.ingest.periods import coarse_note
from data.ingest.readers import RawTable
from data.settings import Settings

DEFAULT_MEASURE = "count"


def parse_long(raw: RawTable, *, source: str | None, measure: str | None,
               settings: Settings) -> Parsed:
    """Validate a long-format table (exact column names) and return its ingest frame (monthly)."""
    checks.require_columns(raw, LONG_REQUIRED, "long")
    cols = set(raw.frame.columns)
    roles = {name: name for name in (*LONG_REQUIRED, *LONG_OPTIONAL) if name in cols}
    return build_long(raw, roles, source=source, measure=measure or DEFAULT_MEASURE,
                      settings=settings)


def build_long(raw: RawTable, roles: dict[str, str], *, source: str | None, measure: str,
               settings: Settings, period: tuple[pl.Series, bool] | None = None,
               scale: float = 1.0, notes: list[str] | None = None, fmt: str = "long") -> Parsed:
    """The long-format ingest frame from ``roles`` (role → frame column: ``skill``, ``value`` and
    ``period`` unless ``period`` is given already parsed; optional ``total``, ``region``,
    ``occupation``, ``source``). ``scale`` multiplies values after validation (fractions → %)."""
    notes = list(notes or [])
    skill = checks.text_column(raw, roles["skill"], required=True, max_len=settings.max_skill_name,
                               what="a skill name")
    if period is None:
        period = checks.period_column(raw, roles["period"])
    dates, monthly = period
    what = {"count": "a count", "share": "a share in percent (0–100)",
            "index": "an index value"}[measure]
    limit = 100.0 / scale if measure == "share" else None
    value = checks.number_column(raw, roles["value"], required=True, minimum=0.0,
                                 maximum=limit, what=what)
    if scale != 1.0:
        value = value * scale
    total = (checks.number_column(raw, roles["total"], required=False, minimum=0.0,
                                  what="a number of postings")
             if "total" in roles else None)
    segments: dict[str, pl.Series | str] = {}
    for name in ("region", "occupation"):
        segments[name] = (checks.text_column(raw, roles[name], required=False)
                          if name in roles else "")
    if "source" in roles:
        src = checks.text_column(raw, roles["source"], required=False)
        segments["source"] = src.replace("", source) if source else src
    else:
        segments["source"] = source or ""
    frame = assemble(skill, dates, value, total=total, source=segments["source"],
                     region=segments["region"], occupation=segments["occupation"],
                     measure=measure, rows=spreadsheet_rows(raw.frame))
    used = {c.lower() for c in roles.values()}
    ignored = [h for h in raw.header if h.lower() not in used]
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")
    if not monthly:
        reject_duplicates(frame, raw.label, "date")
        frame = to_monthly(frame)
        notes.append("sub-monthly periods aggregated to months")
    else:
        coarse = coarse_note(frame["period"])
        if coarse:
            notes.append(coarse)
    return Parsed(frame=frame, fmt=fmt, notes=notes)


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
