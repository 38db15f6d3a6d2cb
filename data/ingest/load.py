"""Write one ingest frame into an open ``store.write`` connection (inside its transaction).

Fast path for millions of rows: string work happens on distinct series only. Each row gets a
64-bit hash of its series key (plus a second, independent one that proves there is no collision);
the distinct series are resolved to skills and series ids in DuckDB, mapped back by an integer
join, and the observations go in as one Arrow ``INSERT … SELECT``. "Latest batch wins": stored
values for the same (series, month) are deleted first (only when the file touches series that
already existed).
"""
from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import polars as pl
from skillpulse.data.errors import InputError
from skillpulse.data.guards import clean_names, first_absurd, first_invisible, shown
from skillpulse.data.ingest.frame import FRAME_COLUMNS, MEASURES
from skillpulse.data.ingest.monthly import SERIES_KEYS
from skillpulse.data.skills import resolve_names, upsert_taxonomy
from skillpulse.data.store import MARKET_CATEGORY, MARKET_SKILL, execute, query

_HASH_SEED = 7_2024
GRID_MAX_CELLS = 1 << 24  # dense duplicate check up to 16 M cells (128 MB of counts at most)


def already_ingested(con: duckdb.DuckDBPyConnection, sha256: str) -> bool:
    """Whether a file with this content hash has been ingested before."""
    return query(con, "ingest_batch_find", sha256=sha256).height > 0


def known_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    return set(query(con, "ingest_batch_hashes")["sha256"].to_list())


def _registered(con: duckdb.DuckDBPyConnection, name: str, df: pl.DataFrame) -> Any:
    con.register(name, df.to_arrow())
    return name


def _normalise(frame: pl.DataFrame, source_file: str) -> pl.DataFrame:
    """Coerce the frame to the contract's types; cheap when it already conforms (the usual case)."""
    missing = [c for c in FRAME_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"ingest frame lacks columns {missing}")
    measures = frame.select(pl.col("measure").unique().cast(pl.String)).to_series().to_list()
    bad = [m for m in measures if m not in MEASURES]
    if bad:
        raise InputError(f"measure '{bad[0]}' is not one of {', '.join(MEASURES)}",
                         file=source_file, column="measure")
    wanted: dict[str, pl.DataType] = {
        "skill": pl.String(), "period": pl.Date(), "value": pl.Float64(), "total": pl.Float64(),
        "source": pl.String(), "region": pl.String(), "occupation": pl.String(),
        "measure": pl.String(), "_row": pl.Int64()}
    exprs = []
    for name, dtype in wanted.items():
        if name not in frame.columns:
            continue
        col = pl.col(name)
        if frame.schema[name] != dtype:
            col = col.cast(dtype)
        if name in ("source", "region", "occupation") and frame.select(pl.col(name).null_count()).item():
            col = col.fill_null("")
        exprs.append(col)
    out = frame.select(exprs)
    if (out["period"].unique().dt.day() != 1).any():  # few distinct periods: check those
        out = out.with_columns(pl.col("period").dt.month_start())
    if out["period"].null_count():
        raise InputError("a period is missing; every observation needs a month", file=source_file,
                         column="period")
    value = out["value"]
    if value.null_count() or value.is_nan().any() or value.is_infinite().any() or (value < 0).any():
        raise InputError("values must be finite numbers ≥ 0 (found a missing, NaN, infinite or "
                         "negative value)", file=source_file, column="value")
    return out


def _refuse_absurd(f: pl.DataFrame, source_file: str) -> None:
    """A value beyond the modelling scale (``data.guards.first_absurd``, per series) is an error."""
    absurd = first_absurd(f, ["_key", "_key2"])
    if absurd is not None:
        idx, reason = absurd
        raise InputError(f"value {reason} (skill '{f['skill'][idx]}', {f['period'][idx]:%Y-%m})",
                         file=source_file, row=_row_at(f, idx), column="value")


def _row_at(frame: pl.DataFrame, index: int) -> int | None:
    """The spreadsheet row of frame row ``index``, when the adapter recorded it."""
    row = frame["_row"][index] if "_row" in frame.columns else None
    return None if row is None else int(row)


def _with_series_key(f: pl.DataFrame) -> pl.DataFrame:
    """Add ``_key``/``_key2``: two independent 64-bit hashes of the non-constant series columns.

    ``_key`` identifies a series; ``_key2`` proves it: if two different series shared a ``_key``,
    their ``_key2`` would differ too (see ``_series_table``), so distinct series are found on
    integers rather than strings, and exactly.
    """
    same = f.select([(pl.col(c) == pl.col(c).first()).all().alias(c) for c in SERIES_KEYS]).row(0)
    varying = [c for c, constant in zip(SERIES_KEYS, same, strict=True) if not constant] or ["measure"]
    key = pl.struct(varying)
    return f.with_columns(key.hash(seed=_HASH_SEED).alias("_key"),
                          key.hash(seed=_HASH_SEED + 1).alias("_key2"))


def _series_table(con: duckdb.DuckDBPyConnection, f: pl.DataFrame, source_file: str) -> pl.DataFrame:
    """Distinct series of ``f`` → ``_key, _key2, series_id, skill_id, existed`` + series columns."""
    # one row per key: pick the rows first (integers), then copy only their strings
    distinct = f.filter(pl.col("_key").is_first_distinct()).select([*SERIES_KEYS, "_key", "_key2"])
    bad = first_invisible(clean_names(distinct["skill"]))
    if bad is not None:
        raise InputError(f"skill name '{shown(distinct['skill'][bad])}' has no visible character",
                         file=source_file, column="skill")
    if distinct["skill"].str.to_lowercase().str.strip_chars().eq(MARKET_SKILL.lower()).any():
        upsert_taxonomy(con, pl.DataFrame({"name": [MARKET_SKILL], "category": [MARKET_CATEGORY]}))
    resolved = resolve_names(con, distinct["skill"])
    series = distinct.join(resolved.rename({"name": "skill"}), on="skill", how="left")
    staged = series.select(pl.col("_key").alias("series_key"), "skill_id", "source", "region",
                           "occupation", "measure")
    _registered(con, "tmp_series", staged)
    try:
        before = query(con, "ingest_series_ids")
        execute(con, "ingest_series_insert")
        after = query(con, "ingest_series_ids")
    finally:
        con.unregister("tmp_series")
    existed = before.filter(pl.col("series_id").is_not_null()).select("series_key")
    ids = after.with_columns(pl.col("series_key").is_in(existed["series_key"].implode()).alias("existed"))
    return series.join(ids.rename({"series_key": "_key"}), on="_key", how="left")


def _attach_series(f: pl.DataFrame, series: pl.DataFrame) -> pl.DataFrame:
    """Each row's ``series_id``; fails loudly if two different series hashed to one ``_key``."""
    # File order is kept (same cost here) so "first given on row N" names the earlier row.
    out = f.join(series.select("_key", pl.col("_key2").alias("_rep2"), "series_id"), on="_key",
                 how="left", maintain_order="left")
    if not bool((out["_key2"] == out["_rep2"]).all()):
        raise RuntimeError("64-bit series key collision; ingest this file again")
    return out


MERGES = ("max", "sum", "mean")


def ingest_frame(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, *, source_file: str,
                 sha256: str, fmt: str, merge: str | None = None,
                 replaced: dict[int, int] | None = None) -> dict[str, int]:
    """Store a monthly ingest frame as one batch; returns ``batch_id, rows, series, skills``.

    ``frame``: ``skill, period (Date, first of month), value, total, source, region, occupation,
    measure`` and optionally ``_row`` (spreadsheet rows, for error messages). Unknown skills are
    created (category ``uncategorised``); names resolve through aliases case-insensitively. A
    (series, month) given twice — also via two names of one skill — is an ``InputError``, unless
    ``merge`` (``max``, ``sum`` or ``mean``) says how to combine such rows (``total``: the max).
    ``replaced``, when given, is filled with ``{earlier batch_id: number of its stored values
    this batch replaced}``.
    """
    f = _with_series_key(_normalise(frame, source_file))
    _refuse_absurd(f, source_file)
    series = _series_table(con, f, source_file)
    f = _attach_series(f, series)
    if _has_duplicates(f):
        if merge is None:
            _raise_duplicate(f, source_file)
        if merge not in MERGES:
            raise ValueError(f"merge must be one of {MERGES}, not {merge!r}")
        f = f.group_by("series_id", "period", maintain_order=True).agg(
            getattr(pl.col("value"), merge)(), pl.col("total").max())
    obs = f.select(pl.col("series_id").cast(pl.Int32), "period", "value", "total")
    batch = query(con, "ingest_batch_insert", source_file=source_file, sha256=sha256, format=fmt,
                  rows=obs.height)
    batch_id = int(batch["batch_id"][0])
    _registered(con, "tmp_obs", obs)
    try:
        if series["existed"].any():
            if replaced is not None:
                earlier = query(con, "ingest_observation_replaced")
                replaced.update(zip(earlier["batch_id"].to_list(), earlier["n"].to_list(),
                                    strict=True))
            execute(con, "ingest_observation_delete")
        execute(con, "ingest_observation_insert", batch_id=batch_id)
    finally:
        con.unregister("tmp_obs")
    return {"batch_id": batch_id, "rows": obs.height, "series": int(series["series_id"].n_unique()),
            "skills": int(series["skill_id"].n_unique())}


def _series_period_key(f: pl.DataFrame) -> pl.Series:
    key = pl.col("series_id").cast(pl.Int64) * (1 << 32) + pl.col("period").cast(pl.Int32).cast(pl.Int64)
    return f.select(key.alias("k")).to_series()


def _has_duplicates(f: pl.DataFrame) -> bool:
    """Whether some series has a month twice.

    Fast path: every (series, month) gets a cell of a dense grid — series id offset × month
    bucket, where the bucket ``(day − first day) // 28`` is exact because first-of-month dates
    are at least 28 days apart — and one ``bincount`` counts them. Sparse grids (very many
    series or a very long span) fall back to per-series distinct months."""
    if f.height == 0:
        return False
    sid = f["series_id"].cast(pl.Int64)
    day = f["period"].to_physical().cast(pl.Int64)
    s_lo, s_hi = sid.min(), sid.max()
    d_lo, d_hi = day.min(), day.max()
    assert isinstance(s_lo, int) and isinstance(s_hi, int)
    assert isinstance(d_lo, int) and isinstance(d_hi, int)
    buckets = (d_hi - d_lo) // 28 + 1
    cells = (s_hi - s_lo + 1) * buckets
    if cells <= max(4 * f.height, 1 << 20) and cells <= GRID_MAX_CELLS:
        flat = (sid - s_lo) * buckets + (day - d_lo) // 28
        return bool(np.bincount(flat.to_numpy(), minlength=cells).max() > 1)
    per_series = f.group_by("series_id").agg(pl.col("period").n_unique().alias("months"), pl.len())
    return bool((per_series["months"] != per_series["len"]).any())


def _raise_duplicate(f: pl.DataFrame, source_file: str) -> None:
    keys = _series_period_key(f)
    repeat = ~keys.is_first_distinct()
    idx = int(repeat.arg_max())  # type: ignore[arg-type]
    earlier = int((keys == keys[idx]).arg_max())  # type: ignore[arg-type]
    rec, first = f.row(idx, named=True), f.row(earlier, named=True)
    same_name = rec["skill"] == first["skill"]
    names = (f"skill '{rec['skill']}'" if same_name
             else f"skill '{rec['skill']}' (the same skill as '{first['skill']}' on "
                  f"{'row ' + str(first['_row']) if first.get('_row') else 'another row'})")
    segment = ", ".join(f"{k} '{rec[k]}'" for k in ("source", "region", "occupation") if rec[k])
    segment = f" ({segment})" if segment else ""
    where = f" (first given on row {first['_row']})" if same_name and first.get("_row") else ""
    raise InputError(f"repeats {names}{segment} for the month {rec['period']:%Y-%m}{where}; "
                     "each series may have one value per month", file=source_file,
                     row=rec.get("_row"), column="period")


def add_aliases(con: duckdb.DuckDBPyConnection, aliases: pl.DataFrame) -> int:
    """Add ``name, aliases`` (``|``-separated) to the taxonomy without stealing existing aliases.

    Each name resolves (or is created) first; an alias that already means another skill keeps its
    meaning. Returns the number of aliases added.
    """
    if aliases.height == 0:
        return 0
    pairs = (aliases.select("name", pl.col("aliases").str.split("|").alias("alias"))
             .explode("alias").with_columns(pl.col("alias").str.strip_chars())
             .filter(pl.col("alias") != ""))
    owners = resolve_names(con, aliases["name"]).rename({"name": "name", "skill_id": "skill_id"})
    taken = resolve_names(con, pairs["alias"], create=False).rename({"name": "alias", "skill_id": "taken"})
    new = (pairs.join(owners, on="name", how="left").join(taken, on="alias", how="left")
           .filter(pl.col("taken").is_null()))
    if new.height == 0:
        return 0
    _registered(con, "tmp_ids", new.select("skill_id").unique())
    try:
        canonical = query(con, "ingest_skill_names")
    finally:
        con.unregister("tmp_ids")
    merged = (new.join(canonical.rename({"name": "canonical"}), on="skill_id", how="left")
              .group_by("canonical", maintain_order=True)
              .agg(pl.col("alias").unique(maintain_order=True).str.join("|").alias("aliases"))
              .rename({"canonical": "name"})
              .with_columns(pl.lit(None, dtype=pl.String).alias("category")))
    upsert_taxonomy(con, merged)
    return new.height
