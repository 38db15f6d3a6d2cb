"""CLI: ``skillpulse extract`` (skills found per posting; the use case is ``skillpulse.services.extract``)."""
from __future__ import annotations

import click
from skillpulse.dashboard.commands.common import output_options
from skillpulse.data.tables import write_table
from skillpulse.services.extract import extract_postings


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
    df = extract_postings(file, db, taxonomy)
    write_table(df, out, fmt)
    if out not in (None, "-"):
        click.echo(f"wrote {df.height:,} rows ({df['id'].n_unique():,} postings with skills) to {out}",
                   err=True)
