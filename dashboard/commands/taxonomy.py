"""CLI: ``skillpulse taxonomy import`` (merge a taxonomy into the database)."""
from __future__ import annotations

import click
from skillpulse.dashboard.commands.common import db_option
from skillpulse.data import store
from skillpulse.data.taxonomy_io import import_taxonomy, read_taxonomy


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
    Imported categories replace stored ones, except O*NET commodity titles: they only
    categorise skills new to the database. Postings ingested later are matched against the
    stored taxonomy (the project taxonomy is only seeded into an empty database).

    \b
    Examples:
      skillpulse taxonomy import my_skills.csv --db skills.duckdb
      skillpulse taxonomy import "Technology Skills.txt" --db skills.duckdb
    """
    df, kind = read_taxonomy(file)
    with store.write(db) as con:
        summary = import_taxonomy(con, df, file, keep_categories=kind == "onet")
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
