"""SQL statements are read once, at import: a running process keeps the SQL of its own version."""
from __future__ import annotations

from importlib import resources

import pytest
from skillpulse.data import sqlfiles


def test_every_statement_is_read_at_import_and_never_again(monkeypatch: pytest.MonkeyPatch) -> None:
    folder = resources.files("skillpulse.sql")
    on_disk = {entry.name[:-4]: entry.read_text(encoding="utf-8") for entry in folder.iterdir()
               if entry.name.endswith(".sql")}
    assert len(on_disk) > 40

    def no_reads(*_a: object, **_k: object) -> None:
        raise AssertionError("SQL read from the package after import")

    # a newer version installed over a running one: its files are not what this process reads
    monkeypatch.setattr(resources, "files", no_reads)
    for name, text in on_disk.items():
        assert sqlfiles.load_sql(name) == text
    versions = [v for v, _ in sqlfiles.migrations()]
    assert versions == sorted(versions) and versions[:2] == [1, 2]
    assert all(text.strip() for _, text in sqlfiles.migrations())


def test_an_unknown_statement_is_named() -> None:
    with pytest.raises(FileNotFoundError, match="no_such_query"):
        sqlfiles.load_sql("no_such_query")
