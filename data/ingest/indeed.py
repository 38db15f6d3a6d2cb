"""The ``indeed-postings`` format: Indeed Hiring Lab job-postings indices (daily → monthly mean).

Two files share the format (told apart by their columns):
- sector file ``date, jobcountry, indeed_job_postings_index, variable, display_name``: a sector is
  an occupation segment of the whole market, so each sector is a series of the market skill
  (``store.MARKET_SKILL``) with ``occupation`` = display_name and ``region`` = jobcountry;
- aggregate file ``date, jobcountry, indeed_job_postings_index_SA, indeed_job_postings_index_NSA,
  variable``: the whole-market series (market skill, region = jobcountry, occupation ''), from the
  seasonally adjusted index.
Only ``variable == 'total postings'`` rows are kept when a ``variable`` column exists (the aggregate
file also has 'new postings', a different quantity that would collide with the total in the same
series); the rest are counted in the notes. Measure ``index`` (2020-02-01 = 100), source
``indeed``; the monthly value is the mean of the days present: an index is an average, so a
partial first or last month is kept (and noted; see ``monthly``).
"""
from __future__ import annotations

import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import checks
from skillpulse.data.ingest.detect import INDEED_AGGREGATE_REQUIRED, INDEED_SECTOR_REQUIRED
from skillpulse.data.ingest.frame import Parsed, assemble, spreadsheet_rows
from skillpulse.data.ingest.long import reject_duplicates
from skillpulse.data.ingest.monthly import to_monthly
from skillpulse.data.ingest.readers import RawTable
from skillpulse.data.settings import Settings
from skillpulse.data.store import MARKET_SKILL

SOURCE = "indeed"
KEEP_VARIABLE = "total postings"


def parse_indeed(raw: RawTable, *, source: str | None, settings: Settings) -> Parsed:
    """Validate an Indeed sector or aggregate file and return its monthly ingest frame."""
    cols = set(raw.frame.columns)
    sector = "display_name" in cols or "indeed_job_postings_index" in cols
    if sector:
        # Some vintages give the sector index as _SA/_NSA columns: the adjusted one then.
        value_col = next((c for c in ("indeed_job_postings_index", "indeed_job_postings_index_sa",
                                      "indeed_job_postings_index_nsa") if c in cols),
                         "indeed_job_postings_index")
        required = [c if c != "indeed_job_postings_index" else value_col for c in INDEED_SECTOR_REQUIRED]
        checks.require_columns(raw, required, "indeed-postings (sector file)")
    else:
        checks.require_columns(raw, INDEED_AGGREGATE_REQUIRED, "indeed-postings (aggregate file)")
        value_col = "indeed_job_postings_index_sa"
    notes: list[str] = []
    keep: pl.Series | None = None
    if "variable" in cols:
        variable = checks.text_column(raw, "variable", required=False)
        keep = variable.str.to_lowercase() == KEEP_VARIABLE
        dropped = variable.filter(~keep).unique().sort().to_list()
        if keep.sum() == 0:
            raise InputError(f"has no rows with variable '{KEEP_VARIABLE}' (found: "
                             f"{', '.join(dropped[:5])}); nothing to ingest", file=raw.label,
                             column="variable")
        if dropped:
            notes.append(f"skipped {int((~keep).sum()):,} rows of variable {', '.join(dropped)}")
    if keep is not None and not keep.all():
        raw = RawTable(path=raw.path, label=raw.label, header=raw.header, kind=raw.kind, notes=raw.notes,
                       frame=raw.frame.with_columns(spreadsheet_rows(raw.frame).alias("_row"))
                       .filter(keep))
    region = checks.text_column(raw, "jobcountry", required=True, what="a country code")
    occupation: pl.Series | str = (
        checks.text_column(raw, "display_name", required=True, max_len=settings.max_skill_name,
                           what="a sector name") if sector else "")
    period, _monthly = checks.period_column(raw, "date")
    value = checks.number_column(raw, value_col, required=True, minimum=0.0,
                                 what="an index value (2020-02-01 = 100)")
    n = raw.frame.height
    frame = assemble(pl.repeat(MARKET_SKILL, n, dtype=pl.String, eager=True), period, value,
                     total=None, source=source or SOURCE, region=region, occupation=occupation,
                     measure="index", rows=spreadsheet_rows(raw.frame))
    reject_duplicates(frame, raw.label, "date")
    return Parsed(frame=to_monthly(frame, notes, label=raw.label), fmt="indeed-postings",
                  notes=notes)
