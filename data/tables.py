"""Write result tables (CSV, Parquet, JSON) safely: atomic files, spreadsheet-formula escaping."""
from __future__ import annotations

import contextlib
import errno
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO

import polars as pl
import pyarrow.parquet as pq
from skillpulse.data.errors import UsageError, is_broken_pipe

FORMATS = ("csv", "parquet", "json")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as a formula with ``'`` (CSV injection)."""
    exprs = []
    for name, dtype in df.schema.items():
        if dtype == pl.String:
            col = pl.col(name)
            exprs.append(
                pl.when(col.str.slice(0, 1).is_in(list(_FORMULA_START)))
                .then(pl.lit("'") + col).otherwise(col).alias(name))
    return df.with_columns(exprs) if exprs else df


_FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet", "json": "JSON"}


def format_from_path(out: str | None, explicit: str | None) -> str:
    """The output format: ``explicit`` (``--as``), else the suffix of ``out`` when it names one
    (.csv, .parquet, .json), else CSV. ``--as`` contradicting such a suffix is a UsageError
    (``--out y.csv --as parquet`` would write Parquet into a file every tool reads as CSV)."""
    target = Path(out) if out and out != "-" else None
    suffix = target.suffix.lower().lstrip(".") if target is not None else ""
    if explicit:
        if explicit not in FORMATS:
            raise UsageError(f"unknown output format '{explicit}'; expected one of {', '.join(FORMATS)}")
        if target is not None and suffix in FORMATS and suffix != explicit:
            raise UsageError(
                f"--out {out} names a {_FORMAT_NAMES[suffix]} file but --as {explicit} writes "
                f"{_FORMAT_NAMES[explicit]}; name it {target.with_suffix('.' + explicit).name} "
                "or leave out --as (the suffix picks the format)")
        return explicit
    return suffix if suffix in FORMATS else "csv"


class _Sink:
    """Writes the chunks of one table in a format: the bytes equal those of the whole table
    written at once (CSV: one header; JSON: one array), with only a chunk in memory."""

    def __init__(self, fh: IO[bytes], fmt: str) -> None:
        self.fh, self.fmt, self.count = fh, fmt, 0
        self.parquet: pq.ParquetWriter | None = None

    def write(self, df: pl.DataFrame) -> None:
        first = self.count == 0
        self.count += 1
        if self.fmt == "csv":
            escape_formulas(df).write_csv(self.fh, include_header=first, date_format="%Y-%m-%d")
        elif self.fmt == "parquet":
            table = df.to_arrow()
            if self.parquet is None:
                self.parquet = pq.ParquetWriter(self.fh, table.schema, compression="zstd")
            self.parquet.write_table(table)
        elif df.height or first:  # json: the rows of every chunk inside one array
            text = df.write_json()
            self.fh.write((text[:-1] if first else "," + text[1:-1]).encode())

    def close(self) -> None:
        if self.parquet is not None:
            self.parquet.close()
        elif self.fmt == "json" and self.count:
            self.fh.write(b"]")


def _write_chunks(fh: IO[bytes], chunks: Iterable[pl.DataFrame], fmt: str) -> None:
    sink = _Sink(fh, fmt)
    for df in chunks:
        sink.write(df)
    sink.close()


def write_table(df: pl.DataFrame, out: str | None, fmt: str | None = None) -> None:
    """Write ``df`` to ``out`` (or stdout when ``out`` is None or ``-``), atomically."""
    write_chunks([df], out, fmt)


def write_chunks(chunks: Iterable[pl.DataFrame], out: str | None, fmt: str | None = None) -> None:
    """Write the chunks of one table (same columns, at least one chunk, possibly empty) to ``out``
    (or stdout when ``out`` is None or ``-``) as they come: memory holds one chunk. A file is
    written atomically (a temporary file renamed when complete); the bytes equal those of the
    whole table written at once."""
    fmt = format_from_path(out, fmt)
    if out in (None, "-"):
        if fmt == "parquet" and sys.stdout.isatty():
            raise UsageError("refusing to write Parquet to a terminal; pass --out FILE")
        try:
            _write_chunks(sys.stdout.buffer, chunks, fmt)
            sys.stdout.flush()
        except OSError as exc:
            if is_broken_pipe(exc):  # the reader stopped early (`| head`): the CLI ends quietly
                raise BrokenPipeError(errno.EPIPE, "Broken pipe") from exc
            raise UsageError(f"cannot write to standard output ({exc.strerror or exc})") from exc
        return
    target = Path(out)  # type: ignore[arg-type]
    if not target.parent.is_dir():
        raise UsageError(f"{target}: {target.parent} is not an existing folder")
    if target.is_dir():
        raise UsageError(f"{target}: is a folder; pass --out a file path")
    if target.exists() and not target.is_file():
        # A device or pipe (/dev/stdout, a FIFO): write straight to it; renaming a temporary
        # file over it would replace the device node itself.
        try:
            with open(target, "wb") as fh:
                _write_chunks(fh, chunks, fmt)
                fh.flush()
        except OSError as exc:
            if is_broken_pipe(exc):  # --out /dev/stdout | head
                raise BrokenPipeError(errno.EPIPE, "Broken pipe") from exc
            raise UsageError(f"{target}: cannot write there ({exc.strerror or exc})") from exc
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"{target}: cannot write there ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            _write_chunks(fh, chunks, fmt)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise UsageError(f"{target}: cannot write there ({exc.strerror})") from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
