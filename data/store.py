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
import errno
import fcntl
import glob
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pyarrow as pa
from skillpulse.data.errors import DatabaseError
from skillpulse.data.settings import Settings, get_settings
from skillpulse.data.sqlfiles import load_sql, migrations

MARKET_CATEGORY = "market"
MARKET_SKILL = "All job postings"
_VERSION_RE = re.compile(r"^v(\d{6})\.duckdb$")
_SPACE_MARGIN = 1 << 20  # bytes free beyond the copy of the live file before a write starts

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
    if isinstance(exc, duckdb.ConnectionException):
        return DatabaseError(f"{path}: cannot open the database ({text.splitlines()[0]})")
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


@dataclass(frozen=True)
class Memory:
    """A cap on DuckDB's buffer pool for one connection and where it spills beyond it.

    DuckDB caches every block it reads or writes up to its limit (by default 80% of RAM), so a
    long read or a large insert would hold memory in proportion to the database; capped, it
    evicts, and writes what cannot be evicted (a transaction's new rows) to ``spill`` (a
    ``spool`` folder: removed however the run ends).
    """

    limit: str
    spill: Path

    def config(self) -> dict[str, str]:
        return {"memory_limit": self.limit, "temp_directory": str(self.spill)}

    def plus(self, extra: int) -> str:
        """The cap raised by ``extra`` bytes, as DuckDB takes it (``limit`` when it is not a size
        this reads, e.g. a percentage)."""
        return plus_bytes(self.limit, extra)


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def plus_bytes(limit: str, extra: int) -> str:
    """A DuckDB memory size (``64MB``, ``1GiB``: 1000- and 1024-based units as DuckDB reads
    them) raised by ``extra`` bytes, in bytes (``67108864B``); unchanged when not a size."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*", limit)
    unit = _UNITS.get(m.group(2).lower()) if m else None
    if m is None or unit is None:
        return limit
    return f"{int(float(m.group(1)) * unit) + max(0, int(extra))}B"


def _connect(target: Path, *, read_only: bool, memory: Memory | None = None
             ) -> duckdb.DuckDBPyConnection:
    _check_magic(target)
    extra: dict[str, Any] = memory.config() if memory is not None else {}
    base: dict[str, Any] = dict(READER_CONFIG) if read_only else {}
    try:
        try:
            return duckdb.connect(str(target), read_only=read_only, config={**base, **extra})
        except duckdb.ConnectionException as exc:
            # DuckDB shares one instance per file and process: when this process already holds
            # the file open (a server and a run in one process, as in tests), the open
            # instance's configuration governs and the memory cap is that instance's.
            if not extra or "different configuration" not in str(exc):
                raise
            return duckdb.connect(str(target), read_only=read_only, config=base)
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


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The migration versions recorded in the database (empty for a new one)."""
    if schema_version(con) == 0:
        return set()
    return {int(r[0]) for r in con.execute("SELECT version FROM schema_version").fetchall()}


def pending_versions(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Migrations not yet applied, ascending: by number, not only above the highest applied (a
    migration written in parallel can land after a higher-numbered one)."""
    applied = applied_versions(con)
    return [v for v, _ in migrations() if v not in applied]


def migrate(con: duckdb.DuckDBPyConnection, *, own_transactions: bool = True) -> int:
    """Apply pending migrations (``pending_versions``). Returns the resulting version.

    With ``own_transactions`` each migration commits on its own; without, the caller's open
    transaction holds them, so a later failure rolls the upgrade back too (in-place writes).
    """
    current = schema_version(con)
    applied = applied_versions(con)
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
        if version in applied:
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
        current = max(current, version)
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


# Writer locks held by (lock file, thread) in this process: ``write`` nested in ``exclusive``.
_HELD_LOCKS: set[tuple[str, int]] = set()


def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _lock_holder(fd: int) -> str:
    """Who holds the writer lock, as the holder wrote it ("forecast, pid 123"), or a fallback."""
    with contextlib.suppress(OSError):
        text = os.pread(fd, 200, 0).decode("utf-8", "replace").strip()
        if text:
            return text
    return "another skillpulse writer"


@contextlib.contextmanager
def _writer_lock(path: Path, timeout: float, who: str = "write",
                 lock_path: Path | None = None) -> Iterator[None]:
    """One writer at a time (``flock``; the kernel releases it when the holder dies, even by
    SIGKILL). A second writer says who it waits for, waits up to ``timeout`` seconds, then gives
    up with ``DatabaseError`` (exit 2) — it never writes over or beside the first.
    ``lock_path``: another lock than the writer's (``alerts_lock``)."""
    lock_path = lock_path or _lock_path(path)
    key = (os.path.realpath(lock_path), threading.get_ident())
    if key in _HELD_LOCKS:  # nested in this process's own ``exclusive``
        yield
        return
    try:
        fd = os.open(str(lock_path), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise DatabaseError(f"{path}: cannot create the writer lock ({exc.strerror})") from exc
    deadline = time.monotonic() + timeout
    told = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _lock_holder(fd)
                if time.monotonic() > deadline:
                    raise DatabaseError(
                        f"{path}: the database is locked by {holder}, still writing after "
                        f"{timeout:g} s; nothing was written, retry when it has finished") from None
                if not told:
                    sys.stderr.write(f"{path}: waiting for {holder} to finish "
                                     f"(up to {timeout:g} s)\n")
                    sys.stderr.flush()
                    told = True
                time.sleep(0.1)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{who}, pid {os.getpid()}".encode(), 0)
        _HELD_LOCKS.add(key)
        try:
            yield
        finally:
            _HELD_LOCKS.discard(key)
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextlib.contextmanager
def exclusive(path: str | Path | None = None, who: str = "write",
              settings: Settings | None = None) -> Iterator[None]:
    """Hold the writer lock across a read → compute → ``write`` sequence (a forecast run).

    Without it an ingest published while a forecast computes would be silently missing from
    that run; with it the ingest waits (and says so) or exits 2 naming the running writer.
    ``write`` calls inside the block reuse the lock.
    """
    settings = settings or get_settings()
    path = Path(path if path is not None else settings.db)
    if not path.parent.exists():
        raise DatabaseError(f"{path}: folder {path.parent} does not exist")
    with _writer_lock(path, settings.lock_timeout, who):
        yield


@contextlib.contextmanager
def alerts_lock(path: str | Path | None = None, settings: Settings | None = None) -> Iterator[None]:
    """One ``skillpulse alerts`` delivery at a time for a database (``PATH.alerts.lock``), held
    across read → post → record so a run's changes never go out twice, but apart from the
    writer lock: a webhook that answers slowly (up to its timeout and retries, about a minute)
    never makes an ingest or a forecast wait for it, or give up."""
    settings = settings or get_settings()
    path = Path(path if path is not None else settings.db)
    if not path.parent.exists():
        raise DatabaseError(f"{path}: folder {path.parent} does not exist")
    with _writer_lock(path, settings.lock_timeout, "alerts",
                      lock_path=path.with_name(path.name + ".alerts.lock")):
        yield


@contextlib.contextmanager
def write(path: str | Path | None = None, settings: Settings | None = None, *,
          memory: Memory | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the database for one atomic change; yields a connection inside ``BEGIN``.

    On normal exit the change is committed and published; on any exception nothing changes.
    ``memory``: DuckDB's memory cap for this connection (default: DuckDB's own).
    """
    settings = settings or get_settings()
    path = Path(path if path is not None else settings.db)
    if path.exists() and path.is_dir():
        raise DatabaseError(f"{path}: is a folder, not a database file")
    if not path.parent.exists():
        raise DatabaseError(f"{path}: folder {path.parent} does not exist")
    if path.exists() and not path.is_symlink():
        _check_magic(path)  # before the lock file: refuse a CSV given as --db without a trace
    with _writer_lock(path, settings.lock_timeout), _disk_full_is_input(path):
        if path.exists() and not path.is_symlink():
            yield from _write_in_place(path, memory)  # type: ignore[misc]
            return
        yield from _write_new_version(path, settings, memory)  # type: ignore[misc]


def _out_of_space(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return True
    return isinstance(exc, (OSError, duckdb.Error)) and "no space left on device" in str(exc).lower()


def _mb(n: float) -> str:
    return f"{max(n, 0) / 1e6:,.1f} MB"


@contextlib.contextmanager
def _disk_full_is_input(path: Path) -> Iterator[None]:
    """A full disk is the user's to fix: one sentence (where, how much), exit 2, not a traceback."""
    try:
        yield
    except BaseException as exc:
        if not _out_of_space(exc):
            raise
        folder = versions_dir(path) if not path.exists() or path.is_symlink() else path.parent
        live = Path(os.path.realpath(path)) if path.exists() else None
        need = live.stat().st_size if live is not None and live.exists() else 0
        free = shutil.disk_usage(folder if folder.exists() else path.parent).free
        raise DatabaseError(
            f"{folder}: the disk is full — writing the new database version needs at least "
            f"{_mb(need)} plus room for the new data and {_mb(free)} is free; free some space "
            "and retry (the database is unchanged)") from None


def _write_in_place(path: Path, memory: Memory | None) -> Iterator[duckdb.DuckDBPyConnection]:
    con = _connect(path, read_only=False, memory=memory)
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


def _write_new_version(path: Path, settings: Settings, memory: Memory | None
                       ) -> Iterator[duckdb.DuckDBPyConnection]:
    folder = versions_dir(path)
    folder.mkdir(exist_ok=True)
    current = Path(os.path.realpath(path)) if path.is_symlink() else None
    if current is not None and not current.exists():
        raise DatabaseError(f"{path}: points to {current}, which is missing")
    remove_leftovers(path)
    if current is not None:
        free = shutil.disk_usage(folder).free
        if free < current.stat().st_size + _SPACE_MARGIN:
            raise OSError(errno.ENOSPC, "No space left on device", str(folder))
    existing = _version_files(path)
    number = (existing[-1][0] + 1) if existing else 1
    new = folder / f"v{number:06d}.duckdb"
    wal = new.with_name(new.name + ".wal")
    tmp_copy = new.with_name(new.name + ".tmp")
    try:
        if current is not None:
            shutil.copyfile(current, tmp_copy)
            os.replace(tmp_copy, new)
        con = _connect(new, read_only=False, memory=memory)
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


def _published(path: Path) -> int | None:
    """The number of the live version (``None``: nothing published yet, or not versioned)."""
    if not path.is_symlink():
        return None
    m = _VERSION_RE.match(Path(os.readlink(path)).name)
    return int(m.group(1)) if m else None


def remove_leftovers(path: Path) -> list[Path]:
    """Delete what killed writers left: unpublished version files, their ``.wal``/``.tmp``
    files, stray WALs of other versions, temporary symlinks and the spool folders (``spool``) of
    killed runs. Returns what was removed.

    Call only while holding the writer lock (``write`` does): then no live writer owns any of
    these files — ``flock`` is released when its holder dies, so a lock we hold means the writer
    that made them is gone. Versions are numbered upwards and a writer cleans before it numbers
    its own file, so every version newer than the live one was never published. The live file
    and older published versions (which readers may still have open) are kept.
    """
    folder = versions_dir(path)
    removed: list[Path] = []
    if folder.is_dir():
        live = _published(path)
        keep = {f"v{live:06d}.duckdb"} if live is not None else set()
        for entry in folder.iterdir():
            m = _VERSION_RE.match(entry.name)
            unpublished = m is not None and (live is None or int(m.group(1)) > live)
            stray = entry.name.endswith(".tmp") or (entry.name.endswith(".wal")
                                                     and entry.name[:-len(".wal")] not in keep)
            if unpublished or stray:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed.append(entry)
    for link in path.parent.glob(f".{glob.escape(path.name)}.*.link"):
        with contextlib.suppress(FileNotFoundError):
            link.unlink()
            removed.append(link)
    for scratch in path.parent.glob(f".{glob.escape(path.name)}.spool-*"):
        if scratch.is_dir() and not _spool_owned(scratch):
            shutil.rmtree(scratch, ignore_errors=True)
            removed.append(scratch)
    return removed


_SPOOL_OWNER = ".owner"
_SPOOL_GRACE = 3600.0  # seconds: a spool folder without its owner file is a killed run's after that


def _spool_owned(folder: Path) -> bool:
    """Whether a live process still holds ``folder``'s owner lock (``flock``: released when the
    owner dies, even by SIGKILL; a second open file in the owner's own process also sees it held)."""
    try:
        fd = os.open(str(folder / _SPOOL_OWNER), os.O_RDONLY)
    except FileNotFoundError:  # killed between creating the folder and its owner file, or racing it
        with contextlib.suppress(OSError):
            return time.time() - folder.stat().st_mtime < _SPOOL_GRACE
        return False
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@contextlib.contextmanager
def spool(path: str | Path | None = None, settings: Settings | None = None) -> Iterator[Path]:
    """A scratch folder beside the database (same disk) for a run's intermediate files — a
    forecast's spilled buckets — removed when the block ends, however it ends. A killed run's
    folder is removed by the next write (``remove_leftovers``: its owner lock is free), like an
    unpublished version file."""
    settings = settings or get_settings()
    path = Path(path if path is not None else settings.db)
    folder = Path(tempfile.mkdtemp(prefix=f".{path.name}.spool-", dir=path.parent))
    try:
        fd = os.open(str(folder / _SPOOL_OWNER), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield folder
        finally:
            os.close(fd)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _collect_old_versions(path: Path, *, keep: int, live: Path) -> None:
    live_number = _published(path)
    files = [(n, f) for n, f in _version_files(path) if live_number is None or n <= live_number]
    for _, old in files[:-keep]:
        if old == live:
            continue
        # A reader that still has the file open keeps reading its inode; unlinking is safe.
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


def resolve(path: str | Path | None = None, settings: Settings | None = None) -> Path:
    """The database file a reader should open now (the live version), or ``DatabaseError``."""
    # the settings (read from the environment) only when no path is given: the dashboard
    # resolves its file on every query
    p = Path(path if path is not None else (settings or get_settings()).db)
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
        pending = pending_versions(con)
    except duckdb.Error as exc:
        raise _friendly(target, exc) from exc
    finally:
        con.close()
    if pending:
        with write(path, settings):
            pass


@contextlib.contextmanager
def read(path: str | Path | None = None, settings: Settings | None = None, *,
         memory: Memory | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only, locked-down connection to the live version (``memory``: as ``write``)."""
    target = resolve(path, settings)
    con = _connect(target, read_only=True, memory=memory)
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
    A replaced connection is not closed under the requests still reading it: it closes when its
    last cursor is released (a request pins one version with ``snapshot()`` for its whole run).
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
        return self.snapshot()[0]

    def snapshot(self, follow: bool = True) -> tuple[duckdb.DuckDBPyConnection, str]:
        """This thread's cursor on the live version and that version, read together (a publish
        between two separate calls would pair a cursor with another version's name).
        ``follow=False``: the version open now, without looking for a newer one (the server's
        switcher adopts new versions once they are warm; see ``adopt``)."""
        target = resolve(self.path) if follow or self._con is None else self._target
        with self._lock:
            if self._con is None or target != self._target:
                # The old connection is dropped, not closed: a cursor of it that another thread
                # is reading with would fail ("Connection already closed"). DuckDB closes the
                # old file when its last cursor goes (the old thread-locals go with ``_local``).
                self._con = _connect(target, read_only=True)  # type: ignore[arg-type]
                self._target = target
                self._local = threading.local()
            con, local, version = self._con, self._local, str(self._target)
        cursor = getattr(local, "cursor", None)
        if cursor is None:
            cursor = con.cursor()
            local.cursor = cursor
        return cursor, version

    def open(self, target: Path) -> duckdb.DuckDBPyConnection:
        """A new read-only connection to ``target`` (a version to warm before ``adopt``)."""
        return _connect(target, read_only=True)

    def adopt(self, con: duckdb.DuckDBPyConnection, target: Path) -> None:
        """Serve ``target`` through ``con`` from now on (the old connection as in ``snapshot``)."""
        with self._lock:
            self._con = con
            self._target = target
            self._local = threading.local()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con = None
            self._target = None
            self._local = threading.local()


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, view: str, rows: Any) -> Iterator[None]:
    """Make ``rows`` (a polars frame or an Arrow table) visible to SQL as ``view`` for the block,
    then unregister it (named SQL files read their input rows from such views)."""
    con.register(view, rows.to_arrow() if isinstance(rows, pl.DataFrame) else rows)
    try:
        yield
    finally:
        con.unregister(view)


def query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run the named query ``sql/<name>.sql`` with bound parameters; returns a polars frame."""
    # DuckDB 2.0: a relation (con.sql) converts to Arrow without the DB-API copy, and leaves no
    # unfinished result on the connection (which would block register()/other work).
    return con.sql(load_sql(name), params=params or None).pl()


def query_chunks(con: duckdb.DuckDBPyConnection, name: str, rows: int, **params: Any
                 ) -> Iterator[pl.DataFrame]:
    """``stream``, with at least one frame (empty, with the query's columns, when there are no
    rows): a caller writing millions of rows holds one chunk and still writes a header."""
    reader = con.sql(load_sql(name), params=params or None).to_arrow_reader(rows)
    empty = True
    for part in _cut(reader, rows):
        empty = False
        yield part
    if empty:
        yield pl.from_arrow(reader.schema.empty_table())  # type: ignore[misc]


def stream(con: duckdb.DuckDBPyConnection, name: str, rows: int, **params: Any
           ) -> Iterator[pl.DataFrame]:
    """The named query's result ``rows`` rows at a time (the last part may be shorter), fetched
    as Arrow batches while DuckDB produces them: one part at a time in this process. Use a
    cursor of its own (``con.cursor()``) while other queries run beside it."""
    yield from _cut(con.sql(load_sql(name), params=params or None).to_arrow_reader(rows), rows)


def _cut(reader: pa.RecordBatchReader, rows: int) -> Iterator[pl.DataFrame]:
    """Frames of exactly ``rows`` rows (the last may be shorter) from DuckDB's Arrow batches,
    whatever size DuckDB produces them in."""
    held: list[pa.RecordBatch] = []
    n = 0
    for part in reader:
        held.append(part)
        n += part.num_rows
        while n >= rows:
            table = pa.Table.from_batches(held)
            yield pl.DataFrame(table.slice(0, rows))
            rest = table.slice(rows)
            held, n = rest.to_batches(), rest.num_rows
    if n:
        yield pl.DataFrame(pa.Table.from_batches(held))


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    """Run the named statement ``sql/<name>.sql`` with bound parameters."""
    con.execute(load_sql(name), params or None)


def memory(settings: Settings | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory, migrated database (tests and pure computations)."""
    con = duckdb.connect(":memory:")
    migrate(con)
    return con
