"""The project's one process pool: workers that die with their parent, one BLAS thread each.

Every parallel step (forecast chunks in ``models.batch``, skill matching in ``data.postings``)
gets its workers from :func:`process_pool`, so they all share these rules:

- **Start method: forkserver.** Nothing is forked from the caller, whose DuckDB/polars thread
  pools may be running (forking a multi-threaded process can deadlock the child); the server
  preloads the modules the workers need, so a worker starts in milliseconds.
- **No orphans.** A ``SIGKILL``ed caller cannot clean up, and a worker blocked on its task pipe
  would wait forever (the other workers hold the pipe open). Each worker therefore (1) asks the
  kernel for ``SIGKILL`` when its parent — the fork server, which exits when the caller's pipe
  closes — dies (``prctl(PR_SET_PDEATHSIG)``), and (2) watches the caller itself from a daemon
  thread (a ``pidfd`` on Linux, else polling ``getppid``), so it exits even where ``prctl`` is
  missing.
- **One BLAS/OpenMP thread per worker.** ``OMP_NUM_THREADS`` etc. are set in the environment the
  server starts with (libraries loaded later read them) and ``threadpoolctl`` caps the pools
  already loaded (two workers × N BLAS threads on N cores is oversubscription).
"""
from __future__ import annotations

import concurrent.futures as cf
import contextlib
import ctypes
import ctypes.util
import multiprocessing as mp
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "POLARS_MAX_THREADS")
_PR_SET_PDEATHSIG = 1
_WATCH_POLL_SECONDS = 0.5


@contextlib.contextmanager
def single_thread_env() -> Iterator[None]:
    """The environment the fork server (and so every worker) starts with: one thread each."""
    saved = {k: os.environ.get(k) for k in THREAD_VARS}
    os.environ.update({k: "1" for k in THREAD_VARS})
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _set_parent_death_signal() -> bool:
    """``prctl(PR_SET_PDEATHSIG, SIGKILL)``: the kernel kills this process when its parent dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_owner(owner_pid: int, parent_pid: int) -> None:
    """Daemon thread body: exit as soon as the pool's owner (or this worker's parent) is gone."""
    pidfd = -1
    with contextlib.suppress(OSError, AttributeError):
        pidfd = os.pidfd_open(owner_pid)  # type: ignore[attr-defined,unused-ignore]
    while True:
        if os.getppid() != parent_pid:
            _die()
        if pidfd >= 0:
            ready, _, _ = select.select([pidfd], [], [], _WATCH_POLL_SECONDS)
            if ready:  # a pidfd becomes readable when its process exits
                _die()
        else:
            try:
                os.kill(owner_pid, 0)
            except ProcessLookupError:
                _die()
            except PermissionError:
                pass
            time.sleep(_WATCH_POLL_SECONDS)


def _worker_init(owner_pid: int, initializer: Callable[..., object] | None,
                 initargs: tuple[Any, ...]) -> None:
    """Runs first in every worker: tie its life to the owner's, pin BLAS, then the caller's init."""
    parent_pid = os.getppid()
    _set_parent_death_signal()
    if parent_pid == 1 or not _alive(owner_pid):  # the owner died before prctl took effect
        _die()
    threading.Thread(target=_watch_owner, args=(owner_pid, parent_pid), daemon=True,
                     name="skillpulse-owner-watch").start()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # the environment variables still cover libraries loaded later
        pass
    else:
        threadpool_limits(1)
    if initializer is not None:
        initializer(*initargs)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _context(preload: Sequence[str]) -> mp.context.BaseContext:
    methods = mp.get_all_start_methods()
    if "forkserver" not in methods:  # not on Linux/macOS: spawn has the same isolation
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    # Takes effect when the server starts (once per process); ``__main__`` is left out on
    # purpose: workers never need the caller's script, and re-running it would be costly.
    ctx.set_forkserver_preload([__name__, *preload])
    return ctx


class WorkerPool:
    """A ``ProcessPoolExecutor`` built by :func:`process_pool`, plus an immediate ``terminate``."""

    def __init__(self, jobs: int, *, initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = (), preload: Sequence[str] = ()) -> None:
        with single_thread_env():
            self.executor = cf.ProcessPoolExecutor(
                max_workers=jobs, mp_context=_context(preload), initializer=_worker_init,
                initargs=(os.getpid(), initializer, initargs))
            # Start the server and the workers now, inside the single-thread environment.
            for f in [self.executor.submit(os.getpid) for _ in range(jobs)]:
                f.result()

    def submit(self, fn: Callable[..., Any], /, *args: Any) -> cf.Future[Any]:
        return self.executor.submit(fn, *args)

    def pids(self) -> list[int]:
        return [p.pid for p in list(self.executor._processes.values()) if p.pid is not None]

    def terminate(self) -> None:
        """Stop now: pending tasks are cancelled and running workers killed."""
        procs = list(self.executor._processes.values())
        self.executor.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.kill()
        for p in procs:
            with contextlib.suppress(Exception):
                p.join(5)

    def close(self) -> None:
        self.executor.shutdown(wait=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()


def process_pool(jobs: int, *, initializer: Callable[..., object] | None = None,
                 initargs: tuple[Any, ...] = (), preload: Sequence[str] = ()) -> WorkerPool:
    """A pool of ``jobs`` worker processes that die with this process (see the module docstring).

    Args:
        jobs: number of worker processes (started before this returns).
        initializer, initargs: run once in each worker after the shared set-up.
        preload: modules the fork server imports once, so workers inherit them already imported
            (only the first pool of a process starts the server; later pools share it).

    Returns:
        A :class:`WorkerPool`; use it as a context manager (an exception terminates the workers).
    """
    return WorkerPool(jobs, initializer=initializer, initargs=initargs, preload=preload)
