"""Read and validate L&D inputs: a course catalogue and a skill inventory (CSV or Parquet).

Both the CLI (a path) and the app (uploaded bytes) come through here, so a bad file gets the same
one-sentence ``InputError`` everywhere, naming the file, the row as a spreadsheet shows it (header
= row 1) and the column. Files are small (a catalogue, a team), so rows are checked one by one
with the standard ``csv`` module, which reports unterminated quotes and ragged rows exactly.

Catalogue: ``course_id, title, skills`` (``|``-separated) + optional ``hours, provider,
last_updated``. Inventory: ``person`` (or ``role``/``team`` when rows describe roles or teams),
``skill`` + optional ``proficiency`` (whole number 1–5) and ``team``. Column names are
case-insensitive; comma, semicolon and tab delimiters are recognised from the header.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from pathlib import Path

import duckdb
import polars as pl
from skillpulse.data import store
from skillpulse.data.errors import InputError, NotFoundError
from skillpulse.data.guards import clean_name, is_invisible, shown
from skillpulse.data.settings import get_settings
from skillpulse.data.skills import resolve_names
from skillpulse.data.text import decode_text, read_bytes

COURSE_REQUIRED = ("course_id", "title", "skills")
COURSE_OPTIONAL = ("hours", "provider", "last_updated")
INVENTORY_OPTIONAL = ("proficiency", "team")
PERSON_SYNONYMS = ("person", "employee", "name", "role", "team")
MAX_COURSE_HOURS = 10_000  # more is a typing error (1e300 hours), not a course



def _is_parquet(data: bytes, filename: str) -> bool:
    return data[:4] == b"PAR1" or Path(filename).suffix.lower() in (".parquet", ".pq")


def _decode(data: bytes, filename: str) -> str:
    text = decode_text(data, filename)
    if not text.strip():
        raise InputError("the file is empty; expected a header row and at least one data row",
                         file=filename)
    return text


def _delimiter(first_line: str, required: Sequence[str], synonyms: Sequence[str]) -> str:
    names = {*required, *synonyms}
    for delim in (",", ";", "\t"):
        cells = {c.strip().strip('"').lower() for c in first_line.split(delim)}
        if len(cells & names) >= 2:
            return delim
    return ","


def _parse_csv(text: str, filename: str, required: Sequence[str], synonyms: Sequence[str]
               ) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (lower-case, stripped) and data rows with their spreadsheet row numbers."""
    first_line = text.split("\n", 1)[0]
    delim = _delimiter(first_line, required, synonyms)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim, strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    record = 0
    try:
        for cells in reader:
            record += 1
            if header is None:
                header = [c.strip().lower() for c in cells]
                continue
            if not any(c.strip() for c in cells):
                continue  # blank line
            if len(cells) != len(header):
                raise InputError(f"expected {len(header)} fields as in the header, found {len(cells)}"
                                 + ("; is a value containing a comma missing its quotes?"
                                    if len(cells) > len(header) else ""),
                                 file=filename, row=record)
            rows.append((record, cells))
    except csv.Error as exc:
        what = ("a quoted value is not terminated" if "end of data" in str(exc)
                else f"malformed CSV ({exc})")
        raise InputError(f"{what}; check the quotes", file=filename, row=record + 1) from None
    if header is None:
        raise InputError("the file is empty; expected a header row", file=filename)
    return header, rows


def _parse_parquet(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        df = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:
        raise InputError(f"not a readable Parquet file ({type(exc).__name__})", file=filename) from None
    df = df.select(pl.all().cast(pl.String).fill_null(""))
    header = [c.strip().lower() for c in df.columns]
    return header, [(i + 2, list(r)) for i, r in enumerate(df.iter_rows())]


def _table(data: bytes, filename: str, required: Sequence[str], optional: Sequence[str],
           synonyms: Sequence[str] = ()) -> tuple[dict[str, int], list[tuple[int, list[str]]]]:
    """Column positions of the known columns and the data rows; checks header and emptiness."""
    if _is_parquet(data, filename):
        header, rows = _parse_parquet(data, filename)
    else:
        header, rows = _parse_csv(_decode(data, filename), filename, required, synonyms)
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise InputError(f"column '{name}' appears twice in the header", file=filename, row=1,
                             column=name)
        seen.add(name)
    pos = {name: i for i, name in enumerate(header) if name}
    expected = ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")
    for name in required:
        if name not in pos:
            found = ", ".join(header) if header else "nothing"
            if len(header) == 1 and any(d in header[0] for d in ";\t|"):
                hint = "; the columns must be separated by commas"
            else:
                hint = ""
            raise InputError(f"missing column '{name}'; expected columns {expected}, found "
                             f"{found}{hint}", file=filename, row=1, column=name)
    if not rows:
        raise InputError("no data rows after the header", file=filename, row=2)
    return pos, rows


def _text(cells: list[str], pos: dict[str, int], name: str) -> str:
    i = pos.get(name)
    return cells[i].strip() if i is not None else ""


def _required(value: str, what: str, filename: str, row: int, column: str) -> str:
    if not value:
        raise InputError(f"empty value; expected {what}", file=filename, row=row, column=column)
    limit = get_settings().max_skill_name
    if len(value) > 10 * limit:
        raise InputError(f"value is {len(value)} characters long; expected at most {10 * limit}",
                         file=filename, row=row, column=column)
    return value


def _date(value: str, filename: str, row: int, column: str) -> dt.date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y/%m/%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value[:10] if fmt == "%Y-%m-%d" else value, fmt).date()
        except ValueError:
            continue
    raise InputError(f"'{value}' is not a date; expected YYYY-MM-DD or YYYY-MM", file=filename,
                     row=row, column=column)


def _skill_name(value: str, filename: str, row: int, column: str) -> str:
    limit = get_settings().max_skill_name
    if len(value) > limit:
        raise InputError(f"skill name is {len(value)} characters long; expected at most {limit}",
                         file=filename, row=row, column=column)
    name = clean_name(value)
    if is_invisible(name):
        raise InputError(f"skill name '{shown(value)}' has no visible character", file=filename,
                         row=row, column=column)
    return name


def _number(text: str) -> float:
    """The cell as a number; NaN when it is not one (the caller names the cell)."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def parse_courses(data: bytes, filename: str) -> pl.DataFrame:
    """Validate a catalogue; returns ``course_id, title, skills (list[str]), hours, provider,
    last_updated, row``."""
    pos, rows = _table(data, filename, COURSE_REQUIRED, COURSE_OPTIONAL)
    out: dict[str, list] = {k: [] for k in ("course_id", "title", "skills", "hours", "provider",
                                            "last_updated", "row")}
    ids: dict[str, int] = {}
    for row, cells in rows:
        cid = _required(_text(cells, pos, "course_id"), "a course id", filename, row, "course_id")
        if cid.lower() in ids:
            raise InputError(f"course id '{cid}' already used in row {ids[cid.lower()]}; ids must "
                             "be unique", file=filename, row=row, column="course_id")
        ids[cid.lower()] = row
        title = _required(_text(cells, pos, "title"), "a course title", filename, row, "title")
        raw = _required(_text(cells, pos, "skills"), "skills separated by '|'", filename, row,
                        "skills")
        skills: list[str] = []
        for part in raw.split("|"):
            name = part.strip()
            if name and name.lower() not in {s.lower() for s in skills}:
                skills.append(_skill_name(name, filename, row, "skills"))
        if not skills:
            raise InputError("no skill names; expected skills separated by '|'", file=filename,
                             row=row, column="skills")
        hours_text = _text(cells, pos, "hours")
        hours: float | None = None
        if hours_text:
            hours = _number(hours_text)
            if not math.isfinite(hours) or hours < 0 or hours > MAX_COURSE_HOURS:
                raise InputError(f"'{hours_text}' is not a number of hours; expected a number >= 0 and "
                                 f"at most {MAX_COURSE_HOURS:,}",
                                 file=filename, row=row, column="hours")
        out["course_id"].append(cid)
        out["title"].append(title)
        out["skills"].append(skills)
        out["hours"].append(hours)
        out["provider"].append(_text(cells, pos, "provider") or None)
        out["last_updated"].append(_date(_text(cells, pos, "last_updated"), filename, row,
                                         "last_updated"))
        out["row"].append(row)
    return pl.DataFrame(out, schema={"course_id": pl.String, "title": pl.String,
                                     "skills": pl.List(pl.String), "hours": pl.Float64,
                                     "provider": pl.String, "last_updated": pl.Date,
                                     "row": pl.Int64})


def parse_inventory(data: bytes, filename: str) -> pl.DataFrame:
    """Validate an inventory; returns ``person, team, skill, proficiency, row``.

    The person column may be called ``person``, ``employee``, ``name``, ``role`` or ``team``
    (the first present wins); ``team`` is kept as a grouping when another column names people.
    """
    if _is_parquet(data, filename):
        header, _ = _parse_parquet(data, filename)
    else:
        text = _decode(data, filename)
        header = [c.strip().strip('"').lower()
                  for c in text.split("\n", 1)[0].replace(";", ",").replace("\t", ",").split(",")]
    person_col = next((c for c in PERSON_SYNONYMS if c in header), "person")
    pos, rows = _table(data, filename, (person_col, "skill"), INVENTORY_OPTIONAL,
                       PERSON_SYNONYMS)
    has_team = "team" in pos and person_col != "team"
    out: dict[str, list] = {k: [] for k in ("person", "team", "skill", "proficiency", "row")}
    seen: dict[tuple[str, str], int] = {}
    for row, cells in rows:
        person = _required(_text(cells, pos, person_col), f"a {person_col}", filename, row,
                           person_col)
        skill = _skill_name(_required(_text(cells, pos, "skill"), "a skill name", filename, row,
                                      "skill"), filename, row, "skill")
        key = (person.lower(), skill.lower())
        if key in seen:
            raise InputError(f"'{person}' already lists '{skill}' in row {seen[key]}; list each "
                             "skill once per person", file=filename, row=row, column="skill")
        seen[key] = row
        prof_text = _text(cells, pos, "proficiency")
        prof: int | None = None
        if prof_text:
            as_float = _number(prof_text)
            if not (math.isfinite(as_float) and as_float.is_integer() and 1 <= as_float <= 5):
                raise InputError(f"'{prof_text}' is not a proficiency; expected a whole number "
                                 "from 1 (novice) to 5 (expert)", file=filename, row=row,
                                 column="proficiency")
            prof = int(as_float)
        out["person"].append(person)
        out["team"].append((_text(cells, pos, "team") or None) if has_team else None)
        out["skill"].append(skill)
        out["proficiency"].append(prof)
        out["row"].append(row)
    return pl.DataFrame(out, schema={"person": pl.String, "team": pl.String, "skill": pl.String,
                                     "proficiency": pl.Int64, "row": pl.Int64})


def read_courses(path: str | Path) -> pl.DataFrame:
    """``parse_courses`` of a file on disk."""
    return parse_courses(read_bytes(path), str(path))


def read_inventory(path: str | Path) -> pl.DataFrame:
    """``parse_inventory`` of a file on disk."""
    return parse_inventory(read_bytes(path), str(path))


def load_outlook(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame, dt.date | None]:
    """The latest run's per-skill outlook (``planning_outlook``), the taxonomy (``skill,
    category``) and the last month of data; ``NotFoundError`` when no forecast has run."""
    run = store.query(con, "latest_run")
    if run.height == 0:
        raise NotFoundError("no forecast run in this database yet; run 'skillpulse forecast --db …' "
                            "first (or 'skillpulse demo --no-serve')")
    outlook = store.query(con, "planning_outlook", run_id=int(run["run_id"][0]))
    skills = store.query(con, "planning_skills")
    last = outlook["last_period"].drop_nulls()
    as_of = last.max() if last.len() else run["as_of"][0]
    return outlook, skills, as_of  # type: ignore[return-value]


def _canonical(con: duckdb.DuckDBPyConnection, names: pl.Series) -> pl.DataFrame:
    """``written, skill`` — the taxonomy name of each written name (null when unknown)."""
    resolved = resolve_names(con, names, create=False)
    skills = store.query(con, "planning_skills")
    return (resolved.join(skills.select("skill_id", "skill"), on="skill_id", how="left")
            .select(pl.col("name").alias("written"), "skill"))


def course_links(con: duckdb.DuckDBPyConnection, courses: pl.DataFrame) -> pl.DataFrame:
    """``course_id, written, skill`` for every listed skill of every course."""
    links = courses.select("course_id", pl.col("skills").alias("written")).explode("written")
    if links.height == 0:
        return links.with_columns(pl.lit(None, dtype=pl.String).alias("skill"))
    return links.join(_canonical(con, links["written"]), on="written", how="left")


def inventory_links(con: duckdb.DuckDBPyConnection, inventory: pl.DataFrame) -> pl.DataFrame:
    """The inventory with ``written`` (as given) and ``skill`` (canonical or null); two rows of one
    person naming the same skill through different aliases keep the higher proficiency."""
    inv = inventory.rename({"skill": "written"})
    out = inv.join(_canonical(con, inv["written"]), on="written", how="left")
    known = (out.filter(pl.col("skill").is_not_null())
             .sort("proficiency", descending=True, nulls_last=True)
             .unique(subset=["person", "skill"], keep="first", maintain_order=True))
    return pl.concat([known, out.filter(pl.col("skill").is_null())]).sort("row")


def unmatched(links: pl.DataFrame) -> list[str]:
    """Distinct written names the taxonomy does not know, in file order."""
    return links.filter(pl.col("skill").is_null())["written"].unique(maintain_order=True).to_list()


def decode_upload(contents: str | None, filename: str | None, max_bytes: int) -> tuple[bytes, str]:
    """The bytes of a browser upload (``data:…;base64,…``) and a safe display name.

    The size is checked here on the server too (the browser's limit is advisory).
    """
    import base64
    import binascii

    name = Path(str(filename or "upload.csv")).name[:120] or "upload.csv"
    if not contents or not isinstance(contents, str) or "," not in contents:
        raise InputError("the upload is empty or unreadable; drop a CSV or Parquet file", file=name)
    payload = contents.split(",", 1)[1]
    if len(payload) * 3 // 4 > max_bytes + 3:
        raise InputError(f"the file is larger than the {max_bytes // 1024:,} KB upload limit",
                         file=name)
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise InputError("the upload is not valid base64 data", file=name) from None
    if len(data) > max_bytes:
        raise InputError(f"the file is larger than the {max_bytes // 1024:,} KB upload limit",
                         file=name)
    return data, name
