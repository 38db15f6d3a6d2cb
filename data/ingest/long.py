"""The ``long`` format: one row per skill, period and segment (``skill, period, value`` + optional
``source, region, occupation, total``; names case-insensitive and trimmed, extra columns ignored).

Decisions (README "Input formats"):
- ``--measure`` defaults to ``count``; a share is a percentage and must lie in 0–100.
- A ``measure`` column (as in ``skillpulse export series``) gives each row's measure (count,
  share or index; anything else is an error); its empty cells take ``--measure`` (default count).
- A ``category`` column (as in ``export series``) gives the category of skills that are new to
  the store (existing skills keep theirs); ``pipeline`` adds them before names are resolved.
- For counts, ``total`` (the market's postings that period) must not be below ``value``.
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
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import checks
from skillpulse.data.ingest.detect import LONG_OPTIONAL, LONG_REQUIRED
from skillpulse.data.ingest.frame import MEASURES, Parsed, assemble, spreadsheet_rows
from skillpulse.data.ingest.monthly import SERIES_KEYS, to_months
from skillpulse.data.ingest.readers import RawTable
from skillpulse.data.settings import Settings

DEFAULT_MEASURE = "count"
EXPORT_OPTIONAL = ("measure", "category")  # columns of ``skillpulse export series``


def parse_long(raw: RawTable, *, source: str | None, measure: str | None,
               settings: Settings) -> Parsed:
    """Validate a long-format table (exact column names) and return its ingest frame (monthly)."""
    checks.require_columns(raw, LONG_REQUIRED, "long")
    cols = set(raw.frame.columns)
    roles = {name: name for name in (*LONG_REQUIRED, *LONG_OPTIONAL, *EXPORT_OPTIONAL)
             if name in cols}
    return build_long(raw, roles, source=source, measure=measure or DEFAULT_MEASURE,
                      settings=settings)


MEASURE_WHAT = {"count": "a count", "share": "a share in percent (0–100)",
                "index": "an index value"}


def _measure_column(raw: RawTable, column: str, default: str) -> pl.Series:
    """Each row's measure from a ``measure`` column (empty cells: ``default``)."""
    text = checks.text_column(raw, column, required=False, what="a measure").str.to_lowercase()
    text = text.replace("", default)
    bad = checks.first_true(~text.is_in(list(MEASURES)))
    if bad is not None:
        raise InputError(f"'{raw.frame[column][bad]}' is not a measure; expected count, share or "
                         "index (or leave the cell empty for --measure, default count)",
                         file=raw.label, row=raw.row_of(bad), column=column)
    return text


def check_total(raw: RawTable, value: pl.Series, total: pl.Series, is_count: pl.Series | bool,
                column: str, rows: pl.Series | None = None) -> None:
    """For counts, ``total`` (the market's postings) must not be below ``value``."""
    if is_count is False:
        return
    below = total < value
    if isinstance(is_count, pl.Series):
        below = below & is_count
    idx = checks.first_true(below)
    if idx is None:
        return
    row = int(rows[idx]) if rows is not None else raw.row_of(idx)
    raise InputError(f"total ({total[idx]:g}) is below value ({value[idx]:g}): total must be the "
                     "market's postings that month, and a count of postings naming a skill cannot "
                     "exceed it", file=raw.label, row=row, column=column)


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
    measures: pl.Series | str = measure
    if "measure" in roles:
        measures = _measure_column(raw, roles["measure"], measure)
        if measures.n_unique() == 1:
            measures = str(measures[0])
    if isinstance(measures, str):
        limit = 100.0 / scale if measures == "share" else None
        value = checks.number_column(raw, roles["value"], required=True, minimum=0.0,
                                     maximum=limit, what=MEASURE_WHAT[measures])
    else:
        value = checks.number_column(raw, roles["value"], required=True, minimum=0.0,
                                     what="a number")
        idx = checks.first_true((measures == "share") & (value > 100.0))
        if idx is not None:
            raise InputError(f"is {value[idx]:g}, above the maximum 100; expected a share in "
                             "percent (0–100) (column measure says share)", file=raw.label,
                             row=raw.row_of(idx), column=roles["value"])
    if scale != 1.0:
        value = value * scale
    total = (checks.number_column(raw, roles["total"], required=False, minimum=0.0,
                                  what="a number of postings")
             if "total" in roles else None)
    if total is not None:
        is_count: pl.Series | bool = measures == "count"
        check_total(raw, value, total, is_count, roles["total"])
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
                     measure=measures, rows=spreadsheet_rows(raw.frame))
    used = {c.lower() for c in roles.values()}
    ignored = [h for h in raw.header if h.lower() not in used]
    if ignored:
        notes.append(f"ignored columns: {', '.join(ignored)}")
    categories = _categories(raw, roles["category"], skill) if "category" in roles else None
    if not monthly:
        reject_duplicates(frame, raw.label, "date")
    frame = to_months(frame, monthly, notes, label=raw.label)
    return Parsed(frame=frame, fmt=fmt, notes=notes, categories=categories)


def _categories(raw: RawTable, column: str, skill: pl.Series) -> pl.DataFrame:
    """``name, category`` (first non-empty category of each skill name)."""
    category = checks.text_column(raw, column, required=False, max_len=200, what="a category")
    return (pl.DataFrame({"name": skill, "category": category})
            .filter(pl.col("category") != "")
            .unique(subset="name", keep="first", maintain_order=True))


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
