"""Options and helpers shared by the CLI commands."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
from skillpulse.data.settings import get_settings
from skillpulse.data.tables import FORMATS, format_from_path


def _default_db() -> str:
    return get_settings().db


def db_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--db PATH``: defaults to $SKILLPULSE_DB, else skillpulse.duckdb in the working directory."""
    return click.option(
        "--db", "db", type=click.Path(dir_okay=False), default=_default_db,
        show_default="$SKILLPULSE_DB or skillpulse.duckdb",
        help="DuckDB database file (a skillpulse-managed, versioned file).")(func)


def engine_options(work: str, scheduler_default: str
                   ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--engine local|dask`` (who does ``work``) and ``--scheduler ADDRESS`` (a running
    ``dask scheduler``; ``scheduler_default`` says what happens without one)."""
    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        func = click.option("--scheduler", metavar="ADDRESS", default=None,
                            help=f"With --engine dask: a running 'dask scheduler' "
                                 f"(e.g. tcp://10.0.0.5:8786). Default: {scheduler_default}.")(func)
        return click.option("--engine", type=click.Choice(["local", "dask"]), default="local",
                            show_default=True,
                            help=f"Who {work}: this machine's process pool, or Dask (needs the "
                                 "optional install skillpulse[dask]).")(func)
    return decorate


def _check_output_format(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """``--as`` against the ``--out`` suffix, before any work (whichever of the two comes last)."""
    given = {**ctx.params, str(param.name): value}
    if given.get("out") is not None and given.get("fmt") is not None:
        format_from_path(given["out"], given["fmt"])
    return value


def output_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--out FILE`` (suffix picks the format; default stdout) and ``--as csv|parquet|json``."""
    func = click.option("--as", "fmt", type=click.Choice(FORMATS), default=None,
                        callback=_check_output_format,
                        help="Output format, for stdout or an --out name without a known "
                             "suffix (a contradicting .csv/.parquet/.json suffix is an error). "
                             "Default: csv.")(func)
    return click.option(
        "--out", "out", type=click.Path(dir_okay=False), default=None,
        callback=_check_output_format,
        help="Output file; the suffix (.csv, .parquet, .json) picks the format. Default: stdout."
    )(func)
