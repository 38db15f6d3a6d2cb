"""Options and helpers shared by the CLI commands."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from data.settings import get_settings


def _default_db() -> str:
    return get_settings().db


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH``: defaults to $SKILLPULSE_DB, else skillpulse.duckdb in the working directory."""
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False), default=_default_db,
        show_default="$SKILLPULSE_DB or skillpulse.duckdb",
        help="DuckDB database file (a skillpulse-managed, versioned file).")(func)
