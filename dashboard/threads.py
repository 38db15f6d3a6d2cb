"""One polars thread per dashboard process: call ``single_threaded_polars()`` before polars is
imported (polars reads ``POLARS_MAX_THREADS`` once, at import).

A dashboard callback runs dozens of polars operations on frames of a few hundred rows: handing
each to a thread pool can cost more than the work. Measured on the 10k-series bench store (query
cache on, one process, calls in sequence; polars threads 2 vs 1, three alternated pairs): the
explorer's control change p50 52 / 53 / 34 ms → 35 / 37 / 33 ms; every other callback and the
p95s within the run-to-run noise. gunicorn already runs 2 worker processes × 4 threads on this
2-core machine, so a pool per process only oversubscribes the cores under concurrent requests.
A value the user set is kept.
This module imports nothing heavy, so the serving entry points can call it first.
"""
from __future__ import annotations

import os
import sys

POLARS_THREADS = "1"


def single_threaded_polars() -> None:
    """Ask for ``POLARS_THREADS`` polars threads in this process (and the processes it starts,
    gunicorn's workers) unless ``POLARS_MAX_THREADS`` is set. A no-op once polars is imported:
    the setting could no longer take effect here, and it must not leak into the child processes
    of a process that imported the server for other work (a test run, the demo's build)."""
    if "polars" not in sys.modules:
        os.environ.setdefault("POLARS_MAX_THREADS", POLARS_THREADS)
