"""Tell an input file's format from its header (CSV) or schema (Parquet).

Signatures are column sets, compared case-insensitively. When HN or Indeed is nearly matched (all
required columns but one, and its distinctive column present) the error names the missing column
and the closest column in the file; any other header is ``general`` (decided on the data).
"""
from __future__ import annotations

import importlib
from collections.abc import Sequence

from skillpulse.data.errors import InputError
from skillpulse.data.ingest.checks import suggest

FORMATS = ("long", "wide", "hn-whoishiring", "indeed-postings", "postings")
GENERAL = "general"  # no named signature: ``general`` decides long (synonyms), wide or tracker

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
    "long (skill, period, value [, source, region, occupation, total]; also under other names "
    "such as term/language, date/month/year+quarter, count/share/num_*), "
    "wide (a period column plus one numeric column per skill), "
    "hn-whoishiring (month, num_comments, term, percentage), "
    "indeed-postings (date, jobcountry, indeed_job_postings_index, display_name; or the aggregate "
    "file's date, jobcountry, indeed_job_postings_index_SA), "
    "postings (id, posted_at, description [, title, region, occupation]; CSV, Parquet or JSON Lines)"
)


def _postings_match(cols: set[str]) -> bool:
    try:
        mod = importlib.import_module("skillpulse.data.postings")
    except ImportError:
        mod = None
    looks = getattr(mod, "looks_like_postings", None) if mod else None
    if callable(looks):
        return bool(looks(sorted(cols)))
    return set(POSTINGS_REQUIRED) <= cols or any(c in cols for c in POSTINGS_TEXT)


def detect_format(header: Sequence[str], label: str) -> str:
    """The format name for a file with these column names, or ``InputError``.

    ``general`` when no named format matches: :mod:`data.ingest.general` then reads the file and
    decides (long under other column names, wide, tracker) or says why it cannot."""
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
    return GENERAL


def _nearly(cols: set[str]) -> tuple[str, Sequence[str]] | None:
    """A named format whose required columns are all present but one, and whose distinctive
    column is there (``num_comments`` for HN; ``display_name`` and an ``indeed_…`` column for the
    Indeed sector file): anything else
    may be a general file (long under other names, wide, tracker) and is left to ``general``."""
    candidates: list[tuple[str, Sequence[str], bool]] = [
        ("hn-whoishiring", HN_REQUIRED, "num_comments" in cols),
        ("indeed-postings", INDEED_SECTOR_REQUIRED,
         "display_name" in cols and any(c.startswith("indeed_") for c in cols))]
    for fmt, required, distinctive in candidates:
        present = sum(c in cols for c in required)
        if distinctive and present >= 2 and present == len(required) - 1:
            return fmt, required
    return None
