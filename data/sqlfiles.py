"""Load SQL statements by name from the ``sql`` package (``sql/<name>.sql``)."""
from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def load_sql(name: str) -> str:
    """Return the text of ``sql/<name>.sql``; ``name`` may contain ``/`` for sub-folders."""
    ref = resources.files("skillpulse.sql")
    for part in name.split("/")[:-1]:
        ref = ref / part
    return (ref / f"{name.rsplit('/', maxsplit=1)[-1]}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[int, str]]:
    """All migrations as (version, sql), ascending by version (file names ``NNN_title.sql``)."""
    folder = resources.files("skillpulse.sql") / "migrations"
    out: list[tuple[int, str]] = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql") and entry.name[:3].isdigit():
            out.append((int(entry.name[:3]), entry.read_text(encoding="utf-8")))
    return sorted(out)
