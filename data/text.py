"""Input files as bytes and text: one reader and one decoder for every input kind.

Ingest, catalogues, inventories and taxonomy imports all come through here, so the same file is
accepted or refused the same way everywhere, with the same sentence naming the file (and, for a
bad byte, the row and column). The guards of ``data.guards`` that look at bytes (size, NUL
content) run here, before any parser.
"""
from __future__ import annotations

import codecs
import contextlib
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from skillpulse.data.errors import InputError
from skillpulse.data.guards import SNIFF_BYTES, check_size, reject_nul
from skillpulse.data.settings import get_settings

PARQUET_MAGIC = b"PAR1"


def read_bytes(path: str | Path) -> bytes:
    """The file's bytes, else ``InputError`` naming it (missing, a folder, unreadable, larger
    than ``Settings.max_table_bytes``, or binary: a NUL in its first bytes that is not UTF-16/32
    or Parquet — refused before the rest is read)."""
    p = Path(path)
    try:
        check_size(p, get_settings().max_table_bytes, str(path))
        with p.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
            if not head.startswith(PARQUET_MAGIC) and not wide_encoding(head):
                reject_nul(head, str(path))
            return head + fh.read()
    except FileNotFoundError:
        raise InputError("no such file", file=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=str(path)) from None


def wide_encoding(head: bytes) -> str | None:
    """``utf-16``/``utf-32`` when the bytes look like it (BOM, or NULs in every other byte)."""
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4:
        even_nul = sample[0::2].count(0) / len(sample[0::2])
        odd_nul = sample[1::2].count(0) / len(sample[1::2])
        if odd_nul > 0.4 and even_nul < 0.05:
            return "utf-16-le"
        if even_nul > 0.4 and odd_nul < 0.05:
            return "utf-16-be"
    return None


def whole_units(head: bytes, encoding: str) -> bytes:
    """``head`` cut to whole code units of ``encoding`` (a sniffed prefix may end mid-character)."""
    unit = 4 if encoding == "utf-32" else 2
    return head[: len(head) - len(head) % unit]


def decode_wide(data: bytes, encoding: str, label: str) -> bytes:
    """UTF-16/32 bytes as UTF-8 bytes (BOM dropped), else ``InputError``."""
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"looks like {encoding.upper()} text but cannot be decoded "
                         f"({exc.reason}); save it as UTF-8 CSV", file=label) from exc
    return text.lstrip("\ufeff").encode("utf-8")


def to_utf8(data: bytes, label: str) -> bytes:
    """The bytes as UTF-8 (UTF-16/32 decoded, a UTF-8 BOM kept for the caller's parser)."""
    wide = wide_encoding(data[:4096])
    return decode_wide(data, wide, label) if wide else data


def utf8_error(data: bytes, exc: UnicodeDecodeError, label: str,
               header: Sequence[str] | None) -> InputError:
    """The sentence for a byte that is not UTF-8: its row, and its column when ``header`` is known."""
    start = exc.start
    row = data.count(b"\n", 0, start) + 1
    line_start = data.rfind(b"\n", 0, start) + 1
    col_index = data.count(b",", line_start, start)
    column = header[col_index] if header and row > 1 and col_index < len(header) else None
    bad = data[start:start + 1].hex().upper()
    return InputError(f"contains a byte (0x{bad}) that is not UTF-8 text; save the file as UTF-8 "
                      "(in a spreadsheet: 'CSV UTF-8')", file=label, row=row, column=column)


def decode_text(data: bytes, label: str) -> str:
    """A whole input file as text: UTF-8 (BOM or not), UTF-16 or UTF-32; any other bytes are an
    ``InputError`` naming the row and column of the first bad byte."""
    data = to_utf8(data, label)
    reject_nul(data[:SNIFF_BYTES], label)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first = data.split(b"\n", 1)[0].decode("utf-8-sig", "replace")
        header = [h.strip().strip('"') for h in first.split(",")]
        raise utf8_error(data, exc, label, header) from None


class Utf8Stream:
    """A binary reader over a UTF-16/32 file that hands out UTF-8 bytes (large files stream)."""

    def __init__(self, fh: BinaryIO, encoding: str, label: str) -> None:
        self._text = io.TextIOWrapper(fh, encoding=encoding, newline="")
        self._encoding, self._label = encoding, label
        self._pending = b""
        self._started = False

    def _decoded(self, text: str) -> bytes:
        if not self._started:
            self._started, text = True, text.lstrip("\ufeff")
        return text.encode("utf-8")

    def _error(self, exc: UnicodeDecodeError) -> InputError:
        return InputError(f"looks like {self._encoding.upper()} text but cannot be decoded "
                          f"({exc.reason}); save it as UTF-8", file=self._label)

    def read(self, n: int = -1) -> bytes:
        try:
            if n < 0:
                out, self._pending = self._pending + self._decoded(self._text.read()), b""
                return out
            while len(self._pending) < n:
                chunk = self._text.read(max(n // 2, 1))
                if not chunk:
                    break
                self._pending += self._decoded(chunk)
        except UnicodeDecodeError as exc:
            raise self._error(exc) from exc
        out, self._pending = self._pending[:n], self._pending[n:]
        return out

    def __iter__(self) -> Iterator[bytes]:
        try:
            for line in self._text:
                yield self._decoded(line)
        except UnicodeDecodeError as exc:
            raise self._error(exc) from exc


@contextlib.contextmanager
def open_utf8(path: str | Path) -> Iterator[BinaryIO | Utf8Stream]:
    """Open ``path`` for reading as UTF-8 bytes: the file itself when it is UTF-8, else a stream
    that decodes UTF-16/32 as it goes (the same encodings ``decode_text`` accepts)."""
    with Path(path).open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
        wide = wide_encoding(head)
        if not wide:
            reject_nul(head, str(path))
        fh.seek(0)
        yield Utf8Stream(fh, wide, str(path)) if wide else fh
