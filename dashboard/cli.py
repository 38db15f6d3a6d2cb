"""The ``skillpulse`` command line: one click group; errors users can act on exit 2, bugs exit 1."""
from __future__ import annotations

import contextlib
import importlib
import os
import sys
from typing import Any

import click
from skillpulse.data.errors import SkillpulseError, is_broken_pipe

# command name -> (module, attribute). Modules import on first use, so `skillpulse ingest` does
# not pay for Dash, and one command's import problem cannot take the others down.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("skillpulse.dashboard.commands.demo", "demo_cmd"),
    "ingest": ("skillpulse.dashboard.commands.ingest", "ingest_cmd"),
    "forecast": ("skillpulse.dashboard.commands.forecast", "forecast_cmd"),
    "export": ("skillpulse.dashboard.commands.export", "export_cmd"),
    "serve": ("skillpulse.dashboard.commands.serve", "serve_cmd"),
    "taxonomy": ("skillpulse.dashboard.commands.taxonomy", "taxonomy_group"),
    "extract": ("skillpulse.dashboard.commands.extract", "extract_cmd"),
    "catalogue": ("skillpulse.dashboard.commands.planning", "catalogue_cmd"),
    "gaps": ("skillpulse.dashboard.commands.planning", "gaps_cmd"),
    "changes": ("skillpulse.dashboard.commands.changes", "changes_cmd"),
    "alerts": ("skillpulse.dashboard.commands.alerts", "alerts_cmd"),
    "report": ("skillpulse.dashboard.commands.report", "report_cmd"),
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported when first needed."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attr = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except OSError as exc:  # click itself would exit 1 on a closed pipe
            if is_broken_pipe(exc):
                raise OutputClosed from exc
            raise


class OutputClosed(Exception):
    """The reader of standard output went away; not an OSError, so click lets it through."""


@click.group(cls=LazyGroup,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="skillpulse")
def cli() -> None:
    """skillpulse: which microcompetencies are gaining demand and which are decaying.

    \b
    Typical session:
      skillpulse demo --no-serve --db demo.duckdb        # build the demo database offline
      skillpulse ingest terms.csv --db skills.duckdb     # load your own series (CSV/Parquet)
      skillpulse forecast --db skills.duckdb             # forecast, backtest, classify every skill
      skillpulse export outlook --db skills.duckdb --out outlook.csv
      skillpulse serve --db skills.duckdb                # the dashboard on http://127.0.0.1:8050

    --db defaults to $SKILLPULSE_DB, else skillpulse.duckdb in the working directory.
    Exit codes: 0 ok, 2 bad usage or bad input (the message names file, row and column), 1 internal error.
    A reader closing the pipe early (| head) ends a command quietly with 0.
    """


def stop_quietly_on_closed_pipe() -> None:
    """The reader of standard output went away (``skillpulse export series | head -1``): that is
    how pipes end, not an error. Stop with exit 0 and no message (like ``git log | head``; the
    contract's exit codes are 0, 1 and 2). Standard output now points at /dev/null, so Python's
    flush at exit does not report the closed pipe again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    sys.exit(0)


def main(argv: list[str] | None = None) -> Any:
    """Console entry point: turn typed errors into one sentence and exit code 2."""
    try:
        return cli.main(args=argv, prog_name="skillpulse", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SkillpulseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; nothing was changed", err=True)
        sys.exit(130)
    except (OutputClosed, BrokenPipeError):
        stop_quietly_on_closed_pipe()
    except Exception as exc:  # a bug: say so briefly; the traceback only on request
        if "--debug" in sys.argv or (sys.argv and os.environ.get("SKILLPULSE_DEBUG")):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} "
                   "(set SKILLPULSE_DEBUG=1 for the traceback)", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
