"""L&D use cases: triage a course catalogue and plan skill gaps against the newest forecast run.

The one path from a file (bytes or a path) to result frames: the ``catalogue`` and ``gaps``
commands and the ``/catalogue`` and ``/gaps`` pages all call it, so validation and answers are
identical. No click and no Dash here; the faces turn results into text, files or page payloads.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl
from skillpulse.data import planning_io as io
from skillpulse.data import store
from skillpulse.data.demo_samples import sample_paths
from skillpulse.data.errors import SkillpulseError
from skillpulse.data.text import read_bytes
from skillpulse.models.planning import GapPlan, plan_gaps, skill_evidence, triage_catalogue


@dataclass(frozen=True)
class CatalogueResult:
    table: pl.DataFrame  # contract columns + skills
    unmatched: list[str]


@dataclass(frozen=True)
class GapsResult:
    plan: GapPlan
    unmatched: list[str]


@dataclass(frozen=True)
class SampleResult:
    """The demo sample file's result next to a database: ``result`` when it ran, else ``error``
    (the file is unusable) or neither (there is no sample file)."""
    name: str
    result: CatalogueResult | GapsResult | None = None
    error: str | None = None


R = TypeVar("R", CatalogueResult, GapsResult)


def triage(con: duckdb.DuckDBPyConnection, data: bytes, filename: str) -> CatalogueResult:
    """Validate a catalogue file's bytes and triage it against the latest forecast run."""
    courses = io.parse_courses(data, filename)
    outlook, skills, as_of = io.load_outlook(con)
    links = io.course_links(con, courses)
    ev = skill_evidence(outlook, skills)
    return CatalogueResult(triage_catalogue(courses, links, ev, as_of=as_of), io.unmatched(links))


def plan(con: duckdb.DuckDBPyConnection, data: bytes, filename: str) -> GapsResult:
    """Validate an inventory file's bytes and plan gaps against the latest forecast run."""
    inventory = io.parse_inventory(data, filename)
    outlook, skills, _ = io.load_outlook(con)
    links = io.inventory_links(con, inventory)
    return GapsResult(plan_gaps(links, skill_evidence(outlook, skills)), io.unmatched(links))


def run_file(db: str | Path, path: str | Path,
             run: Callable[[duckdb.DuckDBPyConnection, bytes, str], R]) -> R:
    """``run`` (``triage`` or ``plan``) on the file at ``path`` against database ``db``, read-only
    (an older database is upgraded first)."""
    data = read_bytes(path)
    store.ensure_current(db)
    with store.read(db) as con:
        # a cursor: store.read leaves the schema check's result open on ``con`` (DuckDB 2.0)
        return run(con.cursor(), data, str(path))


def sample_catalogue(con: duckdb.DuckDBPyConnection, db: str | Path) -> SampleResult:
    """The triage of the demo's sample catalogue next to ``db`` (the pages' default view)."""
    return _sample(con, sample_paths(db)[0], triage)


def sample_inventory(con: duckdb.DuckDBPyConnection, db: str | Path) -> SampleResult:
    """The gap plan of the demo's sample inventory next to ``db``."""
    return _sample(con, sample_paths(db)[1], plan)


def _sample(con: duckdb.DuckDBPyConnection, path: Path,
            run: Callable[[duckdb.DuckDBPyConnection, bytes, str], R]) -> SampleResult:
    if not path.exists():
        return SampleResult(path.name)
    try:
        return SampleResult(path.name, result=run(con, read_bytes(path), path.name))
    except SkillpulseError as exc:
        return SampleResult(path.name, error=str(exc))
