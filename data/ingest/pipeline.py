"""Ingest several files as ONE atomic write: detect, validate, then load all or nothing.

Order matters for "bad input loses nothing": every file except job postings (which need the
taxonomy) is read and validated before the database is opened, so a bad file never touches it;
everything else happens inside one ``store.write`` transaction that publishes only on success.
A file whose SHA-256 is already recorded is skipped (checked on the live version first, so an
all-duplicate call publishes nothing, and again inside the transaction).
"""
from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from skillpulse.data import store
from skillpulse.data.cluster import dask_client, require_dask
from skillpulse.data.errors import DatabaseError, InputError, UsageError
from skillpulse.data.guards import check_size
from skillpulse.data.ingest.detect import FORMATS, GENERAL, LONG_REQUIRED, detect_format
from skillpulse.data.ingest.frame import Parsed
from skillpulse.data.ingest.general import parse_general
from skillpulse.data.ingest.hn import parse_hn
from skillpulse.data.ingest.indeed import parse_indeed
from skillpulse.data.ingest.load import add_aliases, already_ingested, ingest_frame, known_hashes
from skillpulse.data.ingest.long import parse_long
from skillpulse.data.ingest.readers import check_path, read_header, read_table, sha256_file
from skillpulse.data.postings import postings_to_frame
from skillpulse.data.progress import Bar
from skillpulse.data.settings import Settings, get_settings
from skillpulse.data.skills import resolve_names, upsert_taxonomy
from skillpulse.data.store import query
from skillpulse.data.taxonomy_io import ensure_default_taxonomy

FIXED_MEASURE = {"hn-whoishiring": "share", "indeed-postings": "index", "postings": "count"}
STAGES = ("read and validate", "write")


@dataclass
class FileResult:
    label: str
    fmt: str = ""
    skipped: str = ""  # why nothing was loaded (e.g. already ingested)
    rows_read: int = 0  # data rows in the file
    rows: int = 0  # monthly values stored
    series: int = 0
    skills: int = 0
    first: date | None = None
    last: date | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class IngestSummary:
    files: list[FileResult]
    seconds: float
    skills: int = 0  # distinct skills touched by this call
    # What the call's batches hold once written (files of one call may overlap: later file wins);
    # None: the per-file figures are exact (one file).
    stored_rows: int | None = None
    stored_series: int | None = None

    @property
    def rows(self) -> int:
        if self.stored_rows is not None:
            return self.stored_rows
        return sum(f.rows for f in self.files)

    @property
    def rows_read(self) -> int:
        return sum(f.rows_read for f in self.files)

    @property
    def series(self) -> int:
        if self.stored_series is not None:
            return self.stored_series
        return sum(f.series for f in self.files)

    def line(self) -> str:
        """The one-line summary printed at the end of ``skillpulse ingest``."""
        loaded = [f for f in self.files if not f.skipped]
        if not loaded:
            return (f"nothing to ingest: {len(self.files)} file(s) already ingested; database "
                    f"unchanged ({self.seconds:.2f} s)")
        firsts = [f.first for f in loaded if f.first]
        lasts = [f.last for f in loaded if f.last]
        span = f"{min(firsts):%Y-%m}..{max(lasts):%Y-%m}" if firsts and lasts else "no months"
        skipped = len(self.files) - len(loaded)
        extra = f" ({skipped} already ingested, skipped)" if skipped else ""
        return (f"ingested {len(loaded)} file(s){extra}: {self.rows_read:,} rows read, "
                f"{self.rows:,} monthly values in {self.series:,} series, {self.skills:,} skills, "
                f"months {span} in {self.seconds:.2f} s")


@dataclass
class _Todo:
    """A file to load: where it is, how messages name it, its hash, format and (once read) frame."""

    path: Path
    label: str
    sha: str
    fmt: str
    result: FileResult
    digest: Future[str] | None = None
    parsed: Parsed | None = None
    header: list[str] = field(default_factory=list)


Parser = Callable[..., Parsed]
PARSERS: dict[str, Parser] = {"long": parse_long, "hn-whoishiring": parse_hn,
                              "indeed-postings": parse_indeed}


def _parse(path: Path, label: str, fmt: str, *, source: str | None, measure: str | None,
           settings: Settings, header: Sequence[str] = ()) -> Parsed:
    cols = {h.lower() for h in header}
    # Exact long files: numbers are parsed while reading (the checks then run on floats).
    numeric = ("value", "total") if fmt == "long" and set(LONG_REQUIRED) <= cols else ()
    check_size(path, settings.max_table_bytes, label)
    raw = read_table(path, numeric=numeric)
    raw = type(raw)(path=raw.path, label=label, frame=raw.frame, header=raw.header, kind=raw.kind)
    notes = raw.notes
    if fmt == "long" and set(LONG_REQUIRED) <= set(raw.frame.columns):
        parsed = parse_long(raw, source=source, measure=measure, settings=settings)
    elif fmt in ("long", "wide", GENERAL):
        parsed = parse_general(raw, fmt=fmt, source=source, measure=measure, settings=settings)
    else:
        parsed = PARSERS[fmt](raw, source=source, settings=settings)
    parsed.rows_read = raw.frame.height
    parsed.notes.extend(n for n in notes if n not in parsed.notes)
    return parsed


def _postings(path: Path, con: Any, *, source: str | None, progress: bool, client: Any = None
              ) -> Parsed:
    with Bar(f"extracting skills from {path.name}", enabled=progress and sys.stderr.isatty(),
             unit="rows") as bar:
        frame, stats = postings_to_frame(path, con, source=source, progress=bar, client=client)
    notes = [", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in stats.items())
             ] if stats else []
    rows_read = stats.get("rows", frame.height) if isinstance(stats, dict) else frame.height
    return Parsed(frame=frame, fmt="postings", notes=notes, rows_read=int(rows_read))


def _skip_known(item: _Todo, live: set[str], seen: set[str], say: Callable[[str], None]) -> bool:
    """Wait for the file's hash (once); mark the file skipped when its content is already in the
    store or earlier in this call. Returns whether it is skipped."""
    if item.sha:
        return bool(item.result.skipped)
    assert item.digest is not None
    item.sha = item.digest.result()
    if item.sha in live:
        why = "already ingested"
    elif item.sha in seen:
        why = "same content as an earlier file of this call"
    else:
        seen.add(item.sha)
        return False
    item.result.skipped = why
    say(f"{item.label}: {why} (sha256 {item.sha[:12]}…); skipped")
    return True


def _live_hashes(db: Path) -> set[str]:
    """Hashes already in the live database (empty when there is none yet or it cannot be read:
    the write then reports the real problem)."""
    if not db.is_symlink():
        return set()
    try:
        with store.read(db) as con:
            return known_hashes(con)
    except (DatabaseError, duckdb.Error, OSError):  # the write reports the real problem
        return set()


def _check_measure(fmt: str, measure: str | None, label: str) -> None:
    fixed = FIXED_MEASURE.get(fmt)
    if measure and fixed and measure != fixed:
        article = "an" if fixed[0] in "aeiou" else "a"
        raise UsageError(f"{label}: --measure {measure} does not apply to the {fmt} format, whose "
                         f"values are {article} {fixed}; drop --measure or pass --format long")


def ingest_files(paths: Sequence[str | Path], db: str | Path, *, fmt: str = "auto",
                 source: str | None = None, measure: str | None = None, progress: bool = False,
                 settings: Settings | None = None,
                 echo: Callable[[str], None] | None = None, engine: str = "local",
                 scheduler: str | None = None) -> IngestSummary:
    """Ingest ``paths`` into database ``db`` atomically; returns what was loaded.

    Args:
        paths: CSV or Parquet files.
        db: the skillpulse database (created when missing).
        fmt: ``auto`` (from each file's header) or one of :data:`FORMATS` for every file.
        source: source name for rows that do not give one (formats have defaults).
        measure: ``count``/``share``/``index`` for long files (default ``count``).
        progress: show a rich progress bar (the CLI enables it on a terminal for large files).
        echo: where per-file messages go (skipped files, notes); default: nowhere.
        engine: who extracts skills from raw postings: ``local`` (this machine) or ``dask``
            (a local Dask cluster, or the running ``dask scheduler`` at ``scheduler``).
    """
    settings = settings or get_settings()
    say = echo or (lambda _msg: None)
    started = time.perf_counter()
    if fmt != "auto" and fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; expected auto or one of {', '.join(FORMATS)}")
    if not paths:
        raise UsageError("no input files given")
    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine '{engine}'; expected local or dask")
    if engine == "dask":
        require_dask()
    db_path = Path(db)
    files = [(check_path(p), str(p)) for p in paths]
    bar = Bar("ingest", enabled=progress and fmt != "postings", total=len(files) * len(STAGES))
    results: list[FileResult] = []
    todo: list[_Todo] = []
    with bar, ThreadPoolExecutor(max_workers=1) as hasher:
        live = _live_hashes(db_path)
        # Hashing runs in the background while files are parsed (hashlib releases the GIL). When
        # the store already holds batches, each file's hash is awaited before parsing it, so a
        # re-ingested file is skipped without being read.
        for path, label in files:
            result = FileResult(label=label)
            results.append(result)
            kind, header = read_header(path)
            file_fmt = fmt if fmt != "auto" else detect_format(header, label)
            if kind == "jsonl" and file_fmt != "postings":
                raise InputError(f"is JSON Lines, which skillpulse reads only as job postings (id, "
                                 f"posted_at, description); found keys {', '.join(header[:8])}; "
                                 "save demand series as CSV or Parquet", file=label, row=1)
            if file_fmt == "postings":
                bar.stop()  # data.postings shows its own bar; two rich live displays cannot nest
            _check_measure(file_fmt, measure, label)
            result.fmt = file_fmt
            todo.append(_Todo(path, label, "", file_fmt, result, hasher.submit(sha256_file, path),
                              header=header))
        seen: set[str] = set()
        for item in todo:
            if live and _skip_known(item, live, seen, say):
                bar.advance()
                bar.advance()
                continue
            if item.fmt != "postings":  # postings are read inside the write (taxonomy needed)
                bar.describe(f"reading {item.path.name}")
                item.parsed = _parse(item.path, item.label, item.fmt, source=source,
                                     measure=measure, settings=settings, header=item.header)
                item.result.fmt = item.parsed.fmt
            bar.advance()
            if _skip_known(item, live, seen, say):
                item.parsed = None
                bar.advance()
        todo = [item for item in todo if not item.result.skipped]
        summary = IngestSummary(files=results, seconds=0.0)
        if todo:
            with contextlib.ExitStack() as stack:
                client = None
                if engine == "dask" and any(item.fmt == "postings" for item in todo):
                    client = stack.enter_context(dask_client(scheduler, jobs=os.cpu_count() or 1,
                                                             settings=settings))
                _write(db_path, todo, settings, bar, summary, source=source, progress=progress,
                       say=say, client=client)
    summary.seconds = time.perf_counter() - started
    return summary


def _write(db: Path, todo: list[_Todo], settings: Settings, bar: Bar,
           summary: IngestSummary, *, source: str | None, progress: bool,
           say: Callable[[str], None], client: Any = None) -> None:
    """Load the files in one transaction; fills ``summary``'s call-wide figures (distinct skills,
    and stored values and series when several files were loaded)."""
    batches: dict[int, str] = {}  # batch id → file label, for files of this call
    with store.write(db, settings) as con:
        ensure_default_taxonomy(con)
        for job in todo:
            path, label, sha, result = job.path, job.label, job.sha, job.result
            bar.describe(f"writing {path.name}")
            if already_ingested(con, sha):
                result.skipped = "already ingested"
                say(f"{label}: already ingested (same content); skipped")
                bar.advance()
                continue
            if job.parsed is None:
                item = _postings(path, con, source=source, progress=progress, client=client)
                bar.advance()
            else:
                item = job.parsed
            if item.aliases is not None and item.aliases.height:
                add_aliases(con, item.aliases)
            if item.categories is not None and item.categories.height:
                _add_categories(con, item.categories)
            replaced: dict[int, int] = {}
            try:
                stats = ingest_frame(con, item.frame, source_file=str(path.resolve()), sha256=sha,
                                     fmt=item.fmt, merge=item.merge, replaced=replaced)
            except InputError as exc:  # name the file as the user gave it
                raise InputError(exc.detail, file=label, row=exc.row, column=exc.column) from None
            frame = item.frame
            _note_overlaps(replaced, batches, item.notes)
            batches[stats["batch_id"]] = label
            result.rows, result.series = stats["rows"], stats["series"]
            result.rows_read = item.rows_read
            result.skills = stats["skills"]
            if frame.height:
                periods = frame["period"]
                result.first, result.last = periods.min(), periods.max()  # type: ignore[assignment]
            result.notes = item.notes
            summary.skills = stats["skills"]
            for note in item.notes:
                say(f"{label}: {note}")
            bar.advance()
        if len(batches) > 1:  # one file: its own figures are exact
            stored = query(con, "ingest_batches_stored", first_batch=min(batches))
            summary.stored_rows = int(stored["n_rows"][0])
            summary.stored_series = int(stored["n_series"][0])
            summary.skills = int(stored["n_skills"][0])


def _note_overlaps(replaced: dict[int, int], batches: dict[int, str], notes: list[str]) -> None:
    """A note for each earlier file of this call whose (series, month) values this file replaces."""
    for batch_id, n in replaced.items():
        if batch_id in batches:
            notes.append(f"overlaps {batches[batch_id]} on {n:,} (series, month) values given by "
                         "both; this later file's values are kept (latest batch wins)")


def _add_categories(con: Any, categories: pl.DataFrame) -> None:
    """Skills new to the store get the file's category (existing skills keep theirs)."""
    known = resolve_names(con, categories["name"], create=False)
    new = known.filter(pl.col("skill_id").is_null()).select("name")
    if new.height:
        upsert_taxonomy(con, new.join(categories, on="name", how="left"))
