"""Tell an input file's format from its header (CSV) or schema (Parquet).

Signatures are column sets, compared case-insensitively. When nothing matches but one format is
nearly matched (most of its required columns present) the error names the missing column and the
closest column in the file; otherwise it lists the columns seen and the formats expected.
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence

from data.errors import InputError
from data.ingest.checks import suggest

FORMATS = ("long", "hn-whoishiring", "indeed-postings", "postings")

HN_REQUIRED = ("month", "num_comments", "term", "percentage")
INDEED_SECTOR_REQUIRED = ("date", "jobcountry", "indeed_job_postings_index", "display_name")
INDEED_AGGREGATE_REQUIRED = ("date", "jobcountry", "indeed_job_postings_index_sa")
LONG_REQUIRED = ("skill", "period", "value")
LONG_OPTIONAL = ("source", "region", "occupation", "total")

POSTINGS_REQUIRED = ("id", "posted_at", "description")
# A text column marks a job-postings file even when other columns are misnamed (the postings
# reader then names what is missing).
POSTINGS_TEXT = ("description", "text", "body", "job_description")

EXPECTED = (
    "long (skill, period, value [, source, region, occupation, total]), "
    "hn-whoishiring (month, num_comments, term, percentage), "
    "indeed-postings (date, jobcountry, indeed_job_postings_index, display_name; or the aggregate "
    "file's date, jobcountry, indeed_job_postings_index_SA), "
    "postings (id, posted_at, description [, title, region, occupation]; CSV, Parquet or JSON Lines)"
)


def _postings_match(cols: set[str]) -> bool:
    try:
        mod = importlib.import_module("data.postings")
    except ImportError:
        mod = None
    looks = getattr(mod, "looks_like_postings", None) if mod else None
    if callable(looks):
        return bool(looks(sorted(cols)))
    return set(POSTINGS_REQUIRED) <= cols or any(c in cols for c in POSTINGS_TEXT)


def detect_format(header: Sequence[str], label: str) -> str:
    """The format name for a file with these column names, or ``InputError``."""
    cols = {h.strip().lower() for h in header}
    if set(HN_REQUIRED) <= cols:
        return "hn-whoishiring"
    if set(INDEED_SECTOR_REQUIRED) <= cols or set(INDEED_AGGREGATE_REQUIRED) <= cols:
        return "indeed-postings"
    if set(LONG_REQUIRED) <= cols:
        return "long"
    if _postings_match(cols):
        return "postings"
    near = _nearly(cols)
    if near is not None:
        fmt, required = near
        missing = next(c for c in required if c not in cols)
        hint = suggest(missing, header)
        did_you_mean = f"; did you mean '{hint}'? (rename that column)" if hint else ""
        raise InputError(
            f"looks like the {fmt} format but has no column '{missing}' (columns found: "
            f"{', '.join(header)}){did_you_mean}", file=label, row=1, column=missing)
    raise InputError(
        f"cannot tell the format from its columns ({', '.join(header) or 'none'}); expected {EXPECTED}; "
        "or pass --format", file=label, row=1)


def _nearly(cols: set[str]) -> tuple[str, Sequence[str]] | None:
    """A format whose required columns are mostly present (all but one, and at least two)."""
    candidates: list[tuple[str, Sequence[str]]] = [
        ("hn-whoishiring", HN_REQUIRED), ("indeed-postings", INDEED_SECTOR_REQUIRED),
        ("long", LONG_REQUIRED)]
    for fmt, required in candidates:
        present = sum(c in cols for c in required)
        if present >= 2 and present == len(required) - 1:
            return fmt, required
    # A long file with two misnamed columns still gets a hint when both have close matches.
    long_present = [c for c in LONG_REQUIRED if c in cols]
    if long_present and all(c in cols or suggest(c, cols) for c in LONG_REQUIRED):
        return "long", LONG_REQUIRED
    return None
