"""Ingest demand series from files (long, HN who-is-hiring, Indeed postings, job postings).

Entry point: :func:`ingest_files` (one atomic write for all files). Modules: ``readers`` (robust
CSV/Parquet reading), ``detect`` (format from the header), ``checks`` (vectorised validation),
one adapter per format (``long``, ``hn``, ``indeed``), ``monthly`` (sub-monthly → months) and
``load`` (``ingest_frame`` / ``already_ingested``: the frame into the store).
"""
from __future__ import annotations

from data.ingest.detect import FORMATS, detect_format
from data.ingest.load import already_ingested, ingest_frame
from data.ingest.pipeline import IngestSummary, ingest_files

__all__ = ["FORMATS", "IngestSummary", "already_ingested", "detect_format", "ingest_files",
           "ingest_frame"]
