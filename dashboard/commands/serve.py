"""``skillpulse serve``: the dashboard on a production WSGI server (gunicorn), read-only."""
from __future__ import annotations

from skillpulse.dashboard.threads import single_threaded_polars

single_threaded_polars()  # before polars is imported (``dashboard.threads``)

import click  # noqa: E402
from skillpulse.dashboard.commands.common import db_option  # noqa: E402


@click.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind. Keep 127.0.0.1 unless a proxy in front handles access.")
@click.option("--port", default=8050, show_default=True, type=click.IntRange(1, 65535),
              help="TCP port.")
def serve_cmd(db: str, host: str, port: int) -> None:
    """Serve the dashboard for a database (opened read-only).

    \b
    The server follows published versions: a new 'skillpulse forecast' run shows up on the next
    page load, without a restart. Stop with Ctrl+C.
    \b
    Example:
      skillpulse serve --db skills.duckdb            # http://127.0.0.1:8050
    """
    from skillpulse.dashboard.server import check_bind, run_server
    from skillpulse.data import store

    store.ensure_current(db)
    check_bind(host, port)  # a busy port or a bad host: one sentence, exit 2, no gunicorn noise
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"serving http://{shown}:{port} — Ctrl+C to stop", err=True)
    run_server(db, host=host, port=port)
