"""Read job-postings files (CSV, Parquet, JSON Lines) as a stream of standardised String frames.

Every reader yields frames with String columns ``id, posted_at, title, description, region,
occupation`` and ``_row`` (1-based spreadsheet row; JSON Lines: the line number). Column names are
case-insensitive; common other names are accepted (``job_id``/``posting_id``,
``date_posted``/``posted_date``/``posting_date``/``date``, ``job_description``/``text``/``body``,
``location`` for ``region``); JSON Lines take the columns of the first object. Which columns are
required depends on the use: ``INGEST_REQUIRED`` (``id, posted_at, description``) for monthly
counts, ``EXTRACT_REQUIRED`` (``id`` and a text column) for ``skillpulse extract``.

Memory stays bounded: CSV is read in blocks of whole records (``CSV_BLOCK_BYTES``; a quoted
field may span lines), Parquet in row batches, JSON Lines in line batches, each cut into chunks
of ``chunk_rows`` rows. A missing required column, an unreadable file and
malformed CSV/JSON raise ``InputError`` naming the file (and row/column where known).
Text is UTF-8, UTF-16 or UTF-32 (``data.text.open_utf8``, the encodings every input accepts); a
byte that is not valid UTF-8 in a posting is replaced and counted, not an error (free text).
"""
from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import polars as pl
import pyarrow.parquet as pq
from skillpulse.data.errors import InputError
from skillpulse.data.text import Utf8Stream, open_utf8

CHUNK_ROWS = 20_000
CSV_BLOCK_BYTES = 32 * 2**20
MAX_RECORD_BYTES = 256 * 2**20
INGEST_REQUIRED = ("id", "posted_at", "description")
# For extraction a posting needs an id and some text: a description, or at least a title.
EXTRACT_REQUIRED = ("id", "description|title")
# Other common names, used when the standard name is absent.
_SYNONYMS = {"id": ("job_id", "posting_id"),
             "posted_at": ("date_posted", "posted_date", "posting_date", "date"),
             "description": ("job_description", "text", "body")}


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    with path.open("rb") as fh:
        head = fh.read(4)
    if head == b"PAR1":
        return "parquet"
    if head[:1] == b"{":
        return "jsonl"
    return "csv"


def _columns(cols: list[str], label: str, required: tuple[str, ...]) -> dict[str, str]:
    """Map our column names to the file's (case-insensitive); check the required ones
    (``"a|b"`` in ``required``: either column will do)."""
    lower = {c.strip().lower().lstrip("\ufeff"): c for c in cols}
    for name, synonyms in _SYNONYMS.items():
        if name not in lower:
            alt = next((s for s in synonyms if s in lower), None)
            if alt is not None:
                lower[name] = lower[alt]
    missing = [c for c in required if not any(part in lower for part in c.split("|"))]
    if missing:
        need = ", ".join(r.replace("|", " or ") for r in required)
        first = missing[0].split("|")[0]
        raise InputError(f"no '{first}' column; a postings file needs {need} "
                         f"(found: {', '.join(cols[:8]) or 'nothing'})", file=label, row=1,
                         column=first)
    out: dict[str, str] = {
        c: lower[c] for c in ("id", "posted_at", "description", "title", "occupation", "company")
        if c in lower}
    region = "region" if "region" in lower else "location" if "location" in lower else None
    if region:
        out["region"] = lower[region]
    return out


def _standard(df: pl.DataFrame, cols: dict[str, str], first_row: int) -> pl.DataFrame:
    exprs = [(pl.col(cols[c]).cast(pl.String) if c in cols else pl.lit(None, pl.String)).alias(c)
             for c in ("id", "posted_at", "title", "description", "region", "occupation")]
    exprs.append((pl.int_range(pl.len(), dtype=pl.Int64) + first_row).alias("_row"))
    return df.select(exprs)


def _record_end(buf: bytes, *, last: bool) -> int:
    """Index of the last (or first) newline in ``buf`` that ends a CSV record, or -1.

    A newline ends a record when an even number of quote characters precede it (RFC 4180: quotes
    inside a field are doubled), so quoted fields may contain newlines.
    """
    if not last:
        nl = buf.find(b"\n")
        while nl >= 0:
            if buf.count(b'"', 0, nl) % 2 == 0:
                return nl
            nl = buf.find(b"\n", nl + 1)
        return -1
    quotes = buf.count(b'"')
    pos = len(buf)
    while True:
        nl = buf.rfind(b"\n", 0, pos)
        if nl < 0:
            return -1
        quotes -= buf.count(b'"', nl, pos)
        if quotes % 2 == 0:
            return nl
        pos = nl


def _csv_blocks(fh: _Prefixed, block_bytes: int, label: str) -> Iterator[bytes]:
    """Blocks of whole CSV records (bounded memory: one block plus one record)."""
    buf = b""
    while True:
        data = fh.read(block_bytes)
        if not data:
            if buf.strip():
                yield buf
            return
        buf += data
        cut = _record_end(buf, last=True)
        if cut < 0:
            if len(buf) > MAX_RECORD_BYTES:
                raise InputError(f"a record is longer than {MAX_RECORD_BYTES // 2**20} MB or a quote is "
                                 "never closed", file=label)
            continue
        yield buf[:cut + 1]
        buf = buf[cut + 1:]


def _read_csv(path: Path, label: str, chunk_rows: int, block_bytes: int,
              required: tuple[str, ...]) -> Iterator[pl.DataFrame]:
    # polars' streaming CSV scan buffers the whole file here (anonymous memory grows with the file);
    # reading blocks of whole records ourselves keeps memory bounded.
    with open_utf8(path) as fh:
        head = fh.read(1 << 20)
        while _record_end(head, last=False) < 0 and len(head) < MAX_RECORD_BYTES:
            more = fh.read(1 << 20)
            if not more:
                break
            head += more
        if head.startswith(b"\xef\xbb\xbf"):
            head = head[3:]
        end = _record_end(head, last=False)
        header = head if end < 0 else head[:end + 1]
        first = header.decode("utf-8", "replace").strip()
        if not first:
            raise InputError("the file is empty; expected a header row", file=label, row=1)
        if "," not in first and ("\t" in first or ";" in first):
            raise InputError("the file is not comma-separated (found tabs or ';' in the header)",
                             file=label, row=1)
        if not header.endswith(b"\n"):
            header += b"\n"
        names = pl.read_csv(io.BytesIO(header), infer_schema=False, encoding="utf8-lossy").columns
        cols = _columns(names, label, required)
        rest = head[end + 1:] if end >= 0 else b""
        done = 0
        for block in _csv_blocks(_Prefixed(rest, fh), block_bytes, label):
            try:
                df = pl.read_csv(io.BytesIO(header + block), infer_schema=False, encoding="utf8-lossy",
                                 raise_if_empty=False)
            except pl.exceptions.PolarsError as exc:
                msg = str(exc).splitlines()[0]
                raise InputError(f"cannot parse the CSV after row {done + 1} ({msg}); check quoting and "
                                 "that every row has as many fields as the header", file=label) from exc
            for start in range(0, df.height, chunk_rows):
                part = df.slice(start, chunk_rows)
                yield _standard(part, cols, done + 2)
                done += part.height


class _Prefixed:
    """A binary reader that returns ``prefix`` first, then the rest of ``fh``."""

    def __init__(self, prefix: bytes, fh: BinaryIO | Utf8Stream) -> None:
        self.prefix, self.fh = prefix, fh

    def read(self, n: int) -> bytes:
        if self.prefix:
            out, self.prefix = self.prefix, b""
            return out
        return self.fh.read(n)


def _read_parquet(path: Path, label: str, chunk_rows: int,
                  required: tuple[str, ...]) -> Iterator[pl.DataFrame]:
    try:
        pf = pq.ParquetFile(path)
    except Exception as exc:
        raise InputError(f"not a readable Parquet file ({exc})", file=label) from exc
    cols = _columns(pf.schema_arrow.names, label, required)
    done = 0
    for batch in pf.iter_batches(batch_size=chunk_rows, columns=list(set(cols.values()))):
        df = pl.from_arrow(batch)
        assert isinstance(df, pl.DataFrame)
        if df.height:
            yield _standard(df, cols, done + 2)
            done += df.height


def _read_jsonl(path: Path, label: str, chunk_rows: int,
                required: tuple[str, ...]) -> Iterator[pl.DataFrame]:
    cols: dict[str, str] | None = None
    line_no = 0
    with open_utf8(path) as fh:
        while True:
            lines: list[bytes] = []
            numbers: list[int] = []
            for raw in fh:
                line_no += 1
                if raw.strip():
                    lines.append(raw)
                    numbers.append(line_no)
                if len(lines) >= chunk_rows:
                    break
            if not lines:
                break
            records = []
            for raw, n in zip(lines, numbers, strict=True):
                try:
                    rec = json.loads(raw.decode("utf-8", "replace"))
                except json.JSONDecodeError as exc:
                    hint = ("; a JSON array is not supported, write one object per line (JSON Lines)"
                            if n == 1 and raw.lstrip().startswith(b"[") else "")
                    raise InputError(f"not valid JSON ({exc.msg}){hint}", file=label, row=n) from exc
                if not isinstance(rec, dict):
                    raise InputError("each line must be a JSON object", file=label, row=n)
                records.append({k: (None if v is None else v if isinstance(v, str) else
                                    json.dumps(v) if isinstance(v, (list, dict)) else str(v))
                                for k, v in rec.items()})
            if cols is None:   # the columns are those of the first object
                cols = _columns(list(records[0].keys()), label, required)
            names = list(cols.values())
            df = pl.DataFrame({c: [r.get(c) for r in records] for c in names},
                              schema={c: pl.String for c in names})
            out = _standard(df, cols, 0).with_columns(pl.Series("_row", numbers, dtype=pl.Int64))
            yield out
    if cols is None:
        raise InputError("the file is empty; expected one JSON object per line", file=label, row=1)


def read_postings(path: str | Path, *, chunk_rows: int = CHUNK_ROWS,
                  block_bytes: int = CSV_BLOCK_BYTES,
                  required: tuple[str, ...] = INGEST_REQUIRED) -> Iterator[pl.DataFrame]:
    """Stream a postings file as standardised String frames (see the module docstring)."""
    path = Path(path)
    label = str(path)
    if not path.exists():
        raise InputError("no such file", file=label)
    if path.is_dir():
        raise InputError("is a folder, not a postings file", file=label)
    if not os.access(path, os.R_OK):
        raise InputError("cannot read the file (permission denied)", file=label)
    if path.stat().st_size == 0:
        raise InputError("the file is empty; expected a header row", file=label, row=1)
    kind = _kind(path)
    if kind == "parquet":
        return _read_parquet(path, label, chunk_rows, required)
    if kind == "jsonl":
        return _read_jsonl(path, label, chunk_rows, required)
    return _read_csv(path, label, chunk_rows, block_bytes, required)


