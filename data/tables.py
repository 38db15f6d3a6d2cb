"""Write result tables (CSV, Parquet, JSON) safely: atomic files, spreadsheet-formula escaping."""
from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path

import polars as pl
from skillpulse.data.errors import UsageError

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


def format_from_path(out: str | None, explicit: str | None) -> str:
    if explicit:
        if explicit not in FORMATS:
            raise UsageError(f"unknown output format '{explicit}'; expected one of {', '.join(FORMATS)}")
        return explicit
    if out:
        suffix = Path(out).suffix.lower().lstrip(".")
        if suffix in FORMATS:
            return suffix
    return "csv"


def _serialise(df: pl.DataFrame, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "csv":
        escape_formulas(df).write_csv(buf, date_format="%Y-%m-%d")
    elif fmt == "parquet":
        df.write_parquet(buf)
    else:
        df.write_json(buf)
    return buf.getvalue()


def write_table(df: pl.DataFrame, out: str | None, fmt: str | None = None) -> None:
    """Write ``df`` to ``out`` (or stdout when ``out`` is None or ``-``), atomically."""
    fmt = format_from_path(out, fmt)
    payload = _serialise(df, fmt)
    if out in (None, "-"):
        if fmt == "parquet" and sys.stdout.isatty():
            raise UsageError("refusing to write Parquet to a terminal; pass --out FILE")
        try:
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise UsageError(f"cannot write to standard output ({exc.strerror})") from exc
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
                fh.write(payload)
                fh.flush()
        except OSError as exc:
            raise UsageError(f"{target}: cannot write there ({exc.strerror})") from exc
        return
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise UsageError(f"{target}: cannot write there ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
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
