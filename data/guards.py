"""Guards every input passes, whatever its format: binary bytes, size, names, absurd values.

One place for the rules, so each reader (ingest tables, postings, taxonomy, catalogues,
inventories, dashboard uploads) applies the same ones:

- **Binary content** is recognised from the first bytes: a NUL byte in text that is not UTF-16/32
  (a zero-filled or binary file) is refused before any parser sees the file — parsers otherwise
  read the whole file to find "no data rows" (a 256 MB NUL file took 3 GB).
- **Size**: formats read whole into memory are refused above ``Settings.max_table_bytes`` (one
  sentence naming the file, its size and the setting); job postings are streamed instead.
- **Names** (skills, aliases): Unicode NFKC (full-width and compatibility forms fold to one
  spelling), zero-width and bidirectional controls removed (``Py\\u200bthon`` is Python;
  ``\\u202egnp.exe`` cannot display reversed), whitespace runs collapsed; a name with nothing
  visible left is refused.
- **Absurd values**: a value above :data:`MAX_VALUE`, or more than :data:`MAX_SPIKE` times its
  own series' median, breaks the log-scale models (one 1e300 made a forecast of 1e17); it is
  refused with its row, as a unit or typing error to fix.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import polars as pl
from skillpulse.data.errors import InputError

SNIFF_BYTES = 1 << 16
# Bigger than any count, share or index of job-market demand; 1e300 is a typing error.
MAX_VALUE = 1e12
# A value this many times its series' median (median > 0) is a unit or typing error, not demand.
MAX_SPIKE = 1e5
# Characters that render as nothing (or as blank space) but are letters/symbols to Unicode.
_BLANK_LOOKING = "\u115f\u1160\u3164\uffa0\u2800\u034f"
_SPACES = re.compile(r"\s+")


def reject_nul(head: bytes, label: str) -> None:
    """``InputError`` when the first bytes of a text file (already known not to be UTF-16/32)
    hold a NUL byte: binary data or a zero-filled file, not CSV/JSON text."""
    at = head[:SNIFF_BYTES].find(b"\x00")
    if at < 0:
        return
    line = head[:at].count(b"\n") + 1
    what = ("is filled with NUL bytes (an empty disk image or a truncated download)"
            if not head[:SNIFF_BYTES].strip(b"\x00") else
            f"contains a NUL byte (binary data) at byte {at:,}")
    raise InputError(f"{what}; expected UTF-8 text (CSV, or JSON Lines for postings)",
                     file=label, row=line)


def check_size(path: Path, limit: int, label: str) -> None:
    """``InputError`` when ``path`` is larger than ``limit`` bytes (a format read whole)."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > limit:
        raise InputError(
            f"is {_size(size)}; files in this format are read whole into memory and the limit is "
            f"{_size(limit)} (setting SKILLPULSE_MAX_TABLE_BYTES); split the file by period or "
            "source", file=label)


def _size(n: int) -> str:
    return f"{n:,} bytes" if n < 10**6 else f"{n / 1e6:,.0f} MB"


def clean_name(text: str) -> str:
    """A name as stored and matched: NFKC, no invisible characters, single spaces, trimmed."""
    if text.isascii():
        return " ".join(text.split()) if "  " in text or text != text.strip() else text
    text = unicodedata.normalize("NFKC", text)
    # Cf: format controls (zero-width space/joiners, bidi overrides and isolates, BOM, soft hyphen)
    text = "".join(ch for ch in text if ch not in _BLANK_LOOKING and unicodedata.category(ch) != "Cf")
    return _SPACES.sub(" ", text).strip()


def is_invisible(text: str) -> bool:
    """True when nothing of ``text`` would show: no letter, digit, punctuation or symbol."""
    return not any(unicodedata.category(ch)[0] in "LNPS" for ch in clean_name(text))


def clean_names(names: pl.Series) -> pl.Series:
    """:func:`clean_name` for a String column, computed once per distinct value."""
    uniq = names.drop_nulls().unique()
    if uniq.len() == 0:
        return names
    cleaned = pl.Series([clean_name(v) for v in uniq.to_list()], dtype=pl.String)
    if (cleaned == uniq).all():
        return names
    return names.replace_strict(uniq, cleaned, default=None, return_dtype=pl.String)


def first_invisible(names: pl.Series) -> int | None:
    """Index of the first name (already cleaned) with nothing visible, else ``None``."""
    bad = {v for v in names.drop_nulls().unique().to_list() if is_invisible(v)}
    if not bad:
        return None
    hits = names.is_in(list(bad)).arg_true()
    return int(hits[0]) if hits.len() else None


def shown(text: str) -> str:
    """``text`` with invisible and control characters spelt as escapes, for messages."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in ("Cf", "Cc", "Zl", "Zp")
                   or ch in _BLANK_LOOKING else ch for ch in text)


def first_absurd(frame: pl.DataFrame, keys: list[str]) -> tuple[int, str] | None:
    """``(index, reason)`` of the first value above :data:`MAX_VALUE` or above
    :data:`MAX_SPIKE` × its series' median (series = ``keys``), else ``None``."""
    value = frame["value"]
    if value.len() == 0:
        return None
    if float(value.max() or 0.0) > MAX_VALUE:  # type: ignore[arg-type]
        idx = int((value > MAX_VALUE).arg_true()[0])
        return idx, f"is {value[idx]:g}, beyond any plausible demand figure (limit {MAX_VALUE:g})"
    smallest = value.filter(value > 0).min()
    if smallest is None or float(value.max() or 0.0) <= MAX_SPIKE * float(smallest):  # type: ignore[arg-type]
        return None  # no series can hold a spike: the whole file's range is narrower
    positive = frame.lazy().select([*keys, "value"]).filter(pl.col("value") > 0)
    # max/min first (cheap); the median only for the few series whose range could hold a spike
    wide = (positive.group_by(keys).agg(pl.col("value").max().alias("_max"),
                                        pl.col("value").min().alias("_min"))
            .filter(pl.col("_max") > MAX_SPIKE * pl.col("_min")).select(keys).collect())
    if wide.height == 0:
        return None
    per = (positive.join(wide.lazy(), on=keys, how="semi", nulls_equal=True).group_by(keys)
           .agg(pl.col("value").median().alias("_median"), pl.col("value").max().alias("_max"))
           .filter(pl.col("_max") > MAX_SPIKE * pl.col("_median")).collect())
    if per.height == 0:
        return None
    hit = (frame.with_row_index("_i").join(per.select([*keys, "_median"]), on=keys, how="inner",
                                           nulls_equal=True)
           .filter(pl.col("value") > MAX_SPIKE * pl.col("_median")).sort("_i").row(0, named=True))
    idx, v, med = int(hit["_i"]), float(hit["value"]), float(hit["_median"])
    return idx, (f"is {v:g}, {v / med:,.0f} times this series' median ({med:g}); "
                 "a unit or typing error? fix or remove the value")
