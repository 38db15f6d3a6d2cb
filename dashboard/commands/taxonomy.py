"""CLI: ``skillpulse taxonomy import`` (merge a taxonomy) and ``skillpulse extract`` (skills per posting)."""
from __future__ import annotations

from pathlib import Path

import click
from skillpulse.dashboard.commands.common import db_option, output_options
from skillpulse.data import store
from skillpulse.data.errors import UsageError
from skillpulse.data.postings import extract_file
from skillpulse.data.settings import Settings, get_settings
from skillpulse.data.tables import write_table
from skillpulse.data.taxonomy_io import db_triples, import_taxonomy, project_taxonomy, read_taxonomy, triples


@click.group("taxonomy")
def taxonomy_group() -> None:
    """Manage the skills taxonomy (skills, categories and aliases) stored in the database."""


@taxonomy_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
def import_cmd(file: str, db: str) -> None:
    """Merge a taxonomy FILE into the database, in one atomic write.

    \b
    FILE is either
      a skills CSV   columns skill, category, aliases (| separated), optional description
      an O*NET TSV   "Technology Skills.txt": skill = Example, category = Commodity Title
    The format is detected from the header.

    \b
    Rules: within FILE, a skill listed twice or an alias naming two skills is an error (file,
    row, column), and nothing is written. Against the database the import order does not
    matter: names are compared ignoring case, spaces and punctuation ("Objective-C" =
    "Objective C"; C, C++ and C# stay apart); a skill whose name or alias is already a name or
    alias of a stored skill is merged into that skill (its name becomes an alias there); an
    alias that already names another stored skill stays with that skill. Merges and kept
    aliases are listed.
    Imported categories replace stored ones. Postings ingested later are matched against the
    stored taxonomy (the project taxonomy is only seeded into an empty database).

    \b
    Examples:
      skillpulse taxonomy import my_skills.csv --db skills.duckdb
      skillpulse taxonomy import "Technology Skills.txt" --db skills.duckdb
    """
    df, kind = read_taxonomy(file)
    with store.write(db) as con:
        summary = import_taxonomy(con, df, file)
    label = "O*NET Technology Skills" if kind == "onet" else "skills CSV"
    click.echo(f"imported {summary['skills']:,} skills from {file} ({label}): {summary['new']:,} new, "
               f"{summary['updated']:,} updated, {summary['merged']:,} merged into existing skills "
               f"through aliases; {summary['aliases']:,} aliases, {summary['categories']:,} categories")
    if summary["merges"]:
        click.echo("merged: " + _listing([f"'{name}' into '{into}' ({why})"
                                          for name, into, why in summary["merges"]]))
    if summary["kept_aliases"]:
        click.echo("aliases kept by the stored skill that already had them: " + _listing(
            [f"'{alias}' stays with '{owner}' (not '{name}')"
             for alias, owner, name in summary["kept_aliases"]]))


def _listing(items: list[str], limit: int = 10) -> str:
    more = f"; and {len(items) - limit:,} more" if len(items) > limit else ""
    return "; ".join(items[:limit]) + more


@click.command("extract")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--db", "db", type=click.Path(dir_okay=False), default=None,
              help="Use the taxonomy stored in this database. Default: $SKILLPULSE_DB when it is "
                   "set and the database exists, else the project taxonomy.")
@click.option("--taxonomy", "taxonomy", type=click.Path(dir_okay=False), default=None,
              help="Use this taxonomy file (skills CSV or O*NET TSV) instead.")
@output_options
def extract_cmd(file: str, db: str | None, taxonomy: str | None, out: str | None,
                fmt: str | None) -> None:
    """Skills found in each job posting of FILE: columns id, skill (one row per posting and skill).

    \b
    FILE: CSV, Parquet or JSON Lines with an id column and a text column: description
    and/or title (posted_at and other columns may be present and are not used).

    \b
    Taxonomy: --taxonomy FILE, else the database --db PATH, else the database named by
    $SKILLPULSE_DB when that variable is set and the database exists, else the project
    taxonomy (also used when the database holds no skills).

    Matching is case-insensitive and word-bounded, the longest name wins ("React Native" is
    not also "React"), HTML and boilerplate (benefits, about us, equal-opportunity statements)
    are ignored, ambiguous short names (C, R, Go, Swift, Excel…) need their capitalisation and
    technical context, and English phrases built on them ("Go to the office", "Excel at",
    "Rust belt", "Head Chef") never count.

    \b
    Examples:
      skillpulse extract postings.csv --out skills.csv
      skillpulse extract postings.jsonl --taxonomy my_skills.csv
      skillpulse extract postings.parquet --db skills.duckdb --as json
    """
    if db and taxonomy:
        raise UsageError("give either --db or --taxonomy, not both")
    if taxonomy:
        tri = triples(read_taxonomy(taxonomy)[0])
    else:
        db = db or _env_db()
        tri = _db_triples(db) if db else []
        if not tri:
            tri = triples(project_taxonomy())
    df = extract_file(file, tri)
    write_table(df, out, fmt)
    if out not in (None, "-"):
        click.echo(f"wrote {df.height:,} rows ({df['id'].n_unique():,} postings with skills) to {out}",
                   err=True)


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
