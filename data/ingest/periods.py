"""Period text → first day of its month: the period layouts skillpulse accepts, and coarse-data rules.

Accepted layouts (after trimming; the fast vectorised path handles the first two, the rest are
parsed once per DISTINCT value, which are few):
- ``YYYY-MM``, ISO dates ``YYYY-MM-DD`` (with an optional time part);
- ``YYYY/MM``, ``YYYY.MM``, ``YYYYMM``, ``MM/YYYY``, ``MM-YYYY``, ``YYYY/MM/DD``;
- month names: ``July 2004``, ``Jul 2004``, ``Jul-2004``, ``2004 July``;
- quarters: ``2020-Q1``, ``2020Q1``, ``2020 Q1``, ``Q1 2020``, ``Q1-2020``;
- years: ``2020``;
- slash dates ``M/D/YYYY`` or ``D/M/YYYY``: the order is decided for the whole column (a first
  number above 12 means day first, a second number above 12 means month first; when every value
  is the first of a month, the varying number is the month). A column where both orders remain
  possible is rejected: it asks for ISO dates instead of guessing.

Coarser than monthly (quarters, years): each value is placed on the FIRST month of its quarter or
year and nothing is invented for the months between. The forecast engine treats those months as
gaps (``models/transform.py``: interpolated on the modelling scale, counted as history, never
scored as observations in the backtest), so no interpolated value is ever stored or exported as
data. Values are stored as given (a quarterly count is not divided by three).
"""
from __future__ import annotations

import datetime as dt
import re

import polars as pl

MONTHS = {name: i for i, names in enumerate(
    (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
     ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
     ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}

_YM = re.compile(r"^(\d{4})[/.](\d{1,2})$")
_YMD = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_MY = re.compile(r"^(\d{1,2})[/-](\d{4})$")
_YYYYMM = re.compile(r"^(\d{4})(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_Q1 = re.compile(r"^(\d{4})\s*[-/ ]?\s*[Qq]([1-4])$")
_Q2 = re.compile(r"^[Qq]([1-4])\s*[-/ ]?\s*(\d{4})$")
_NAME_Y = re.compile(r"^([A-Za-z]{3,9})\.?[\s,/-]*(\d{4})$")
_Y_NAME = re.compile(r"^(\d{4})[\s,/-]*([A-Za-z]{3,9})$")
_SLASH = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _month(year: int, month: int, day: int = 1) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_one(text: str) -> dt.date | None:
    """The date of one period value in a layout other than slash dates (``None``: not a period)."""
    t = text.strip()
    for pattern, order in ((_YM, "ym"), (_MY, "my"), (_YYYYMM, "ym")):
        m = pattern.match(t)
        if m:
            a, b = int(m.group(1)), int(m.group(2))
            return _month(a, b) if order == "ym" else _month(b, a)
    m = _YMD.match(t)
    if m:
        return _month(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _Q1.match(t) or _Q2.match(t)
    if m:
        year, q = (m.group(1), m.group(2)) if m.re is _Q1 else (m.group(2), m.group(1))
        return _month(int(year), 3 * int(q) - 2)
    m = _YEAR.match(t)
    if m:
        return _month(int(m.group(1)), 1)
    m = _NAME_Y.match(t)
    if m and m.group(1).lower() in MONTHS:
        return _month(int(m.group(2)), MONTHS[m.group(1).lower()])
    m = _Y_NAME.match(t)
    if m and m.group(2).lower() in MONTHS:
        return _month(int(m.group(1)), MONTHS[m.group(2).lower()])
    return None


def slash_order(values: list[str]) -> str | None:
    """``md`` or ``dm`` for the slash dates of one column, ``None`` when both orders are possible."""
    pairs = [(int(m.group(1)), int(m.group(2))) for v in values if (m := _SLASH.match(v.strip()))]
    if not pairs:
        return "md"
    if any(a > 12 for a, _ in pairs):
        return "dm"
    if any(b > 12 for _, b in pairs):
        return "md"
    if all(b == 1 for _, b in pairs):
        return "md"
    if all(a == 1 for a, _ in pairs):
        return "dm"
    return None


def slash_note(values: list[str], column: str) -> str | None:
    """Which order this column's slash dates were read in, and why (``None``: no slash dates,
    or both orders possible — then they are rejected)."""
    pairs = [(int(m.group(1)), int(m.group(2))) for v in values if (m := _SLASH.match(v.strip()))]
    order = slash_order(values)
    if not pairs or order is None:
        return None
    if any(a > 12 for a, _ in pairs):
        why = "a first number above 12"
    elif any(b > 12 for _, b in pairs):
        why = "a second number above 12"
    else:
        why = "every date is the first of a month"
    layout = "day/month/year (DD/MM/YYYY)" if order == "dm" else "month/day/year (MM/DD/YYYY)"
    return (f"dates in column '{column}' read as {layout}: {why}; write YYYY-MM-DD to say "
            "it yourself")


def parse_slow(values: list[str]) -> tuple[list[dt.date | None], bool]:
    """Dates for distinct period values that the fast path did not parse.

    Returns ``(dates, ambiguous)``: ``ambiguous`` is True when slash dates could be read either
    day-first or month-first (those values are then ``None``).
    """
    order = slash_order(values)
    out: list[dt.date | None] = []
    for v in values:
        m = _SLASH.match(v.strip())
        if m:
            a, b, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
            out.append(None if order is None else _month(y, a, b) if order == "md" else _month(y, b, a))
        else:
            out.append(parse_one(v))
    return out, order is None


def parse_part(text: str, kind: str) -> int | None:
    """A quarter (1–4, ``Q1``…) or month (1–12, ``Jan``/``January``) number, else ``None``."""
    t = text.strip().lower()
    if kind == "quarter":
        t = t[1:] if t.startswith("q") else t
        lo, hi = 1, 4
    else:
        if t in MONTHS:
            return MONTHS[t]
        lo, hi = 1, 12
    try:
        n = float(t)
    except ValueError:
        return None
    return int(n) if n.is_integer() and lo <= n <= hi else None


def granularity(periods: pl.Series) -> str:
    """``monthly``, ``quarterly`` or ``yearly`` from the distinct first-of-month dates."""
    months = periods.unique().sort()
    if months.len() < 2:
        return "monthly"
    index = months.dt.year().cast(pl.Int64) * 12 + months.dt.month().cast(pl.Int64)
    step = int(index.diff().drop_nulls().min())  # type: ignore[arg-type]
    if step >= 12 and bool((months.dt.month() == 1).all()):
        return "yearly"
    if step >= 3 and bool(months.dt.month().is_in([1, 4, 7, 10]).all()):
        return "quarterly"
    return "monthly"


COARSE_NOTE = ("{g} data: each value is placed on the first month of its {unit}; the months between "
               "are gaps (the forecast interpolates them and never scores them)")


def coarse_note(periods: pl.Series) -> str | None:
    """A note for the summary when the data is quarterly or yearly."""
    g = granularity(periods)
    if g == "monthly":
        return None
    return COARSE_NOTE.format(g=g, unit="quarter" if g == "quarterly" else "year")
