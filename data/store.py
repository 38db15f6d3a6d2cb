"""DuckDB access: versioned, atomically published database files, migrations and named queries.

Why versions: DuckDB locks a file across processes (a writer blocks every reader, even read-only
ones) and a process that still holds a connection to a path sees the *old* database when it
reconnects to the same path. So ``--db PATH`` is a symlink to ``PATH.versions/vNNNNNN.duckdb``.
A writer copies the live version to a new file, changes it inside one transaction, checkpoints,
closes, fsyncs and atomically swaps the symlink. A failed write deletes its new file: the live
database is exactly as before. Readers open ``realpath(PATH)`` read-only and reopen when the
target changes, so a running dashboard shows new runs without a restart.

A plain DuckDB file (not created by skillpulse) is also accepted: it is then written in place,
inside one transaction, which is atomic but blocks readers while it runs.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from skillpulse.data.errors import DatabaseError
from skillpulse.data.settings import Settings, get_settings
from skillpulse.data.sqlfiles import load_sql, migrations

MARKET_CATEGORY = "market"
MARKET_SKILL = "All job postings"
_VERSION_RE = re.compile(r"^v(\d{6})\.duckdb$")

READER_CONFIG: dict[str, Any] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def versions_dir(path: Path) -> Path:
    return path.with_name(path.name + ".versions")


def latest_schema_version() -> int:
    return max(v for v, _ in migrations())


def _friendly(path: Path, exc: Exception) -> DatabaseError:
    text = str(exc)
    if "lock" in text.lower():
        return DatabaseError(f"{path}: the database is locked by another process; "
                             "stop the other writer (or the server opened read-write) and retry")
    if "not a valid DuckDB" in text or "database file" in text.lower() or "magic" in text.lower():
        return DatabaseError(f"{path}: not a DuckDB database file (or from an unsupported DuckDB "
                             "version); pass --db a new path or a skillpulse database")
    return DatabaseError(f"{path}: cannot open the database ({text.splitlines()[0]})")


def _check_magic(target: Path) -> None:
    """Refuse files that are not DuckDB databases before DuckDB sees them.

    DuckDB 2.0 opens a ``.csv``/``.parquet`` path as an in-memory database with the file as a
    view, so writes would silently vanish; its own file header carries ``DUCK`` at byte 8.
    """
    try:
        with open(target, "rb") as fh:
            head = fh.read(12)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DatabaseError(f"{target}: cannot read the database file ({exc.strerror})") from exc
    if head[8:12] != b"DUCK":
        raise DatabaseError(f"{target}: not a DuckDB database file; pass --db a new path or a "
                            "skillpulse database (input files are given as arguments, not --db)")


def _connect(target: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    _check_magic(target)
    try:
        if read_only:
            return duckdb.connect(str(target), read_only=True, config=dict(READER_CONFIG))
        return duckdb.connect(str(target))
    except duckdb.Error as exc:
        raise _friendly(target, exc) from exc


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    # fetchall, not fetchone: DuckDB 2.0 keeps a result "unfinished" until a fetch returns no
    # rows, which would block the caller's next register()/query on this connection.
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()
    if not exists or not exists[0][0]:
        return 0
    rows = con.execute("SELECT max(version) FROM schema_version").fetchall()
    return int(rows[0][0]) if rows and rows[0][0] is not None else 0


def migrate(con: duckdb.DuckDBPyConnection, *, own_transactions: bool = True) -> int:
    """Apply pending migrations. Returns the resulting version.

    With ``own_transactions`` each migration commits on its own; without, the caller's open
    transaction holds them, so a later failure rolls the upgrade back too (in-place writes).
    """
    current = schema_version(con)
    if current > latest_schema_version():
        raise DatabaseError(
            f"the database has schema version {current}, newer than this skillpulse "
            f"({latest_schema_version()}); upgrade skillpulse")
    begin, commit = ("BEGIN", "COMMIT") if own_transactions else (None, None)
    if current == 0:
        if begin:
            con.execute(begin)
        con.execute("CREATE TABLE IF NOT EXISTS schema_version "
                    "(version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT current_timestamp)")
        if commit:
            con.execute(commit)
    for version, text in migrations():
        if version <= current:
            continue
        if begin:
            con.execute(begin)
        try:
            con.execute(text)
            con.execute("INSERT INTO schema_version (version) VALUES ($v)", {"v": version})
            if commit:
                con.execute(commit)
        except Exception:
            if own_transactions:
                con.execute("ROLLBACK")
            raise
        current = version
    return current


def _fsync_path(path: Path) -> None:
    fd = os.open(str(path), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _version_files(path: Path) -> list[tuple[int, Path]]:
    folder = versions_dir(path)
    if not folder.is_dir():
        return []
    out = []
    for entry in folder.iterdir():
        m = _VERSION_RE.match(entry.name)
        if m:
            out.append((int(m.group(1)), entry))
    return sorted(out)


@contextlib.contextmanager
def _writer_lock(path: Path, timeout: float) -> Iterator[None]:
    lock_path = path.with_name(path.name + ".lock")
    try:
        fd = os.open(str(lock_path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot create the writer lock ({exc.strerror})") from exc
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise DatabaseError(
                        f"{path}: the database is locked by another skillpulse writer; "
                        "retry when it has finished") from None
                time.sleep(0.1)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def is_versioned(path: Path) -> bool:
    return path.is_symlink()


@contextlib.contextmanager
def write(path: str | Path | None = None, settings: Settings | None = None
          ) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one atomic change; yields a connection inside ``BEGIN``.

    On normal exit the change is committed and published; on any exception nothing changes.
    """
    settings = settings or get_settings()
    path = Path(path if path is not None else settings.db)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    if not path.parent.exists():
        raise DatabaseError(f"{path}: folder {path.parent} does not exist")
    if path.exists() and not path.is_symlink():
        _check_magic(path)  # before the lock file: refuse a CSV given as --db without a trace
    with _writer_lock(path, settings.lock_timeout):
        if path.exists() and not path.is_symlink():
            yield from _write_in_place(path)  # type: ignore[misc]
            return
        yield from _write_new_version(path, settings)  # type: ignore[misc]


def _write_in_place(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _connect(path, read_only=False)
    try:
        with _transaction(con):
            try:
                migrate(con, own_transactions=False)
            except duckdb.Error as exc:
                raise _friendly(path, exc) from exc
            yield con
        con.execute("CHECKPOINT")
    finally:
        con.close()


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """``BEGIN`` … ``COMMIT``, or ``ROLLBACK`` on any exception (DuckDB 2.0 auto-commits otherwise)."""
    con.execute("BEGIN")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def _write_new_version(path: Path, settings: Settings) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = versions_dir(path)
    folder.mkdir(exist_ok=True)
    existing = _version_files(path)
    number = (existing[-1][0] + 1) if existing else 1
    new = folder / f"v{number:06d}.duckdb"
    wal = new.with_name(new.name + ".wal")
    current = Path(os.path.realpath(path)) if path.is_symlink() else None
    if current is not None and not current.exists():
        raise DatabaseError(f"{path}: points to {current}, which is missing")
    tmp_copy = new.with_name(new.name + ".tmp")
    try:
        if current is not None:
            shutil.copyfile(current, tmp_copy)
            os.replace(tmp_copy, new)
        con = _connect(new, read_only=False)
        try:
            migrate(con)
            with _transaction(con):
                yield con
            con.execute("CHECKPOINT")
        finally:
            con.close()
        if wal.exists():
            raise DatabaseError(f"{new}: a write-ahead log was left after checkpoint; not publishing")
        _fsync_path(new)
        link_tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.link")
        with contextlib.suppress(FileNotFoundError):
            link_tmp.unlink()
        os.symlink(os.path.join(folder.name, new.name), link_tmp)
        os.replace(link_tmp, path)
        _fsync_path(path.parent)
    except BaseException:
        for leftover in (new, wal, tmp_copy):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
        if current is None:  # a failed first write leaves no trace
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    _collect_old_versions(path, keep=max(1, settings.keep_versions), live=new)


def _collect_old_versions(path: Path, *, keep: int, live: Path) -> None:
    files = _version_files(path)
    for _, old in files[:-keep]:
        if old == live:
            continue
        # A reader that still has the file open keeps reading its inode; unlinking is safe.
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


def resolve(path: str | Path | None = None, settings: Settings | None = None) -> Path:
    """The database file a reader should open now (the live version), or ``DatabaseError``."""
    settings = settings or get_settings()
    p = Path(path if path is not None else settings.db)
    if not p.exists():
        raise DatabaseError(f"{p}: no database here; create one with 'skillpulse ingest' or "
                            "'skillpulse demo --no-serve'")
    if p.is_dir():
        raise DatabaseError(f"{p}: is a folder, not a database file")
    return Path(os.path.realpath(p))


def ensure_current(path: str | Path | None = None, settings: Settings | None = None) -> None:
    """Upgrade an older database to the current schema (publishes a new version if needed)."""
    target = resolve(path, settings)
    con = _connect(target, read_only=True)
    try:
        version = schema_version(con)
    except duckdb.Error as exc:
        raise _friendly(target, exc) from exc
    finally:
        con.close()
    if version < latest_schema_version():
        with write(path, settings):
            pass


@contextlib.contextmanager
def read(path: str | Path | None = None, settings: Settings | None = None
         ) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only, locked-down connection to the live version."""
    target = resolve(path, settings)
    con = _connect(target, read_only=True)
    try:
        if schema_version(con) == 0:
            raise DatabaseError(f"{path}: a DuckDB file but not a skillpulse database "
                                "(no schema); ingest data into it first")
        yield con
    except duckdb.Error as exc:
        raise _friendly(target, exc) from exc
    finally:
        con.close()


class LiveReader:
    """Per-process read-only connection that follows the live symlink (for the dashboard).

    ``connection()`` is cheap: one ``realpath`` call; it reopens when a writer has published.
    DuckDB connections are not shared across threads: each thread gets a cursor.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._target: Path | None = None
        self._con: duckdb.DuckDBPyConnection | None = None
        self._local = threading.local()

    @property
    def version(self) -> str:
        return str(self._target) if self._target else ""

    def connection(self) -> duckdb.DuckDBPyConnection:
        target = resolve(self.path)
        with self._lock:
            if self._con is None or target != self._target:
                old = self._con
                self._con = _connect(target, read_only=True)
                self._target = target
                self._local = threading.local()
                if old is not None:
                    with contextlib.suppress(duckdb.Error):
                        old.close()
            con = self._con
            local = self._local
        cursor = getattr(local, "cursor", None)
        if cursor is None:
            cursor = con.cursor()
            local.cursor = cursor
        return cursor

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con = None
            self._target = None


def query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run the named query ``sql/<name>.sql`` with bound parameters; returns a polars frame."""
    # DuckDB 2.0: a relation (con.sql) converts to Arrow without the DB-API copy, and leaves no
    # unfinished result on the connection (which would block register()/other work).
    return con.sql(load_sql(name), params=params or None).pl()


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Run the named statement ``sql/<name>.sql`` with bound parameters."""
    con.execute(load_sql(name), params or None)


def memory(settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory, migrated database (tests and pure computations)."""
    con = duckdb.connect(":memory:")
    migrate(con)
    return con
