"""Helpers shared by the ingest tests (no tests here): run the CLI in-process, fingerprint a store."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from skillpulse.dashboard.cli import main


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``skillpulse ARGS`` through the real entry point; returns (exit code, stdout, stderr)."""
    code = 0
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, content: str | bytes) -> Path:
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def live_target(db: Path) -> Path:
    return Path(os.path.realpath(db))


def rows(db: Path, sql: str, params: dict[str, object] | None = None) -> list[tuple[object, ...]]:
    """Rows of ``sql`` on the live version (a fresh read-only connection, closed at once)."""
    con = duckdb.connect(str(live_target(db)), read_only=True)
    try:
        return con.execute(sql, params or {}).fetchall()
    finally:
        con.close()


SERIES_SQL = """
SELECT k.name, k.category, s.source, s.region, s.occupation, s.measure,
       strftime(o.period, '%Y-%m') AS period, o.value, o.total
FROM observation o JOIN series s USING (series_id) JOIN skill k USING (skill_id)
ORDER BY ALL
"""


def fingerprint(db: Path) -> tuple[object, ...]:
    """Everything that must not change after a failed ingest: the live link, the version files,
    and the content of every table that ingest writes."""
    if not db.exists() and not db.is_symlink():
        return ("absent",)
    link = os.readlink(db) if db.is_symlink() else None
    folder = db.with_name(db.name + ".versions")
    versions = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    digest = hashlib.sha256(live_target(db).read_bytes()).hexdigest()
    content = (rows(db, SERIES_SQL), rows(db, "SELECT count(*) FROM ingest_batch"),
               rows(db, "SELECT count(*) FROM skill"))
    return link, tuple(versions), digest, content
