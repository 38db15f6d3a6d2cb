"""Ingest demand series from files (long, wide, tracker, HN who-is-hiring, Indeed, job postings).

Entry point: :func:`ingest_files` (one atomic write for all files). Modules: ``readers`` (robust
CSV/Parquet reading), ``detect`` (named formats from the header), ``checks`` (vectorised
validation), ``periods`` (period layouts; quarterly/yearly data as gaps), one adapter per named
format (``long``, ``hn``, ``indeed``), ``general`` with ``columns`` (files in no named format:
long under other column names, wide and tracker tables; synonyms and measure rules),
``monthly`` (sub-monthly → months) and ``load`` (``ingest_frame`` / ``already_ingested``).
"""
from __future__ import annotations

from skillpulse.data.ingest.detect import FORMATS, detect_format
from skillpulse.data.ingest.load import already_ingested, ingest_frame
from skillpulse.data.ingest.pipeline import IngestSummary, ingest_files

__all__ = ["FORMATS", "IngestSummary", "already_ingested", "detect_format", "ingest_files",
           "ingest_frame"]
