"""Files in no named format: long tables under other column names, wide tables, tracker files.

The shape is decided from the column names (:mod:`data.ingest.columns`) and, for wide tables, the
data:
- **long** — a skill column (skill, term, language, technology, tag, …), a period and a value
  column (value, count, share, num_*, …), optional region/occupation/source/total columns. Rows
  whose value is empty or NA are skipped (noted); files with exactly ``skill, period, value``
  keep the strict ``long`` rules (an empty value is an error).
- **wide** — a period column and ≥ 2 numeric columns, one per skill (``Date, Python, Java, …``;
  PYPL-like or Google Trends-like). Each numeric column becomes a series named after its header.
  Empty cells and ``NA``, ``N/A``, ``null``, ``-`` are missing months (skipped); Google Trends'
  ``<1`` counts as 0.5. Region/occupation/source/total columns segment the rows as in long files.
- **tracker** — a wide table with ONE numeric column, e.g. an Indeed Hiring Lab tracker
  ``date, jobcountry, AI_share``: one series per segment (country), named after the column with
  metric words trimmed (``AI_share`` → ``AI``; ``columns.skill_from_column``); a postings index
  column (``…postings_index…``) is the whole-market series instead.
The period column is the first period synonym (period, date, month, …), ``year`` + ``quarter`` or
``year`` + ``month`` combined, ``year`` alone, or else the first column when all its values are
periods; a skill column plus ≥ 2 columns NAMED after periods (``Language, 2019, 2020``) is read
as one value per skill and period. Source: ``--source``, else a ``source`` column, else
:func:`default_source`. Text columns that fit no role are ignored when constant and rejected when
they vary (they would split series silently). Measures and the fraction rule: see :mod:`data.ingest.columns`.
"""
from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import checks, columns
from skillpulse.data.ingest.detect import EXPECTED, LONG_REQUIRED
from skillpulse.data.ingest.frame import Parsed, assemble, spreadsheet_rows
from skillpulse.data.ingest.indeed import KEEP_VARIABLE
from skillpulse.data.ingest.long import build_long, check_total, parse_long, reject_duplicates
from skillpulse.data.ingest.monthly import to_months
from skillpulse.data.ingest.periods import parse_part
from skillpulse.data.ingest.readers import ROW_COL, RawTable
from skillpulse.data.settings import Settings
from skillpulse.data.store import MARKET_SKILL

MISSING = ("", "na", "n/a", "nan", "null", "none", "-", "–", "—", "..")
SHARE_TOLERANCE = 0.03  # per-period sums within 3 % of 100 (or of 1) make a composition
NUMERIC_FRACTION = 0.9  # a column is numeric when this share of its non-empty cells are numbers
WIDE_NUMERIC = 0.5  # in a wide table, a mostly numeric column is a skill (bad cells are errors)
# Two different names of one file that the taxonomy knows as ONE skill (an alias, e.g. "Golang"
# and "Go") are combined by keeping the larger value: demand for the skill is at least that.
# The same name twice for one series and month is still an error.
MERGE = "max"


def parse_general(raw: RawTable, *, fmt: str, source: str | None, measure: str | None,
                  settings: Settings) -> Parsed:
    """Parse ``raw`` as long (synonyms), wide or tracker; ``fmt`` is ``general`` (decide),
    ``long`` or ``wide`` (forced by ``--format``)."""
    cols = [c for c in raw.frame.columns if c != ROW_COL]
    if fmt == "long" and set(LONG_REQUIRED) <= set(cols):
        return parse_long(raw, source=source, measure=measure, settings=settings)
    raw, cols, pre_notes = _indeed_variable(raw, cols)
    source = source or default_source(raw, cols)
    parsed = _parse(raw, cols, fmt=fmt, source=source, measure=measure, settings=settings)
    parsed.notes[:0] = pre_notes
    return parsed


def default_source(raw: RawTable, cols: list[str]) -> str:
    """Source name of a general file when ``--source`` is not given (rows with a ``source`` cell
    keep theirs): ``indeed`` for Indeed Hiring Lab files (a ``jobcountry`` column), else the file
    name without extension and without a trailing date or version (``pypl_2024-10.csv`` → ``pypl``),
    so two unrelated files never overwrite each other's months through one shared empty source."""
    if "jobcountry" in cols:
        return "indeed"
    stem = Path(raw.label).stem.strip()
    cleaned = re.sub(r"([\s_.-]*(v\d+|\d{4}([\s_.-]?\d{1,2}){0,2}))+$", "", stem, flags=re.I)
    return cleaned or stem


def _indeed_variable(raw: RawTable, cols: list[str]) -> tuple[RawTable, list[str], list[str]]:
    """Indeed Hiring Lab files (a ``jobcountry`` column) mark their quantity in ``variable``:
    keep the 'total postings' rows when there are any, and then ``variable`` is no skill name."""
    if "jobcountry" not in cols or "variable" not in cols:
        return raw, cols, []
    variable = raw.frame["variable"].str.strip_chars().str.to_lowercase()
    keep = variable == KEEP_VARIABLE
    if not keep.any():
        return raw, cols, []
    dropped = int((~keep.fill_null(False)).sum())
    frame = raw.frame.with_columns(spreadsheet_rows(raw.frame).alias(ROW_COL)).filter(keep)
    notes = [f"kept the '{KEEP_VARIABLE}' rows of column variable"
             + (f" (skipped {dropped:,} others)" if dropped else "")]
    return _with_frame(raw, frame.drop("variable")), [c for c in cols if c != "variable"], notes


def _parse(raw: RawTable, cols: list[str], *, fmt: str, source: str | None, measure: str | None,
           settings: Settings) -> Parsed:
    period, used = _find_period(raw, cols)
    skills = columns.find([c for c in cols if c not in used], columns.SKILL)
    if fmt == "long" or (fmt == "general" and skills):
        if period is None and skills:
            by_period = _period_headers(raw, [c for c in cols if c != skills[0]])
            if by_period:
                return _parse(*_transpose(raw, cols, by_period), fmt=fmt, source=source,
                              measure=measure, settings=settings)
        if period is None:
            checks.require_columns(raw, ["period"], "long")
        if not skills:
            checks.require_columns(raw, ["skill"], "long")
        assert period is not None
        return _long(raw, cols, period, used, skills[0], source=source, measure=measure,
                     settings=settings)
    _near_miss(raw, cols)
    if period is None:
        raise InputError(f"cannot tell the format from its columns ({', '.join(raw.header)}); "
                         f"expected {EXPECTED}; or pass --format", file=raw.label, row=1)
    return _wide(raw, cols, period, used, fmt=fmt, source=source, measure=measure,
                 settings=settings)


def _period_headers(raw: RawTable, cols: list[str]) -> list[str]:
    """Columns whose NAMES are periods (``Language, 2019, 2020, …``); ≥ 2 of them, else none."""
    names = [_as_written(raw, c) for c in cols]
    parsed, _ = checks._parse_distinct(pl.Series(names, dtype=pl.String))
    found = [c for c, d in zip(cols, parsed.to_list(), strict=True) if d is not None]
    return found if len(found) >= 2 else []


def _transpose(raw: RawTable, cols: list[str], by_period: list[str]) -> tuple[RawTable, list[str]]:
    """One row per skill and period from a table with one column per period (values are checked
    here, so errors name the original row and column)."""
    if {"period", "value"} & set(cols):
        raise InputError("has columns named after periods and also a 'period' or 'value' column; "
                         "keep one layout", file=raw.label, row=1)
    raw = _clean_missing(raw, by_period)
    raw, _ = _strip_percent(raw, by_period)
    for c in by_period:
        checks.number_column(raw, c, required=False, minimum=0.0, what="a number")
    keep = [c for c in cols if c not in by_period]
    frame = (raw.frame.with_columns(spreadsheet_rows(raw.frame).alias(ROW_COL))
             .unpivot(by_period, index=[*keep, ROW_COL], variable_name="period", value_name="value")
             .drop_nulls("value"))
    written = {c: _as_written(raw, c) for c in by_period}
    frame = frame.with_columns(pl.col("period").replace_strict(written, return_dtype=pl.String))
    header = [*[_as_written(raw, c) for c in keep], "period", "value"]
    out = RawTable(path=raw.path, label=raw.label, frame=frame, header=header, kind=raw.kind,
                   notes=raw.notes)
    return out, [*keep, "period", "value"]


# --- period -------------------------------------------------------------------------------


def _find_period(raw: RawTable, cols: list[str]) -> tuple[tuple[pl.Series, bool] | None, list[str]]:
    year = columns.find(cols, ("year",))
    for c in columns.find(cols, columns.PERIOD):
        part = "quarter" if columns.key(c) == "quarter" else "month" if columns.key(c) == "month" else None
        if part and year and (part == "quarter" or _all_parts(raw, c, part)):
            return _combine(raw, year[0], c, part), [year[0], c]
        return checks.period_column(raw, c), [c]
    if year:
        return checks.period_column(raw, year[0]), [year[0]]
    first = cols[0]
    s = raw.frame[first].drop_nulls()
    if s.len():
        parsed, _ = checks._parse_distinct(s.unique())
        if parsed.null_count() == 0:
            return checks.period_column(raw, first), [first]
    return None, []


def _all_parts(raw: RawTable, column: str, part: str) -> bool:
    uniq = raw.frame[column].drop_nulls().unique().to_list()
    return bool(uniq) and all(parse_part(str(v), part) is not None for v in uniq)


def _combine(raw: RawTable, year_col: str, part_col: str, part: str) -> tuple[pl.Series, bool]:
    """Dates from a year column and a quarter (1–4, Q1–Q4) or month (1–12, names) column."""
    year = checks.number_column(raw, year_col, required=True, minimum=checks.MIN_YEAR,
                                maximum=checks.MAX_YEAR, what="a year")
    idx = checks.first_true(year != year.floor())
    if idx is not None:
        raise InputError(f"is {year[idx]:g}; expected a whole year such as 2020", file=raw.label,
                         row=raw.row_of(idx), column=year_col)
    text = checks.text_column(raw, part_col, required=True, what=f"a {part}")
    uniq = text.unique()
    nums = pl.Series([parse_part(str(v), part) for v in uniq.to_list()], dtype=pl.Int64)
    number = text.replace_strict(uniq, nums, return_dtype=pl.Int64)
    idx = checks.first_true(number.is_null())
    if idx is not None:
        expected = "1–4 or Q1–Q4" if part == "quarter" else "1–12 or a month name"
        raise InputError(f"'{text[idx]}' is not a {part}; expected {expected} (combined with "
                         f"column '{year_col}' into the period)", file=raw.label,
                         row=raw.row_of(idx), column=part_col)
    month = number * 3 - 2 if part == "quarter" else number
    parts = pl.DataFrame({"y": year.cast(pl.Int64), "m": month})
    dates = parts.select(pl.date(pl.col("y"), pl.col("m"), 1)).to_series().alias("period")
    return dates, True


# --- long ---------------------------------------------------------------------------------


def _roles(raw: RawTable, cols: list[str]) -> tuple[RawTable, dict[str, str], list[str]]:
    """Region, occupation, source and total columns among ``cols``: ``(raw, role → frame column,
    columns consumed)``. Several geography columns (``jobcountry`` + ``metro``) are joined into
    one region ``US / Austin`` (a column that only re-codes a kept one, such as a code next to
    its name, adds nothing and is left out), so no geography silently splits or merges series."""
    roles: dict[str, str] = {}
    consumed: list[str] = []
    for role, synonyms in (("region", columns.REGION), ("occupation", columns.OCCUPATION),
                           ("source", columns.SOURCE)):
        found = columns.find(cols, synonyms)
        if not found:
            continue
        consumed.extend(found if role == "region" else found[:1])
        kept = found[:1]
        if role == "region":
            for c in found[1:]:
                if not any(_one_to_one(raw, c, k) for k in kept):
                    kept.append(c)
        if len(kept) == 1:
            roles[role] = kept[0]
        else:
            name = f"_{role}"
            parts = [pl.col(c).fill_null("").str.strip_chars() for c in kept]
            raw = _with_frame(raw, raw.frame.with_columns(
                pl.concat_str(parts, separator=" / ").alias(name)))
            roles[role] = name
    totals = [c for c in cols if columns.is_total(c)]
    if totals:
        roles["total"] = totals[0]
        consumed.append(totals[0])
    return raw, roles, consumed


def _one_to_one(raw: RawTable, a: str, b: str) -> bool:
    f = raw.frame
    n = f.select(pl.struct([a, b]).n_unique()).item()
    return bool(n == f[a].n_unique() == f[b].n_unique())


def _long(raw: RawTable, cols: list[str], period: tuple[pl.Series, bool], used: list[str],
          skill: str, *, source: str | None, measure: str | None, settings: Settings) -> Parsed:
    rest = [c for c in cols if c not in used and c != skill]
    raw, roles, consumed = _roles(raw, rest)
    rest = [c for c in rest if c not in consumed]
    value, note = _value_column(raw, rest)
    notes = [note] if note else []
    raw, period, skipped = _drop_missing_values(raw, value, period)
    if skipped:
        notes.append(f"skipped {skipped:,} rows without a value in '{value}' (empty or NA)")
    raw, percent_signs = _strip_percent(raw, [value])
    name_measure = columns.measure_from_name(value) or ("share" if percent_signs else None)
    if columns.key(skill) in columns.METRIC_COLUMNS:
        raw, from_metrics, note = _metric_names(raw, skill)
        name_measure = name_measure or from_metrics
        notes.append(note)
    frame = pl.DataFrame({"period": period[0], "v": raw.frame[value].str.strip_chars()
                          .cast(pl.Float64, strict=False)})
    for role in ("region", "occupation", "source"):
        if role in roles:
            frame = frame.with_columns(raw.frame[roles[role]].fill_null("").alias(role))
    measure, scale = _decide_measure(measure, name_measure, [value], frame)
    if scale != 1.0:
        notes.append(f"values of '{value}' read as fractions of 1 and stored as percent (×100)")
    all_roles = {"skill": skill, "value": value, **roles,
                 **{f"_period{i}": c for i, c in enumerate(used)},
                 **{f"_consumed{i}": c for i, c in enumerate(consumed)}}
    parsed = build_long(raw, all_roles, source=source, measure=measure, settings=settings,
                        period=period, scale=scale, notes=notes, fmt="long")
    if period[1]:
        reject_duplicates(parsed.frame, raw.label, "month")
    parsed.merge = MERGE
    return parsed


def _drop_missing_values(raw: RawTable, value: str, period: tuple[pl.Series, bool]
                         ) -> tuple[RawTable, tuple[pl.Series, bool], int]:
    """Rows whose value is empty or a missing-value token (NA, N/A, null, -, ..) carry no
    observation: they are dropped (public tables leave suppressed cells empty); rows keep their
    spreadsheet numbers."""
    cell = raw.frame[value].str.strip_chars().str.to_lowercase()
    missing = cell.is_null() | cell.is_in(list(MISSING))
    n = int(missing.sum())
    if n == 0:
        return raw, period, 0
    if n == raw.frame.height:
        raise InputError(f"has no values in column '{value}' (every cell is empty or NA)",
                         file=raw.label, column=value)
    frame = raw.frame.with_columns(spreadsheet_rows(raw.frame).alias(ROW_COL)).filter(~missing)
    return _with_frame(raw, frame), (period[0].filter(~missing), period[1]), n


def _metric_names(raw: RawTable, column: str) -> tuple[RawTable, str | None, str]:
    """A ``variable``/``metric``/``indicator``/``series`` column names metrics (``AI share of
    postings``): each becomes the skill it measures (``AI``) as a column name would, and a measure
    that all of them imply is the measure (``share``)."""
    uniq = [v for v in raw.frame[column].drop_nulls().unique(maintain_order=True).to_list()]
    names = {v: columns.skill_from_column(str(v), str(v).strip()) for v in uniq}
    implied = {columns.measure_from_name(str(v)) for v in uniq}
    measure = implied.pop() if len(implied) == 1 else None
    frame = raw.frame.with_columns(pl.col(column).replace_strict(names, default=None,
                                                                 return_dtype=pl.String))
    shown = ", ".join(f"'{k}' → {v}" for k, v in list(names.items())[:5])
    return _with_frame(raw, frame), measure, f"metric names in column '{column}': {shown}"


def _value_column(raw: RawTable, rest: list[str]) -> tuple[str, str | None]:
    """The value column among ``rest`` under the documented priority, else an error."""
    exact = [c for c in rest if columns.compact(c) == "value"]
    if exact:
        return exact[0], None
    likes = [c for c in rest if columns.is_value_like(c) and not columns.never_value(c)]
    if len(likes) == 1:
        return likes[0], None
    if not likes:
        likes = [c for c in rest if not columns.never_value(c) and _numeric_share(raw, c) >= NUMERIC_FRACTION]
        if len(likes) == 1:
            return likes[0], f"used column '{likes[0]}' as the value"
    if len(likes) > 1:
        names = ", ".join(f"'{c}'" for c in likes)
        raise InputError(
            f"has {len(likes)} candidate value columns ({names}) and skillpulse does not guess "
            "between them; rename the one to use to 'value' (or remove the others), or pass "
            "--format long with columns skill, period, value", file=raw.label, row=1)
    checks.require_columns(raw, ["value"], "long")
    raise AssertionError("unreachable")


# --- wide / tracker -----------------------------------------------------------------------


def _wide(raw: RawTable, cols: list[str], period: tuple[pl.Series, bool], used: list[str], *,
          fmt: str, source: str | None, measure: str | None, settings: Settings) -> Parsed:
    rest = [c for c in cols if c not in used]
    raw, roles, consumed = _roles(raw, rest)
    rest = [c for c in rest if c not in consumed]
    raw = _clean_missing(raw, rest)
    notes: list[str] = []
    numeric: list[str] = []
    for c in rest:
        share = _numeric_share(raw, c)
        s = raw.frame[c]
        if s.null_count() == s.len():
            notes.append(f"ignored empty column '{c}'")
        elif share > WIDE_NUMERIC and not columns.never_value(c):
            numeric.append(c)  # its non-numbers are reported cell by cell below
        elif share > WIDE_NUMERIC or s.n_unique() == 1 or _follows(raw, c, list(roles.values())):
            notes.append(f"ignored column '{c}'")
        else:
            idx = checks.first_true(s != s.drop_nulls()[0])
            raise InputError(
                "is text that varies between rows but is not a known column (skill ← skill, term, "
                "language, technology, tag …; region ← region, country, jobcountry, iso2_code …; "
                "occupation ← occupation, sector, industry …); rename it or remove it",
                file=raw.label, row=raw.row_of(idx or 0), column=c)
    if not numeric:
        raise InputError(f"has a period column ('{used[-1]}') but no numeric column to read as "
                         "demand; expected a value column or one column per skill",
                         file=raw.label, row=1)
    if len(numeric) > 1:
        numeric = _denominators(raw, numeric, roles, notes)
    raw, percent_signs = _strip_percent(raw, numeric)
    single = len(numeric) == 1
    stem = columns.skill_from_column(Path(raw.label).stem, Path(raw.label).stem)
    names = {c: (MARKET_SKILL if "postings_index" in columns.key(c)
                 else columns.skill_from_column(_as_written(raw, c), stem if single else c))
             for c in numeric}
    _reject_same_names(raw, names)
    base = pl.DataFrame({"period": period[0], ROW_COL: spreadsheet_rows(raw.frame)})
    for role in ("region", "occupation", "source"):
        if role in roles:
            base = base.with_columns(raw.frame[roles[role]].fill_null("").str.strip_chars().alias(role))
    lenient = base.with_columns([raw.frame[c].cast(pl.Float64, strict=False).alias(c) for c in numeric])
    melted = lenient.unpivot(numeric, index=base.columns, variable_name="column", value_name="v")
    name_measures = {columns.measure_from_name(c) for c in numeric}
    name_measure = (name_measures.pop() if len(name_measures) == 1 else None) or (
        "share" if percent_signs else None)
    if any(n == MARKET_SKILL for n in names.values()):
        name_measure = name_measure or "index"
    measure, scale = _decide_measure(measure, name_measure, numeric, melted.drop_nulls("v"),
                                     wide=True)
    if scale != 1.0:
        notes.append("values read as fractions of 1 and stored as percent (×100)")
    what = {"count": "a count", "share": "a share in percent (0–100)",
            "index": "an index value"}[measure]
    limit = 100.0 / scale if measure == "share" else None
    values = {c: checks.number_column(raw, c, required=False, minimum=0.0, maximum=limit, what=what)
              for c in numeric}
    full = base.with_columns([values[c].alias(c) for c in numeric])
    long = (full.unpivot(numeric, index=base.columns, variable_name="column", value_name="value")
            .drop_nulls("value")
            .with_columns(pl.col("column").replace_strict(names, return_dtype=pl.String).alias("skill")))
    total = None
    if "total" in roles:
        t = checks.number_column(raw, roles["total"], required=False, minimum=0.0,
                                 what="a number of postings")
        total_by_row = pl.DataFrame({ROW_COL: base[ROW_COL], "total": t})
        total = long.join(total_by_row, on=ROW_COL, how="left", maintain_order="left")["total"]
        check_total(raw, long["value"], total, measure == "count", _as_written(raw, roles["total"]),
                    rows=long[ROW_COL])
    seg = {role: (long[role] if role in long.columns else "") for role in ("region", "occupation")}
    src: pl.Series | str = (long["source"].replace("", source) if source else long["source"]
                            ) if "source" in long.columns else (source or "")
    frame = assemble(long["skill"], long["period"], long["value"] * scale, total=total, source=src,
                     region=seg["region"], occupation=seg["occupation"], measure=measure,
                     rows=long[ROW_COL])
    shape = "wide" if fmt == "wide" or not single else "tracker"
    monthly = period[1]
    reject_duplicates(frame, raw.label, "month" if monthly else "date")
    frame = to_months(frame, monthly, notes, label=raw.label)
    described = ", ".join(f"'{_as_written(raw, c)}' → {n}" for c, n in list(names.items())[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    notes.insert(0, f"{shape} table, measure {measure}: {described}{more}")
    return Parsed(frame=frame, fmt=shape, notes=notes, merge=MERGE)


def _follows(raw: RawTable, column: str, assigned: list[str]) -> bool:
    """Whether ``column`` adds nothing to the segment columns (e.g. a country code next to the
    country name): it then cannot split series and is safe to ignore."""
    if not assigned:
        return False
    f = raw.frame
    return f.select(pl.struct(assigned).n_unique()).item() == f.select(
        pl.struct([*assigned, column]).n_unique()).item()


def _as_written(raw: RawTable, column: str) -> str:
    """The header name as the file writes it (frame columns are lower-cased)."""
    return next((h for h in raw.header if h.lower() == column), column)


def _denominators(raw: RawTable, numeric: list[str], roles: dict[str, str], notes: list[str]
                  ) -> list[str]:
    """Among several numeric columns, one named only by metric words names no skill: a count of
    postings or comments (``n_postings``, ``num_comments``) is the ``total`` denominator when
    there is none yet; any other (``count``, ``value``) is ignored (noted)."""
    keep: list[str] = []
    for c in numeric:
        if columns.skill_from_column(_as_written(raw, c), "") or "postings_index" in columns.key(c):
            keep.append(c)
        elif "total" not in roles and set(columns.words(c)) & {"postings", "comments", "jobs"}:
            roles["total"] = c
            notes.append(f"column '{_as_written(raw, c)}' read as the total (postings per period)")
        else:
            notes.append(f"ignored column '{_as_written(raw, c)}' (it names no skill)")
    if not keep:
        raise InputError("has several numeric columns but none names a skill; give one column "
                         "per skill, or a skill column and a value column", file=raw.label, row=1)
    return keep


def _reject_same_names(raw: RawTable, names: dict[str, str]) -> None:
    seen: dict[str, str] = {}
    for c, n in names.items():
        k = n.lower()
        if k in seen:
            raise InputError(f"names the same skill '{n}' as column '{seen[k]}'; give each skill "
                             "one column", file=raw.label, row=1, column=c)
        seen[k] = c


# --- shared helpers -----------------------------------------------------------------------


def _near_miss(raw: RawTable, cols: list[str]) -> None:
    """A long file with one misnamed column (e.g. ``skil``) gets a "did you mean" error."""
    present = [c for c in LONG_REQUIRED if c in cols]
    if len(present) != len(LONG_REQUIRED) - 1:
        return
    missing = next(c for c in LONG_REQUIRED if c not in cols)
    hint = checks.suggest(missing, raw.header)
    if hint:
        raise InputError(f"looks like the long format but has no column '{missing}' (columns found: "
                         f"{', '.join(raw.header)}); did you mean '{hint}'? (rename that column)",
                         file=raw.label, row=1, column=missing)


def _numeric_share(raw: RawTable, column: str) -> float:
    s = raw.frame[column].str.strip_chars().str.strip_chars_end("%")
    s = s.filter(s.is_not_null() & ~s.str.to_lowercase().is_in(list(MISSING)))
    if s.len() == 0:
        return 0.0
    return float(s.cast(pl.Float64, strict=False).is_not_null().sum()) / s.len()


def _clean_missing(raw: RawTable, cols: list[str]) -> RawTable:
    """Missing-value tokens become nulls; Google Trends' ``<1`` becomes 0.5."""
    exprs = []
    for c in cols:
        t = pl.col(c).str.strip_chars()
        exprs.append(pl.when(t.str.to_lowercase().is_in(list(MISSING))).then(None)
                     .when(t == "<1").then(pl.lit("0.5")).otherwise(t).alias(c))
    return _with_frame(raw, raw.frame.with_columns(exprs))


def _strip_percent(raw: RawTable, cols: list[str]) -> tuple[RawTable, bool]:
    """Cells such as ``12.5%`` lose the sign; True when any cell had one (values are percent)."""
    have = [c for c in cols if bool(raw.frame[c].str.strip_chars().str.ends_with("%").any())]
    if not have:
        return raw, False
    frame = raw.frame.with_columns([pl.col(c).str.strip_chars().str.strip_chars_end("%")
                                    .str.strip_chars() for c in have])
    return _with_frame(raw, frame), True


def _with_frame(raw: RawTable, frame: pl.DataFrame) -> RawTable:
    return RawTable(path=raw.path, label=raw.label, frame=frame, header=raw.header, kind=raw.kind,
                    notes=raw.notes)


def _composition(frame: pl.DataFrame) -> str | None:
    """``percent`` / ``fraction`` when the values of every period (and segment) with ≥ 2 skills
    add up to 100 / 1 within :data:`SHARE_TOLERANCE`; else ``None``."""
    keys = ["period", *[c for c in ("region", "occupation", "source") if c in frame.columns]]
    sums = frame.group_by(keys).agg(pl.col("v").sum().alias("s"), pl.col("v").count().alias("n"))
    sums = sums.filter(pl.col("n") >= 2)
    if sums.height == 0:
        return None
    s = sums["s"]
    if bool(((s - 100).abs() <= 100 * SHARE_TOLERANCE).all()):
        return "percent"
    if bool(((s - 1).abs() <= SHARE_TOLERANCE).all()):
        return "fraction"
    return None


def _trends_like(v: pl.Series) -> bool:
    """Whole numbers 0–100 peaking at exactly 100 (Google Trends' relative interest)."""
    whole = (v == v.round(0)) | (v == 0.5)  # 0.5 stands for Trends' "<1"
    return bool(v.len()) and v.max() == 100.0 and bool(whole.all()) and bool((v >= 0).all())


def _decide_measure(given: str | None, from_name: str | None, value_cols: list[str],
                    frame: pl.DataFrame, *, wide: bool = False) -> tuple[str, float]:
    """``(measure, scale)`` under the rules of :mod:`data.ingest.columns`."""
    frame = frame.drop_nulls("v")
    v = frame["v"]
    vmax = float(v.max()) if frame.height else 0.0  # type: ignore[arg-type]
    composition = _composition(frame)
    measure = given or from_name
    if measure is None:
        if composition:
            measure = "share"
        elif (wide and _trends_like(v)) or any("popularity" in columns.words(c) for c in value_cols):
            measure = "index"
        else:
            measure = "count"
    scale = 1.0
    if measure == "share" and vmax <= 1.0 and (
            composition == "fraction" or all(columns.says_fraction(c) for c in value_cols)):
        scale = 100.0
    return measure, scale
