"""Vectorised validation of all-text columns; each check names the FIRST bad row and its column.

Every check runs as whole-column polars operations (no per-row Python); text-heavy work (period
parsing, name lengths) runs on the distinct values only and is mapped back. Only when a check fails
do we look up the row number and, for a missing value, whether the row is ragged.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterable

import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.guards import clean_names, first_invisible, shown
from skillpulse.data.ingest import periods
from skillpulse.data.ingest.readers import RawTable, find_ragged_or_quote

PERIOD_HELP = ("expected a month YYYY-MM or a date YYYY-MM-DD (also YYYY/MM, MM/YYYY, 'Jul 2004', "
               "a quarter YYYY-Qn or a year YYYY)")
MIN_YEAR, MAX_YEAR = 1900, 2200

# Common other names for the long format's columns, for "did you mean" hints.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "skill": ("term", "name", "technology", "skill_name", "competency", "keyword", "tag"),
    "period": ("month", "date", "time", "year_month", "yearmonth"),
    "value": ("count", "share", "percentage", "mentions", "postings", "n", "index"),
}


def first_true(mask: pl.Series) -> int | None:
    """Index of the first ``True`` in ``mask`` (nulls count as ``False``), or ``None``."""
    mask = mask.fill_null(False)
    if not mask.any():
        return None
    return int(mask.arg_max())  # type: ignore[arg-type]


def suggest(name: str, header: Iterable[str]) -> str | None:
    """The header name closest to the expected column ``name`` (synonyms first)."""
    lower = {h.lower(): h for h in header}
    for alt in SYNONYMS.get(name, ()):
        if alt in lower:
            return lower[alt]
    close = difflib.get_close_matches(name, list(lower), n=1, cutoff=0.6)
    return lower[close[0]] if close else None


def require_columns(raw: RawTable, required: Iterable[str], fmt: str) -> None:
    """Every ``required`` column (lower-case) is present, else name the first missing one."""
    have = set(raw.frame.columns)
    for name in required:
        if name in have:
            continue
        hint = suggest(name, raw.header)
        did_you_mean = f"; did you mean '{hint}'? (rename that column)" if hint else ""
        seen = ", ".join(raw.header)
        raise InputError(f"missing column '{name}' for the {fmt} format (columns found: {seen})"
                         f"{did_you_mean}", file=raw.label, row=1, column=name)


def _missing_error(raw: RawTable, index: int, column: str, expected: str) -> InputError:
    row = raw.row_of(index)
    if raw.kind == "csv":
        ragged = _ragged_at(raw, row)
        if ragged is not None:
            return ragged
    return InputError(f"is empty; {expected}", file=raw.label, row=row, column=column)


def _ragged_at(raw: RawTable, row: int) -> InputError | None:
    """A ragged-row error at or before ``row`` (polars fills short rows with nulls)."""
    try:
        text = raw.path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    return find_ragged_or_quote(text, raw.header, raw.label, stop_at_row=row)


def text_column(raw: RawTable, column: str, *, required: bool, max_len: int | None = None,
                what: str = "a name") -> pl.Series:
    """A trimmed text column; ``required`` rejects empty cells, ``max_len`` long values; a
    control character (line break, tab, NUL, …) inside a value is always rejected. Values come
    back clean (``data.guards.clean_name``); a required value with nothing visible is rejected.

    Trimming, emptiness and length are decided on the distinct values (few) and mapped back.
    """
    s = raw.frame[column]
    if required:
        idx = first_true(s.is_null())
        if idx is not None:
            raise _missing_error(raw, idx, column, f"expected {what}")
    elif s.null_count():
        s = s.fill_null("")
    uniq = s.unique()
    stripped = uniq.str.strip_chars()
    if required:
        blank = uniq.filter(stripped == "")
        if blank.len():
            idx = first_true(s.is_in(blank.implode()))
            assert idx is not None
            raise _missing_error(raw, idx, column, f"expected {what}")
    if max_len is not None:
        too_long = uniq.filter(stripped.str.len_chars() > max_len)
        if too_long.len():
            idx = first_true(s.is_in(too_long.implode()))
            assert idx is not None
            n = len(str(s[idx]).strip())
            raise InputError(f"is {n} characters long; the limit is {max_len} (setting "
                             "SKILLPULSE_MAX_SKILL_NAME); is a description in the wrong column?",
                             file=raw.label, row=raw.row_of(idx), column=column)
    control = uniq.filter(stripped.str.contains(r"\p{Cc}"))
    if control.len():
        idx = first_true(s.is_in(control.implode()))
        assert idx is not None
        raise InputError(f"'{_clip(_visible(str(s[idx]).strip()))}' contains a control character "
                         f"(a line break, tab or similar); expected {what} on one line of text",
                         file=raw.label, row=raw.row_of(idx), column=column)
    cleaned = clean_names(stripped)
    if required:
        bad = first_invisible(cleaned)
        if bad is not None:
            idx = first_true(s == uniq[bad])
            assert idx is not None
            raise InputError(f"'{shown(str(s[idx]))}' has no visible character (only zero-width, "
                             f"bidi or blank-looking characters); expected {what}",
                             file=raw.label, row=raw.row_of(idx), column=column)
    if (cleaned != uniq).any():
        s = s.replace_strict(uniq, cleaned, return_dtype=pl.String)
    return s


def _visible(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\n``), for messages."""
    return "".join(repr(ch)[1:-1] if ord(ch) < 32 or 127 <= ord(ch) < 160 else ch for ch in text)


def number_column(raw: RawTable, column: str, *, required: bool, minimum: float | None = 0.0,
                  maximum: float | None = None, what: str = "a number") -> pl.Series:
    """A Float64 column; rejects text, NaN, infinities and values outside [minimum, maximum].

    The column may already be Float64 (parsed while reading): then only the range checks run,
    first as one fused pass; the row-by-row reasons are looked up only when that pass fails."""
    s = raw.frame[column]
    label = raw.label
    if s.dtype == pl.Float64:
        ok = s.is_finite()
        if minimum is not None:
            ok = ok & (s >= minimum)
        if maximum is not None:
            ok = ok & (s <= maximum)
        if (not required or s.null_count() == 0) and ok.all(ignore_nulls=True):
            return s
    v = s.cast(pl.Float64, strict=False)
    bad = v.is_null() & s.is_not_null()
    if s.dtype == pl.String and bad.any():
        # Cells such as " 5" parse once trimmed; only then is anything really not a number.
        s = s.str.strip_chars()
        v = s.cast(pl.Float64, strict=False)
        bad = v.is_null() & s.is_not_null() & (s != "")
        idx = first_true(bad)
        if idx is not None:
            text = str(s[idx])
            hint = " (use '.' as the decimal separator, no thousands separators)" if "," in text else ""
            raise InputError(f"'{_clip(text)}' is not a number; expected {what}{hint}",
                             file=label, row=raw.row_of(idx), column=column)
    if required:
        idx = first_true(v.is_null())
        if idx is not None:
            raise _missing_error(raw, idx, column, f"expected {what}")
    idx = first_true(v.is_nan())
    if idx is not None:
        raise InputError(f"is NaN (not a number); expected {what}", file=label,
                         row=raw.row_of(idx), column=column)
    idx = first_true(v.is_infinite())
    if idx is not None:
        raise InputError(f"is infinite ({s[idx]}); expected a finite number", file=label,
                         row=raw.row_of(idx), column=column)
    if minimum is not None:
        idx = first_true(v < minimum)
        if idx is not None:
            rule = "≥ 0 (demand cannot be negative)" if minimum == 0 else f"≥ {minimum:g}"
            raise InputError(f"is {v[idx]:g}; expected {what} {rule}", file=label,
                             row=raw.row_of(idx), column=column)
    if maximum is not None:
        idx = first_true(v > maximum)
        if idx is not None:
            raise InputError(f"is {v[idx]:g}, above the maximum {maximum:g}; expected {what}",
                             file=label, row=raw.row_of(idx), column=column)
    return v


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _parse_distinct(uniq: pl.Series) -> tuple[pl.Series, bool]:
    """Dates for distinct period strings (null where not a period); True when slash dates are
    ambiguous (day-first and month-first both possible). ISO layouts are parsed vectorised; the
    other layouts of ``periods`` only for the values that are left (few distinct values)."""
    t = uniq.str.strip_chars()
    month = t.str.contains(r"^\d{4}-\d{2}$")
    day = t.str.contains(r"^\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
    iso = pl.select(
        pl.when(month).then(t + "-01").when(day).then(t.str.slice(0, 10)).otherwise(None)
    ).to_series()
    parsed = iso.str.to_date("%Y-%m-%d", strict=False)
    left = parsed.is_null() & ~month & ~day
    if not left.any():
        return parsed, False
    texts = uniq.filter(left).to_list()
    dates, ambiguous = periods.parse_slow([str(x) for x in texts])
    fill = pl.Series(dates, dtype=pl.Date)
    mapped = uniq.replace_strict(pl.Series(texts, dtype=pl.String), fill, default=None,
                                 return_dtype=pl.Date)
    return parsed.fill_null(mapped), ambiguous


def period_column(raw: RawTable, column: str) -> tuple[pl.Series, bool]:
    """Parse a period column (any layout of :mod:`data.ingest.periods`) to ``pl.Date``.

    Returns ``(dates, monthly)``: ``monthly`` is True when every period is a month (or the first
    day of one); otherwise the data is sub-monthly (daily/weekly) and must be aggregated.
    """
    s = raw.frame[column]
    idx = first_true(s.is_null())
    if idx is not None:
        raise _missing_error(raw, idx, column, PERIOD_HELP)
    uniq = s.unique()
    blank = uniq.filter(uniq.str.strip_chars() == "")
    if blank.len():
        idx = first_true(s.is_in(blank.implode()))
        assert idx is not None
        raise _missing_error(raw, idx, column, PERIOD_HELP)
    parsed, ambiguous = _parse_distinct(uniq)
    year = parsed.dt.year()
    invalid = uniq.filter(parsed.is_null() | (year < MIN_YEAR) | (year > MAX_YEAR))
    if invalid.len():
        idx = first_true(s.is_in(invalid.implode()))
        assert idx is not None
        text = str(s[idx])
        as_date = parsed.filter(uniq == text)
        extra = f" (year outside {MIN_YEAR}–{MAX_YEAR})" if as_date.null_count() == 0 else ""
        if ambiguous and "/" in text:
            extra = (" (this column's slash dates read as day/month and as month/day alike; "
                     "write dates as YYYY-MM-DD)")
        raise InputError(f"'{_clip(text)}' is not a period{extra}; {PERIOD_HELP}", file=raw.label,
                         row=raw.row_of(idx), column=column)
    monthly = bool((parsed.dt.day() == 1).all())
    if uniq.str.contains(r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}").any():
        note = periods.slash_note(uniq.to_list(), _as_written_name(raw, column))
        if note and note not in raw.notes:
            raw.notes.append(note)
    return _map_periods(s, uniq, parsed).alias("period"), monthly


def _as_written_name(raw: RawTable, column: str) -> str:
    return next((h for h in raw.header if h.lower() == column), column)


def _map_periods(s: pl.Series, uniq: pl.Series, parsed: pl.Series) -> pl.Series:
    """Dates for every row. When all distinct values share one clean layout, parsing the column
    directly is about twice as fast as mapping through the distinct values."""
    for pattern, layout in ((r"^\d{4}-\d{2}$", "%Y-%m"), (r"^\d{4}-\d{2}-\d{2}$", "%Y-%m-%d")):
        if bool(uniq.str.contains(pattern).all()):
            return s.str.to_date(layout, strict=True)
    return s.replace_strict(uniq, parsed, return_dtype=pl.Date)


def first_duplicate(frame: pl.DataFrame, keys: list[str]) -> tuple[int, int] | None:
    """``(index of the first row repeating an earlier row's keys, index of that earlier row)``.

    Fast path: a 64-bit hash of the keys must be unique; only if it is not do we compare exactly.
    """
    h = frame.select(pl.struct(keys).hash(seed=20240501)).to_series()
    if h.n_unique() == frame.height:
        return None
    repeat = ~frame.select(pl.struct(keys).is_first_distinct()).to_series()
    idx = first_true(repeat)
    if idx is None:
        return None  # a hash collision, not a duplicate
    key_row = frame.select(keys).row(idx)
    match = pl.all_horizontal([pl.col(k) == v for k, v in zip(keys, key_row, strict=True)])
    first = first_true(frame.select(match).to_series())
    return idx, first if first is not None else idx
