"""Extraction use case: which taxonomy to match with, and the skills found in each posting.

The taxonomy is the first of: a taxonomy file, the database given, the database named by
``$SKILLPULSE_DB`` when it is set and exists, the project taxonomy (also when the database holds
no skills). No click here; ``skillpulse extract`` turns the frame into a file.
"""
from __future__ import annotations

from pathlib import Path

import polars as pl
from skillpulse.data import store
from skillpulse.data.errors import UsageError
from skillpulse.data.postings import extract_file
from skillpulse.data.settings import Settings, get_settings
from skillpulse.data.taxonomy_io import db_triples, project_taxonomy, read_taxonomy, triples


def taxonomy_triples(db: str | None = None, taxonomy: str | None = None) -> list[tuple[str, str, str]]:
    """The (skill, category, alias) triples to match with (see the module docstring for the order)."""
    if db and taxonomy:
        raise UsageError("give either --db or --taxonomy, not both")
    if taxonomy:
        return triples(read_taxonomy(taxonomy)[0])
    db = db or _env_db()
    tri = _db_triples(db) if db else []
    return tri or triples(project_taxonomy())


def extract_postings(file: str | Path, db: str | None = None, taxonomy: str | None = None
                     ) -> pl.DataFrame:
    """``id, skill``: one row per (posting of ``file``, skill found)."""
    return extract_file(file, taxonomy_triples(db, taxonomy))


def _env_db() -> str | None:
    """The database named by $SKILLPULSE_DB (through the settings) when it is set and exists."""
    configured = get_settings().db
    if configured == Settings().db:   # the variable is not set: the built-in default
        return None
    return configured if Path(configured).exists() else None


def _db_triples(db: str) -> list[tuple[str, str, str]]:
    store.ensure_current(db)
    with store.read(db) as con:
        # a cursor: store.read leaves the schema check's result open on ``con`` (DuckDB 2.0)
        return db_triples(con.cursor())
