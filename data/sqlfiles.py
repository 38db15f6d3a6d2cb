"""Load SQL statements by name from the ``sql`` package (``sql/<name>.sql``).

Every statement is read once, when this module is imported: a running process (a dashboard
worker, a long forecast) keeps using the SQL of the version it started with, even when a newer
version of the package is installed over it meanwhile — its Python and its SQL stay one version
(a statement read on first use could otherwise come from the new files and name parameters the
running code does not pass).
"""
from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable


def _read(folder: Traversable, prefix: str = "") -> dict[str, str]:
    """``relative/name`` (no ``.sql``) → text, for every ``.sql`` file under ``folder``."""
    out: dict[str, str] = {}
    for entry in folder.iterdir():
        if entry.is_dir():
            out.update(_read(entry, f"{prefix}{entry.name}/"))
        elif entry.name.endswith(".sql"):
            out[prefix + entry.name[:-4]] = entry.read_text(encoding="utf-8")
    return out


_SQL = _read(resources.files("skillpulse.sql"))


def load_sql(name: str) -> str:
    """Return the text of ``sql/<name>.sql``; ``name`` may contain ``/`` for sub-folders."""
    try:
        return _SQL[name]
    except KeyError:
        raise FileNotFoundError(f"no SQL statement named {name!r} (sql/{name}.sql)") from None


def migrations() -> list[tuple[int, str]]:
    """All migrations as (version, sql), ascending by version (file names ``NNN_title.sql``)."""
    return sorted((int(name[11:14]), text) for name, text in _SQL.items()
                  if name.startswith("migrations/") and name[11:14].isdigit())
