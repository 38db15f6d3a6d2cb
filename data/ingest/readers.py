"""Read one input file (CSV or Parquet) into an all-text polars frame, or fail with one clear sentence.

Why all text: a typed parse fails without saying where. Reading every column as a string lets the
format adapters validate vectorised and name the first bad row (header = row 1, as a spreadsheet
shows it). Before trusting a CSV parse we check what polars silently "fixes" (DESIGN "CSV reality"):
encoding and BOM (UTF-16 is decoded, other non-UTF-8 bytes are rejected with their row), title
lines above the header (Google Trends exports; skipped, rows keep their line numbers), the
delimiter, empty and duplicate header names (polars renames duplicates), and ragged rows. The slow,
line-by-line diagnosis runs only after polars has failed, so the happy path stays vectorised.
"""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.guards import reject_nul
from skillpulse.data.text import PARQUET_MAGIC, decode_wide, utf8_error, whole_units, wide_encoding

INDEX_COLUMN = "unnamed_index"  # an unnamed FIRST column (a pandas row index); never data
ROW_COL = "_row"  # optional column: the spreadsheet row of each frame row, when rows were dropped
_SNIFF_BYTES = 1 << 16
# a JavaScript assignment of an array or object: `data=[{…`, `var x = {…`
_SCRIPT = re.compile(r"\s*(?:(?:var|let|const)\s+)?[A-Za-z_$][\w$.]*\s*=\s*[\[{]")
_DELIMITERS = {";": "semicolon ';'", "\t": "tab", "|": "pipe '|'"}
_BINARY_MAGIC = {
    b"PK\x03\x04": "a ZIP archive or an Excel/ODS workbook; export the sheet as CSV (UTF-8)",
    b"\xd0\xcf\x11\xe0": "a legacy Excel (.xls) workbook; export the sheet as CSV (UTF-8)",
    b"\x1f\x8b": "gzip-compressed; decompress it first",
    b"BZh": "bzip2-compressed; decompress it first",
    b"\xfd7zXZ": "xz-compressed; decompress it first",
    b"SQLite format 3": "an SQLite database, not a CSV or Parquet file",
    b"DUCK": "a DuckDB database; pass it as --db, not as an input file",
}


@dataclass(frozen=True)
class RawTable:
    """A parsed input file: every column as text, names trimmed and lower-cased.

    Attributes:
        path: the file.
        label: how messages name the file (the path as the user gave it).
        frame: all columns ``pl.String`` (except ``numeric`` columns asked for, which may be
            ``pl.Float64``); fully blank CSV lines are dropped (then ``_row`` holds each
            remaining row's spreadsheet row number).
        header: the column names as written in the file (trimmed), in file order.
        kind: ``csv`` or ``parquet``.
        notes: remarks the checks made while reading (e.g. which date order was used); shared
            by the tables derived from this one and added to the file's ingest notes.
    """

    path: Path
    label: str
    frame: pl.DataFrame
    header: list[str]
    kind: str
    notes: list[str] = field(default_factory=list, compare=False)

    def row_of(self, index: int) -> int:
        """Spreadsheet row (header = 1) of frame row ``index``."""
        return row_of(self.frame, index)


def row_of(frame: pl.DataFrame, index: int) -> int:
    """Spreadsheet row (header = 1) of frame row ``index`` (uses ``_row`` when present)."""
    if ROW_COL in frame.columns:
        return int(frame[ROW_COL][index])
    return index + 2


def check_path(path: str | Path) -> Path:
    """The path as a readable regular file, else ``InputError`` naming it."""
    p = Path(path)
    label = str(path)
    if not p.exists():
        if p.is_symlink():
            raise InputError("is a link to a file that does not exist", file=label)
        raise InputError("no such file", file=label)
    if p.is_dir():
        raise InputError("is a folder, not a file; pass the CSV or Parquet files inside it", file=label)
    if not p.is_file():
        raise InputError("is not a regular file (a device or pipe?); pass a CSV or Parquet file",
                         file=label)
    try:
        with p.open("rb") as fh:
            fh.read(1)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc}); check its permissions",
                         file=label) from exc
    return p


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of the file's bytes (provenance: identical files are ingested once)."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def is_parquet(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(4) == PARQUET_MAGIC


def _reject_binary(head: bytes, label: str) -> None:
    """Name common binary formats instead of reporting their bytes as bad CSV."""
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic) or (magic == b"DUCK" and head[8:12] == magic):
            raise InputError(f"is {what}", file=label)


def _first_line(data: bytes) -> bytes:
    end = data.find(b"\n")
    line = data if end < 0 else data[:end]
    return line.rstrip(b"\r")


def _reject_script(line: str, head: bytes, label: str) -> None:
    """JavaScript or JSON data (``data=[{month:"May24",…`` as hiringtrends publishes it, or a JSON
    array) is not a table: say so instead of reporting its first line as a header."""
    if not (line.lstrip().startswith(("[", "{")) or _SCRIPT.match(line)):
        return
    if b"num_comments" in head and b"terms" in head:
        raise InputError(
            "is the raw JavaScript data of the Hacker News 'Who is hiring' trends (hiringtrends), "
            "not a table; ingest the monthly terms table instead: columns month, num_comments, "
            "term, count, percentage, rank (the format of hn_whoishiring_terms_monthly.csv)",
            file=label, row=1)
    raise InputError("is JavaScript or JSON data, not a table; save the series as CSV (skill, "
                     "period, value) or Parquet (JSON Lines are read only as job postings, one "
                     "object per line)", file=label, row=1)


def _reject_onet(line: str, label: str) -> None:
    """O*NET database files are tab-separated tables with their own columns: the Technology
    Skills file is a skill taxonomy (``taxonomy import``); the others are no skill data at all."""
    from skillpulse.data.taxonomy_io import ONET_COLUMNS

    names = {h.strip().lower() for h in line.split("\t")}
    if {c.lower() for c in ONET_COLUMNS} <= names:
        raise InputError("is an O*NET Technology Skills file: a skill taxonomy, not demand series; "
                         "load it with 'skillpulse taxonomy import FILE --db PATH'",
                         file=label, row=1)
    if "o*net-soc code" in names:
        raise InputError("is an O*NET database table, not demand series; of the O*NET files, "
                         "skillpulse reads Technology Skills.txt, as a skill taxonomy: "
                         "'skillpulse taxonomy import FILE --db PATH'", file=label, row=1)


def _parse_header(data: bytes, label: str) -> list[str]:
    """Header names from the first line; rejects other delimiters, empty and duplicate names."""
    line_bytes = _first_line(data[:_SNIFF_BYTES])
    if line_bytes.startswith(codecs.BOM_UTF8):
        line_bytes = line_bytes[len(codecs.BOM_UTF8):]
    try:
        line = line_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise utf8_error(data, exc, label, None) from exc
    if not line.strip():
        raise InputError("the first line (the header) is empty; expected column names", file=label, row=1)
    _reject_script(line, data, label)
    if "," not in line:
        if "\t" in line:
            _reject_onet(line, label)
        for delim, name in _DELIMITERS.items():
            if line.count(delim) >= 1:
                raise InputError(
                    f"columns are separated by {name}, not commas; skillpulse reads comma-separated "
                    "CSV: export the file again as CSV with commas", file=label, row=1)
    header = [h.strip() for h in next(csv.reader([line]))]
    if len(header) >= 2 and header[0] == "" and all(header[1:]):
        header[0] = INDEX_COLUMN  # pandas' to_csv writes its row index under an empty name
    seen: dict[str, int] = {}
    for i, name in enumerate(header, start=1):
        if name == "":
            raise InputError(f"header column {i} has no name (a trailing comma?); every column needs "
                             "a name", file=label, row=1)
        key = name.lower()
        if key in seen:
            raise InputError(f"the header names column '{name}' twice (columns {seen[key]} and {i}); "
                             "column names must be unique", file=label, row=1, column=name)
        seen[key] = i
    return header


def _diagnose(data: bytes, header: list[str], label: str, polars_error: Exception) -> InputError:
    """Find why polars could not parse the CSV (slow, line by line; only on the error path)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return utf8_error(data, exc, label, header)
    found = find_ragged_or_quote(text, header, label)
    if found is not None:
        return found
    text = str(polars_error).strip()
    first = text.splitlines()[0] if text else type(polars_error).__name__
    return InputError(f"cannot be read as CSV ({first})", file=label)


def find_ragged_or_quote(text: str, header: list[str], label: str,
                         stop_at_row: int | None = None) -> InputError | None:
    """The first structural problem in CSV ``text``: a row with the wrong number of fields, a quote
    that never closes, or a stray quote inside an unquoted value. ``None`` when none is found."""
    ncols = len(header)
    lines: list[str] | None = None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    try:
        for row_index, fields in enumerate(reader, start=1):
            row = row_index
            if row_index == 1 or not fields:
                continue
            if len(fields) != ncols:
                what = "more" if len(fields) > ncols else "fewer"
                return InputError(
                    f"has {len(fields)} fields but the header has {ncols} columns ({what} than expected; "
                    "an unquoted comma inside a value, or a missing value?)", file=label, row=row_index)
            for i, value in enumerate(fields):
                if '"' not in value:
                    continue
                if lines is None:
                    lines = text.splitlines()
                if _stray_quote(lines, reader.line_num):
                    return InputError("contains a quote character inside an unquoted value; put the "
                                      'whole value in quotes and double the inner quote ("")',
                                      file=label, row=row_index, column=header[i])
            if stop_at_row is not None and row_index >= stop_at_row:
                break
    except csv.Error as exc:
        start_row = row + 1
        if "end of data" in str(exc) or "EOF" in str(exc):
            return InputError("a quoted value opens here and is never closed (unterminated quote); "
                              "close the quote or remove it", file=label, row=start_row)
        return InputError(f"is not valid CSV here ({exc}); check the quotes on this row",
                          file=label, row=start_row)
    return None


def _stray_quote(lines: list[str], line_num: int) -> bool:
    """Whether the line has a quote that does not open or close a quoted field (polars rejects
    it; Python's csv module silently keeps it)."""
    line = lines[line_num - 1] if 0 < line_num <= len(lines) else ""
    quoted, at_start, i = False, True, 0
    while i < len(line):
        ch = line[i]
        if quoted:
            if ch == '"':
                if i + 1 < len(line) and line[i + 1] == '"':
                    i += 1  # an escaped quote inside a quoted field
                else:
                    quoted = False
        elif ch == ",":
            at_start = True
            i += 1
            continue
        elif ch == '"':
            if not at_start:
                return True
            quoted = True
        at_start = False
        i += 1
    return False


def preamble_lines(head: bytes) -> int:
    """Title lines above the real header, as in Google Trends exports ("Category: All
    categories", a blank line, then ``Month,Python: (Worldwide)``): lines without a comma
    followed, within the first 5 lines, by a line with commas that the next line matches in its
    number of fields. 0 when the first line already has a comma (the usual case)."""
    lines = head.split(b"\n", 7)[:7]
    if not lines or b"," in lines[0]:
        return 0
    for k in range(1, min(5, len(lines) - 1)):
        if b"," not in lines[k]:
            continue
        try:
            fields = [len(next(csv.reader([lines[i].decode("utf-8-sig").rstrip("\r")])))
                      for i in (k, k + 1)]
        except (UnicodeDecodeError, StopIteration, csv.Error):
            return 0
        return k if fields[0] >= 2 and fields[0] == fields[1] else 0
    return 0


def _drop_lines(data: bytes, n: int) -> bytes:
    for _ in range(n):
        end = data.find(b"\n")
        data = b"" if end < 0 else data[end + 1:]
    return data


def _drop_blank_rows(frame: pl.DataFrame, offset: int = 2) -> pl.DataFrame:
    """Drop rows that are entirely empty (blank lines) and keep the others' spreadsheet rows
    (``offset``: the spreadsheet row of the first data row; more than 2 below title lines)."""
    if frame.width == 0 or frame.height == 0:
        return frame
    blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
    if not blank.any() and offset == 2:
        return frame
    return (frame.with_row_index(ROW_COL, offset=offset)
            .filter(~blank)
            .with_columns(pl.col(ROW_COL).cast(pl.Int64)))


def _read_csv(path: Path, label: str, data: bytes | None = None,
              numeric: Collection[str] = ()) -> RawTable:
    """Parse a CSV file (or its bytes); only the first 64 KiB are sniffed on the happy path.

    ``numeric``: lower-case names of columns to parse as Float64 while reading (faster than text
    and a cast); if any cell of them is not a number the file is read again all as text, so the
    checks can name the bad cell."""
    if data is None:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    else:
        head = data[:_SNIFF_BYTES]
    _reject_binary(head, label)
    if not head.strip():
        if data is None and path.stat().st_size > len(head):
            data = path.read_bytes()
        if data is None or not data.strip():
            raise InputError("is empty; expected a header line and data rows", file=label)
    wide = wide_encoding(head)
    if wide:
        data = decode_wide(data if data is not None else path.read_bytes(), wide, label)
        head = data[:_SNIFF_BYTES]
    else:
        reject_nul(head, label)
    skip = preamble_lines(head)
    if skip:
        data = _drop_lines(data if data is not None else path.read_bytes(), skip)
        head = data[:_SNIFF_BYTES]
    try:
        header = _parse_header(head, label)
        frame = _parse_frame(path, data, header, label, numeric)
    except InputError as exc:
        if not skip or exc.row is None:
            raise
        raise InputError(exc.detail, file=label, row=exc.row + skip, column=exc.column) from None
    frame = frame.rename(dict(zip(frame.columns, [h.lower() for h in header], strict=True)))
    frame = _drop_blank_rows(frame, offset=2 + skip)
    if frame.height == 0:
        raise InputError("has a header but no data rows", file=label)
    return RawTable(path=path, label=label, frame=frame, header=header, kind="csv")


def _parse_frame(path: Path, data: bytes | None, header: list[str], label: str,
                 numeric: Collection[str]) -> pl.DataFrame:
    """The CSV (``data`` when given, else the file) parsed by polars after the header checked
    out; a failed parse is diagnosed line by line (``_diagnose``)."""
    source: Path | io.BytesIO = path if data is None else io.BytesIO(data)
    typed = {h: pl.Float64 for h in header if h.lower() in numeric}
    frame = None
    if typed:
        try:
            frame = pl.read_csv(source, infer_schema=False, has_header=True, quote_char='"',
                                schema_overrides=typed)
        except (pl.exceptions.PolarsError, OSError):
            frame = None  # a cell that is not a number, or a broken file: read as text
            if isinstance(source, io.BytesIO):
                source.seek(0)
    try:
        if frame is None:
            frame = pl.read_csv(source, infer_schema=False, has_header=True, quote_char='"')
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise _diagnose(data if data is not None else path.read_bytes(), header, label,
                        exc) from exc
    if frame.width != len(header):
        raise _diagnose(data if data is not None else path.read_bytes(), header, label,
                        ValueError("column count differs from the header"))
    return frame


def _read_parquet(path: Path, label: str) -> RawTable:
    try:
        frame = pl.read_parquet(path)
    except (pl.exceptions.PolarsError, OSError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"starts like Parquet but cannot be read ({first})", file=label) from exc
    header = [c.strip() for c in frame.columns]
    seen: set[str] = set()
    for name in header:
        if name.lower() in seen:
            raise InputError(f"has two columns named '{name}' (ignoring case); names must be unique",
                             file=label, column=name)
        seen.add(name.lower())
    casts = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Datetime):
            col = col.dt.date()
        if dtype == pl.String:
            casts.append(col)
        elif dtype.is_nested():
            raise InputError(f"column '{name}' holds nested values ({dtype}); expected plain text or "
                             "numbers", file=label, column=name)
        else:
            casts.append(col.cast(pl.String))
    frame = frame.select(casts)
    frame = frame.rename(dict(zip(frame.columns, [h.lower() for h in header], strict=True)))
    if frame.height == 0:
        raise InputError("has no rows", file=label)
    return RawTable(path=path, label=label, frame=frame, header=header, kind="parquet")


def read_header(path: str | Path) -> tuple[str, list[str]]:
    """``(kind, header names)`` without reading the whole file (format detection)."""
    p = check_path(path)
    label = str(path)
    if is_parquet(p):
        try:
            names = list(pl.read_parquet_schema(p).keys())
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise InputError("starts like Parquet but its schema cannot be read", file=label) from exc
        return "parquet", [n.strip() for n in names]
    with p.open("rb") as fh:
        head = fh.read(_SNIFF_BYTES)
    if not head.strip():
        raise InputError("is empty; expected a header line and data rows", file=label)
    _reject_binary(head, label)
    if head.lstrip()[:1] == b"{":
        reject_nul(head, label)
        return "jsonl", _jsonl_keys(head, label)
    wide = wide_encoding(head)
    if wide:
        head = decode_wide(whole_units(head, wide), wide, label)
    else:
        reject_nul(head, label)
    skip = preamble_lines(head)
    return "csv", _parse_header(_drop_lines(head, skip) if skip else head, label)


def _jsonl_keys(head: bytes, label: str) -> list[str]:
    """Keys of the first object of a JSON Lines file (job postings may come as JSON Lines)."""
    line = _first_line(head.lstrip())
    try:
        first = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InputError("starts like JSON Lines but its first line is not a JSON object",
                         file=label, row=1) from exc
    if not isinstance(first, dict):
        raise InputError("starts like JSON Lines but its first line is not a JSON object",
                         file=label, row=1)
    return [str(k) for k in first]


def read_table(path: str | Path, numeric: Collection[str] = ()) -> RawTable:
    """Read a CSV or Parquet file (Parquet recognised by its magic bytes) as all-text columns
    (``numeric``: CSV columns that may come as Float64 instead; see ``_read_csv``)."""
    p = check_path(path)
    label = str(path)
    if is_parquet(p):
        return _read_parquet(p, label)
    try:
        return _read_csv(p, label, numeric=numeric)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", file=label) from exc


def file_size(path: str | Path) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
