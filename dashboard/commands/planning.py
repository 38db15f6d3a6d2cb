"""``skillpulse catalogue`` and ``skillpulse gaps``: L&D triage and skill-gap plans from the outlook.

The use cases are ``skillpulse.services.planning`` (the ``/catalogue`` and ``/gaps`` pages call
them too); this module only turns their results into files and messages.
"""
from __future__ import annotations

import click
from skillpulse.dashboard.commands.common import db_option, output_options
from skillpulse.data.tables import write_table
from skillpulse.models.planning import CATALOGUE_COLUMNS, GAP_COLUMNS
from skillpulse.services import planning


def _report_unmatched(names: list[str], path: str) -> None:
    if names:
        shown = ", ".join(f"'{n}'" for n in names[:20]) + (" …" if len(names) > 20 else "")
        click.echo(f"warning: {path}: {len(names)} skill name(s) not in the taxonomy (ignored; "
                   f"add them with 'skillpulse taxonomy import'): {shown}", err=True)


def _run_file(path: str, db: str, run):  # type: ignore[no-untyped-def]
    """The use case ``run`` on ``path`` against the live database; unmatched skills reported."""
    result = planning.run_file(db, path, run)
    _report_unmatched(result.unmatched, path)
    return result


@click.command("catalogue")
@click.argument("courses", type=click.Path(dir_okay=False))
@db_option
@output_options
def catalogue_cmd(courses: str, db: str, out: str | None, fmt: str | None) -> None:
    """Triage a course catalogue: retire, refresh, keep, and build for untaught rising skills.

    \b
    COURSES is CSV or Parquet with columns course_id, title, skills ('|'-separated names or
    aliases, matched case-insensitively) and optional hours, provider, last_updated.
    Output columns: course_id, title, action, score, reason — ranked by score =
    expected demand change behind the action × confidence (see models/planning.py).
    A course is 'retire' when most of its skills are declining or obsolescent, 'refresh' when
    some are, or when a rising skill of the same category is not taught and the course was not
    updated in the last 24 months; 'build' rows name rising skills no course teaches. A
    declining skill still among the run's top quarter by postings a month at the forecast
    horizon does not count as declining here: its course is kept.

    \b
    Example:
      skillpulse catalogue demo_courses.csv --db demo.duckdb --out triage.csv
    """
    result = _run_file(courses, db, planning.triage)
    table = result.table.select(CATALOGUE_COLUMNS)
    write_table(table, out, fmt)
    if out not in (None, "-"):
        counts = table.group_by("action").len().sort("action")
        summary = ", ".join(f"{a} {n}" for a, n in counts.iter_rows())
        click.echo(f"wrote {table.height} rows to {out} ({summary})", err=True)


@click.command("gaps")
@click.argument("inventory", type=click.Path(dir_okay=False))
@db_option
@output_options
def gaps_cmd(inventory: str, db: str, out: str | None, fmt: str | None) -> None:
    """Plan skill gaps: what each person should acquire, deepen or retire.

    \b
    INVENTORY is CSV or Parquet with columns person (or role/team), skill, optional
    proficiency (1 novice … 5 expert) and team. Output columns: person, skill, kind, priority,
    reason, with kind acquire (rising skills in the categories the person works in), deepen
    (rising skills held at proficiency <= 2) or retire (held skills that are declining or
    obsolescent, unless still among the run's top quarter by postings a month at the forecast
    horizon). Team view, breadth-vs-depth and development plans are on the /gaps page.

    \b
    Example:
      skillpulse gaps demo_inventory.csv --db demo.duckdb --out gaps.csv
    """
    result = _run_file(inventory, db, planning.plan)
    table = result.plan.rows.select(GAP_COLUMNS)
    write_table(table, out, fmt)
    if out not in (None, "-"):
        click.echo(f"wrote {table.height} rows to {out} for "
                   f"{result.plan.people.height} people", err=True)
