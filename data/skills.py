"""Skill identity: merge a taxonomy into the store and resolve user-given names through aliases.

Names are unique case-insensitively; every skill's own name is also one of its aliases. Names and
aliases are stored and matched in their clean form (``data.guards.clean_name``: NFKC, no
zero-width or bidi controls), so a look-alike spelling is the same skill, never a new one. Names that
a file uses but the taxonomy lacks are added with category ``uncategorised`` (never dropped).
"""
from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
from skillpulse.data.guards import clean_names
from skillpulse.data.store import execute, query, registered

DEFAULT_TAXONOMY = Path(__file__).parent / "taxonomy" / "skills.csv"


def _split_aliases(df: pl.DataFrame) -> pl.DataFrame:
    aliases = df.select(
        pl.col("name").alias("skill_name"),
        pl.col("aliases").fill_null("").str.split("|").alias("alias"),
    ).explode("alias")
    aliases = aliases.with_columns(clean_names(aliases["alias"].cast(pl.String)).alias("alias"))
    own = df.select(pl.col("name").alias("skill_name"), pl.col("name").alias("alias"))
    return pl.concat([own, aliases.filter(pl.col("alias") != "")]).unique(maintain_order=True)


def upsert_taxonomy(con: duckdb.DuckDBPyConnection, taxonomy: pl.DataFrame) -> int:
    """Merge skills (columns ``name, category`` and optional ``aliases`` ``|``-separated,
    ``description``, ``successors`` ``|``-separated names of what replaces the skill) into the
    store. Returns the number of skills given."""
    df = taxonomy
    for col in ("category", "aliases", "description", "successors"):
        if col not in df.columns:
            df = df.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    df = df.with_columns(clean_names(df["name"].cast(pl.String)).alias("name"))
    df = df.filter(pl.col("name").is_not_null() & (pl.col("name") != ""))
    df = (df.with_columns(pl.col("name").str.to_lowercase().alias("_k"))
          .unique(subset="_k", keep="first", maintain_order=True).drop("_k"))
    with registered(con, "tmp_taxonomy", df.select("name", "category", "description",
                                                   pl.col("successors").replace("", None))):
        execute(con, "skill_upsert_taxonomy")
    with registered(con, "tmp_alias", _split_aliases(df)):
        execute(con, "skill_alias_upsert")
    return df.height


def resolve_names(con: duckdb.DuckDBPyConnection, names: pl.Series, *,
                  create: bool = True, category: str = "uncategorised") -> pl.DataFrame:
    """Map each distinct name to a ``skill_id`` (alias-aware, case-insensitive).

    Returns a frame ``name, skill_id``. With ``create`` unknown names become new skills in
    ``category``; otherwise their ``skill_id`` is null.
    """
    given = names.unique(maintain_order=True).cast(pl.String)
    cleaned = clean_names(given)  # look-alikes (zero-width, full-width) resolve as their clean name
    distinct = pl.DataFrame({"name": cleaned.unique(maintain_order=True)})
    with registered(con, "tmp_names", distinct):
        resolved = query(con, "skill_resolve")
    missing = resolved.filter(pl.col("skill_id").is_null())
    if create and missing.height:
        upsert_taxonomy(con, missing.select("name").with_columns(
            pl.lit(category).alias("category")))
        with registered(con, "tmp_names", distinct):
            resolved = query(con, "skill_resolve")
    if (cleaned == given).all():
        return resolved
    return (pl.DataFrame({"name": given, "_clean": cleaned})
            .join(resolved.rename({"name": "_clean"}), on="_clean", how="left", nulls_equal=True)
            .drop("_clean"))
