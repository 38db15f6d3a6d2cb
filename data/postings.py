"""Raw job postings → monthly skill-demand counts (the ``postings`` ingest format).

Input: CSV, Parquet or JSON Lines with ``id, posted_at, description`` and optional ``title``,
``region`` (or ``location``), ``occupation``, ``company``, read by ``data.postings_read`` (column
names case-insensitive, common other names accepted). Files are streamed in blocks and
processed in chunks of ``CHUNK_ROWS`` rows, so memory stays bounded by the block size plus one
64-bit hash per distinct posting id and text (about 100 bytes per posting), not by the file size.
Large files are matched by two worker processes (``data.pool``, preloading ``data.extract``)
while this process reads the next chunk.

Co-mentions: ``postings_to_frame`` also upserts, on the connection it is given, the postings a
month mentioning each pair of skills (table ``skill_pair``, nearness for plans).

Output (``postings_to_frame``): the frame ``data.ingest.load.ingest_frame`` stores — per month and
segment (region × occupation), for every skill mentioned at least once in that segment, the
number of postings that month mentioning it (``measure`` ``count``; 0 in months without a
mention) with ``total`` = postings that month in that segment; and the whole-market series
(``store.MARKET_SKILL``) whose value is that total. Skills are found by ``data.extract``.

Rules for bad input (nothing is written: the caller stores the frame in one transaction):

- A missing required column, an unreadable file, a UTF-16 file, malformed CSV/JSON → ``InputError``.
- Duplicates: a posting whose ``id`` was seen before, or whose normalised text (title +
  description, lower-cased, tags and whitespace removed) was seen before, is counted once
  (the first occurrence wins); reported as ``duplicate_id`` / ``duplicate_text``.
- ``posted_at`` missing or not a date (``YYYY-MM-DD``, ISO date-time, or ``YYYY-MM``; years
  1970–2100): the posting is skipped and counted (``skipped_bad_date``, with the first row). If
  more than ``MAX_BAD_DATE_SHARE`` of the rows are affected the file is rejected with an
  ``InputError`` naming the first such row (the column is probably in another format).
- Empty title and description: skipped and counted (``skipped_empty``).
- A title or description longer than ``MAX_FIELD_CHARS`` characters is cut to that length and
  counted (``truncated``); the posting still counts.
- Bytes that are not UTF-8 are replaced (U+FFFD); affected postings are counted
  (``invalid_utf8``) and still processed.

Incomplete first and last months. Counts are per calendar month, so a month the file covers only
in part would look like a collapse (postings through 5 January give January a few days' count
against December's full month: a false decline in every forecast and a dip in the market
series). Judged from the postings' own dates (after the rules above): when postings appear on at
least ``ACTIVE_DAY_SHARE`` of the days of the data's span outside the month in question (at least
``MIN_REFERENCE_DAYS`` days of it — "daily activity"), then

- the LAST month is incomplete when the last posting date is more than ``EDGE_SLACK_DAYS`` days
  before the month's last day (``last < month end − 2``), and
- the FIRST month is incomplete when the first posting date is more than ``EDGE_SLACK_DAYS`` days
  after the month's first day.

An incomplete month is dropped from every count, total and the market series (nothing is
pro-rated), so shares stay unaffected as well; the stats say so: ``note`` = ``"dropped
incomplete month 2024-01 (postings through 2024-01-05)"`` and ``incomplete_month_postings`` (how
many postings those months held). Sparse files (no daily activity) and files within one month
are left as they are.
"""
from __future__ import annotations

import calendar
import concurrent.futures as cf
import datetime as dt
import functools
import os
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import polars as pl
from skillpulse.data.cluster import worker_count
from skillpulse.data.errors import InputError
from skillpulse.data.extract import Matcher, init_worker, worker_extract
from skillpulse.data.pool import process_pool
from skillpulse.data.postings_read import CHUNK_ROWS, EXTRACT_REQUIRED, read_postings
from skillpulse.data.progress import Progress
from skillpulse.data.store import MARKET_SKILL, execute, registered
from skillpulse.data.taxonomy_io import db_triples, ensure_default_taxonomy

__all__ = ["CHUNK_ROWS", "MAX_FIELD_CHARS", "extract_file", "postings_to_frame", "read_postings"]

MAX_FIELD_CHARS = 100_000
MAX_BAD_DATE_SHARE = 0.10
EDGE_SLACK_DAYS = 2        # a first/last month counts as complete within 2 days of its start/end
ACTIVE_DAY_SHARE = 0.5     # "daily activity": postings on at least half of the days …
MIN_REFERENCE_DAYS = 28    # … of at least four weeks outside the month being judged
PARALLEL_MIN_BYTES = 32 * 1024 * 1024
_HASH_SEED = 20_240_501
_SEGMENT = ("region", "occupation")
MAX_PAIR_SKILLS = 30  # co-mentions: at most this many of a posting's skills pair up


# ---------------------------------------------------------------------------------------------
_DATE = pl.col("posted_at").str.strip_chars()
_DAY = pl.coalesce(
    _DATE.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False),
    pl.when(_DATE.str.len_chars() == 7).then(_DATE + "-01").otherwise(None)
    .str.to_date("%Y-%m-%d", strict=False),
)
_PERIOD = _DAY.dt.truncate("1mo")


@dataclass
class _Stats:
    rows: int = 0
    postings: int = 0
    duplicate_id: int = 0
    duplicate_text: int = 0
    skipped_bad_date: int = 0
    first_bad_date_row: int | None = None
    skipped_empty: int = 0
    truncated: int = 0
    invalid_utf8: int = 0
    mentions: int = 0
    seen_ids: set[int] = field(default_factory=set)
    seen_texts: set[int] = field(default_factory=set)
    days: set[dt.date] = field(default_factory=set)   # distinct posting dates (for edge months)

    def report(self, n_skills: int, n_months: int) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rows": self.rows, "postings": self.postings, "duplicate_id": self.duplicate_id,
            "duplicate_text": self.duplicate_text, "skipped_bad_date": self.skipped_bad_date,
            "skipped_empty": self.skipped_empty, "truncated": self.truncated,
            "invalid_utf8": self.invalid_utf8, "mentions": self.mentions,
            "skills_found": n_skills, "months": n_months}
        if self.first_bad_date_row is not None:
            out["first_bad_date_row"] = self.first_bad_date_row
        return out


def _prepare(chunk: pl.DataFrame, stats: _Stats) -> pl.DataFrame:
    """Validate, clean and de-duplicate one chunk; returns the postings to extract from."""
    stats.rows += chunk.height
    long_field = ((pl.col("title").str.len_chars() > MAX_FIELD_CHARS)
                  | (pl.col("description").str.len_chars() > MAX_FIELD_CHARS)).fill_null(False)
    df = chunk.with_columns(
        _PERIOD.alias("period"),
        _DAY.alias("_day"),
        long_field.alias("_long"),
        pl.col("title").str.slice(0, MAX_FIELD_CHARS).fill_null(""),
        pl.col("description").str.slice(0, MAX_FIELD_CHARS).fill_null(""),
        *(pl.col(c).fill_null("").str.strip_chars() for c in _SEGMENT),
    ).with_columns(
        (pl.col("title") + "\n" + pl.col("description")).alias("_text"),
    )
    bad_date = df["period"].is_null() | ~df["period"].dt.year().is_between(1970, 2100).fill_null(False)
    n_bad = int(bad_date.sum())
    if n_bad:
        stats.skipped_bad_date += n_bad
        if stats.first_bad_date_row is None:
            stats.first_bad_date_row = int(df.filter(bad_date)["_row"][0])
        df = df.filter(~bad_date)
    # Normalised text for de-duplication: lower case without tags and without any whitespace.
    normal = pl.col("_text").str.to_lowercase().str.replace_all(r"<[^>]*>|[\s\u00a0]+", "")
    df = df.with_columns(normal.alias("_norm"))
    empty = df["_norm"] == ""
    n_empty = int(empty.sum())
    if n_empty:
        stats.skipped_empty += n_empty
        df = df.filter(~empty)
    df = df.with_columns(pl.col("_norm").hash(seed=_HASH_SEED).alias("_h"),
                         pl.col("id").hash(seed=_HASH_SEED).alias("_idh"))
    keep: list[bool] = []
    ids, texts = stats.seen_ids, stats.seen_texts
    for idh, pid, th in zip(df["_idh"].to_list(), df["id"].to_list(), df["_h"].to_list(),
                            strict=True):
        if pid and idh in ids:
            stats.duplicate_id += 1
            keep.append(False)
            continue
        if pid:
            ids.add(idh)
        if th in texts:
            stats.duplicate_text += 1
            keep.append(False)
            continue
        texts.add(th)
        keep.append(True)
    df = df.filter(pl.Series(keep, dtype=pl.Boolean))
    stats.truncated += int(df["_long"].sum())
    stats.invalid_utf8 += int(df["_text"].str.contains("\ufffd", literal=True).sum())
    stats.postings += df.height
    stats.days.update(df["_day"].unique().to_list())
    return df.select("period", "region", "occupation", "_text")


class _Aggregator:
    """Monthly counts per (period, segment, skill) and totals per (period, segment)."""

    def __init__(self) -> None:
        self.counts: list[pl.DataFrame] = []
        self.totals: list[pl.DataFrame] = []
        self.pairs: list[pl.DataFrame] = []

    def add(self, df: pl.DataFrame, found: list[list[int]], stats: _Stats) -> None:
        keys = ["period", *_SEGMENT]
        self.totals.append(df.group_by(keys).len("total"))
        lengths = np.fromiter((len(f) for f in found), dtype=np.int64, count=len(found))
        stats.mentions += int(lengths.sum())
        rows = np.repeat(np.arange(len(found)), lengths)
        flat = pl.Series("skill", list(chain.from_iterable(found)), dtype=pl.UInt32)
        mentions = (df.select(keys)[rows].with_columns(flat)
                    .group_by([*keys, "skill"]).len("value"))
        self.counts.append(mentions)
        self.pairs.append(_co_mentions(df["period"], found))
        if len(self.counts) > 16:   # keep partial aggregates small
            self._compact()

    def _compact(self) -> None:
        keys = ["period", *_SEGMENT]
        self.counts = [pl.concat(self.counts).group_by([*keys, "skill"]).agg(pl.col("value").sum())]
        self.totals = [pl.concat(self.totals).group_by(keys).agg(pl.col("total").sum())]
        self.pairs = [pl.concat(self.pairs).group_by("period", "a", "b").agg(pl.col("postings").sum())]

    def pair_frame(self, skills: list[str]) -> pl.DataFrame:
        """``skill_a, skill_b, period, postings``: postings a month mentioning both skills (names,
        ``skill_a`` < ``skill_b`` by matcher index), over every segment."""
        if not self.pairs:
            return pl.DataFrame(schema={"skill_a": pl.String, "skill_b": pl.String,
                                        "period": pl.Date, "postings": pl.Int64})
        self._compact()
        names = pl.Series("name", skills, dtype=pl.String)
        p = self.pairs[0]
        return pl.DataFrame({"skill_a": names.gather(p["a"]), "skill_b": names.gather(p["b"]),
                             "period": p["period"], "postings": p["postings"].cast(pl.Int64)})

    def frame(self, skills: list[str], source: str) -> pl.DataFrame:
        keys = ["period", *_SEGMENT]
        schema = {"skill": pl.String, "period": pl.Date, "value": pl.Float64, "total": pl.Float64,
                  "source": pl.String, "region": pl.String, "occupation": pl.String,
                  "measure": pl.String}
        if not self.totals:
            return pl.DataFrame(schema=schema)
        self._compact()
        totals, counts = self.totals[0], self.counts[0]
        per_segment = counts.select([*_SEGMENT, "skill"]).unique()
        dense = (totals.join(per_segment, on=list(_SEGMENT), how="inner")
                 .join(counts, on=[*keys, "skill"], how="left")
                 .with_columns(pl.col("value").fill_null(0)))
        names = pl.Series("name", skills, dtype=pl.String)
        dense = dense.with_columns(names.gather(dense["skill"]).alias("skill"))
        market = totals.with_columns(pl.lit(MARKET_SKILL).alias("skill"), pl.col("total").alias("value"))
        cols = ["skill", *keys, "value", "total"]
        out = pl.concat([dense.select(cols).with_columns(pl.col("value").cast(pl.Float64),
                                                         pl.col("total").cast(pl.Float64)),
                         market.select(cols).with_columns(pl.col("value").cast(pl.Float64),
                                                          pl.col("total").cast(pl.Float64))])
        return (out.with_columns(pl.lit(source).alias("source"), pl.lit("count").alias("measure"),
                                 pl.col("value").cast(pl.Float64), pl.col("total").cast(pl.Float64))
                .select(list(schema)).sort(["skill", *_SEGMENT, "period"]))


def _co_mentions(periods: pl.Series, found: list[list[int]]) -> pl.DataFrame:
    """Per month, the postings mentioning each pair of skills (``a`` < ``b``), vectorised by the
    number of skills a posting mentions (at most ``MAX_PAIR_SKILLS`` of each posting's skills
    pair up: a posting listing 60 skills says little about which go together)."""
    parts: list[pl.DataFrame] = []
    lengths = np.fromiter((min(len(f), MAX_PAIR_SKILLS) for f in found), dtype=np.int64,
                          count=len(found))
    for k in np.unique(lengths[lengths >= 2]).tolist():
        rows = np.flatnonzero(lengths == k)
        ids = np.array([sorted(found[r])[:k] for r in rows], dtype=np.int64)
        i, j = np.triu_indices(k, 1)
        parts.append(pl.DataFrame({"period": periods.gather(np.repeat(rows, i.size)),
                                   "a": ids[:, i].ravel(), "b": ids[:, j].ravel()}))
    if not parts:
        return pl.DataFrame(schema={"period": pl.Date, "a": pl.Int64, "b": pl.Int64,
                                    "postings": pl.UInt32})
    return pl.concat(parts).group_by("period", "a", "b").len("postings")


def store_co_mentions(con: duckdb.DuckDBPyConnection, pairs: pl.DataFrame) -> int:
    """Upsert monthly co-mention counts (``skill_pair``; the latest file wins for a month and
    pair, like observations). Returns the rows written."""
    if pairs.height == 0:
        return 0
    with registered(con, "tmp_pair", pairs):
        execute(con, "ingest_skill_pair_upsert")
    return pairs.height


# ---------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=2)
def _matcher(triples: tuple[tuple[str, str, str], ...]) -> Matcher:
    return Matcher(triples)


def extract_part(triples: tuple[tuple[str, str, str], ...], texts: list[str]) -> list[list[int]]:
    """Skills found in each text (indices into ``Matcher(triples).skills``): the work a Dask
    worker does for ``--engine dask`` (one matcher per worker process, built on first use)."""
    return _matcher(triples).extract_many(texts)


class _Extractor:
    """Runs the matcher in this process or, for big files, in a pool of worker processes."""

    def __init__(self, triples: list[tuple[str, str, str]], jobs: int) -> None:
        self.matcher = Matcher(triples)
        self.pool = None
        self.jobs = jobs
        if jobs > 1:
            self.pool = process_pool(jobs, initializer=init_worker, initargs=(triples,),
                                     preload=("skillpulse.data.extract",))

    def submit(self, texts: list[str]) -> list[Any]:
        """Futures of the parts' matches (in this process: one already-computed part)."""
        if self.pool is None:
            done: cf.Future[list[list[int]]] = cf.Future()
            done.set_result(self.matcher.extract_many(texts))
            return [done]
        step = max(1, -(-len(texts) // (self.jobs * 2)))
        return [self.pool.submit(worker_extract, texts[i:i + step]) for i in range(0, len(texts), step)]

    @staticmethod
    def result(handle: list[Any]) -> list[list[int]]:
        return [r for part in handle for r in part.result()]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()


class _DaskExtractor(_Extractor):
    """Sends each chunk's texts, split in parts, to the workers of a Dask cluster; the chunks'
    order and so every count are those of the local path."""

    def __init__(self, triples: list[tuple[str, str, str]], client: Any) -> None:
        super().__init__(triples, jobs=1)
        self.client = client
        # one copy per worker, not one per part (a list of one: scatter spreads collections)
        self.triples = client.scatter([tuple(map(tuple, triples))], broadcast=True)[0]
        self.parts = worker_count(client) * 2

    def submit(self, texts: list[str]) -> Any:
        step = max(1, -(-len(texts) // self.parts))
        return [self.client.submit(extract_part, self.triples, texts[i:i + step], pure=False)
                for i in range(0, len(texts), step)]

    def close(self) -> None:
        self.client.cancel(self.triples)


def postings_to_frame(path: str | Path, con: duckdb.DuckDBPyConnection, *, source: str | None = None,
                      progress: Progress | None = None, jobs: int | None = None,
                      chunk_rows: int = CHUNK_ROWS, client: Any = None
                      ) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Read a postings file and count monthly skill mentions per segment (see module docstring).

    ``con`` is an open connection (normally inside ``store.write``): the taxonomy is read from it
    and seeded with the project's when the store has no skills. ``jobs`` worker processes extract
    skills (default: 2 on a multi-core machine for files over 32 MB, else in-process); with a
    Dask ``client`` (``--engine dask``) the cluster's workers extract them instead. Reading,
    de-duplication and counting stay here, so the counts are the same whoever extracts.
    ``progress`` is called with the postings read so far (the total is unknown while streaming).
    Returns ``(frame, stats)``.
    """
    path = Path(path)
    label = str(path)
    ensure_default_taxonomy(con)
    triples = db_triples(con)
    if jobs is None:
        big = path.exists() and path.stat().st_size >= PARALLEL_MIN_BYTES
        jobs = min(2, os.cpu_count() or 1) if big else 1
    chunks = read_postings(path, chunk_rows=chunk_rows)
    stats = _Stats()
    agg = _Aggregator()
    extractor = _DaskExtractor(triples, client) if client is not None else _Extractor(triples, jobs)
    try:
        pending: tuple[pl.DataFrame, Any] | None = None
        for chunk in chunks:
            df = _prepare(chunk, stats)
            handle = extractor.submit(df["_text"].to_list()) if df.height else None
            if pending is not None:
                agg.add(pending[0], extractor.result(pending[1]), stats)
            pending = (df.drop("_text"), handle) if handle is not None else None
            if progress is not None:
                progress(stats.rows, None)
        if pending is not None:
            agg.add(pending[0], extractor.result(pending[1]), stats)
    finally:
        extractor.close()
    if stats.rows and stats.skipped_bad_date > MAX_BAD_DATE_SHARE * stats.rows:
        raise InputError(f"{stats.skipped_bad_date:,} of {stats.rows:,} postings have a missing or "
                         "unparseable date; expected YYYY-MM-DD, an ISO date-time or YYYY-MM",
                         file=label, row=stats.first_bad_date_row, column="posted_at")
    if stats.postings == 0:
        raise InputError("no usable postings (every row was empty, a duplicate or undated)",
                         file=label)
    frame = agg.frame(extractor.matcher.skills, source or "postings")
    edges = incomplete_edge_months(stats.days)
    frame, extra = _drop_months(frame, edges)
    pairs = agg.pair_frame(extractor.matcher.skills)
    dropped = pl.Series([m for m, _ in edges], dtype=pl.Date).implode()
    store_co_mentions(con, pairs.filter(~pl.col("period").is_in(dropped)))
    n_skills = frame.filter(pl.col("skill") != MARKET_SKILL)["skill"].n_unique()
    return frame, {**stats.report(n_skills, frame["period"].n_unique()), **extra}


def incomplete_edge_months(days: set[dt.date]) -> list[tuple[dt.date, str]]:
    """The first/last month of the postings when it is incomplete (see the module docstring):
    ``(first of month, "postings through 2024-01-05")`` pairs, in date order."""
    if not days:
        return []
    ordered = sorted(days)
    first, last = ordered[0], ordered[-1]
    months = sorted({d.replace(day=1) for d in ordered})
    if len(months) < 2:
        return []

    def month_end(m: dt.date) -> dt.date:
        return m.replace(day=calendar.monthrange(m.year, m.month)[1])

    def daily_elsewhere(month: dt.date) -> bool:
        """Postings on most days of the data's span outside ``month`` (at least a month of it)."""
        covered = active = 0
        for m in months:
            if m == month:
                continue
            lo, hi = max(m, first), min(month_end(m), last)
            covered += (hi - lo).days + 1
        active = sum(1 for d in ordered if d.replace(day=1) != month)
        return covered >= MIN_REFERENCE_DAYS and active >= ACTIVE_DAY_SHARE * covered

    out: list[tuple[dt.date, str]] = []
    if first.day > 1 + EDGE_SLACK_DAYS and daily_elsewhere(months[0]):
        out.append((months[0], f"postings from {first.isoformat()}"))
    if last < month_end(last) - dt.timedelta(days=EDGE_SLACK_DAYS) and daily_elsewhere(months[-1]):
        out.append((months[-1], f"postings through {last.isoformat()}"))
    return out


def _drop_months(frame: pl.DataFrame, edges: list[tuple[dt.date, str]]
                 ) -> tuple[pl.DataFrame, dict[str, Any]]:
    """Remove incomplete edge months from counts, totals and the market series; a note."""
    if not edges:
        return frame, {}
    drop = pl.col("period").is_in(pl.Series([m for m, _ in edges], dtype=pl.Date).implode())
    dropped = int(frame.filter(drop & (pl.col("skill") == MARKET_SKILL))["value"].sum())
    note = "; ".join(f"dropped incomplete month {m:%Y-%m} ({why})" for m, why in edges)
    return frame.filter(~drop), {"incomplete_month_postings": dropped, "note": note}


def extract_file(path: str | Path, triples: list[tuple[str, str, str]], *,
                 chunk_rows: int = CHUNK_ROWS) -> pl.DataFrame:
    """``id, skill``: one row per (posting, skill found), in file order (no de-duplication).

    Only ``id`` and a text column (``description`` and/or ``title``) are required; ``posted_at``
    and the segment columns are not used here. A row without an id is named by its row number.
    """
    matcher = Matcher(triples)
    ids: list[str] = []
    skills: list[str] = []
    for chunk in read_postings(path, chunk_rows=chunk_rows, required=EXTRACT_REQUIRED):
        df = chunk.with_columns(
            pl.coalesce(pl.col("id"), pl.col("_row").cast(pl.String)).alias("id"),
            (pl.col("title").fill_null("").str.slice(0, MAX_FIELD_CHARS) + "\n"
             + pl.col("description").fill_null("").str.slice(0, MAX_FIELD_CHARS)).alias("_text"))
        for pid, found in zip(df["id"].to_list(), matcher.extract_many(df["_text"].to_list()),
                              strict=True):
            for k in found:
                ids.append(pid)
                skills.append(matcher.skills[k])
    return pl.DataFrame({"id": ids, "skill": skills}, schema={"id": pl.String, "skill": pl.String})

