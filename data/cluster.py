"""Dask connection for the optional engine (``skillpulse[dask]``): one place that imports it.

``dask_client(scheduler, jobs=)`` yields a ``distributed.Client`` — to a running
``dask scheduler`` when an address is given, else to a new ``LocalCluster`` of ``jobs``
single-threaded worker processes listening on 127.0.0.1 only (closed on exit). Without the extra
installed, ``require_dask`` raises a ``UsageError`` naming the install command (exit 2).
"""
from __future__ import annotations

import contextlib
import logging
import tempfile
from collections.abc import Iterator
from typing import Any

from skillpulse.data.errors import UsageError
from skillpulse.data.pool import single_thread_env
from skillpulse.data.settings import Settings, get_settings

# Worker settings of the LocalCluster the command starts (a running cluster's workers take the same
# as environment variables, README "More than one machine"). The bucket work holds the GIL for
# seconds; Dask's statistical profiler (a thread sampling every 10 ms) and its event-loop tick
# (every 20 ms) each take the GIL from it. Measured on one worker, 125-series buckets, median of
# 4 (alternated, two runs): plain process 4.6-5.5 s, Dask worker with the defaults 6.9-8.1 s,
# profiler off 6.5-8.1 s, profiler off and a 1 s tick 5.6-6.0 s.
WORKER_CONFIG = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s"}

# The scheduler's HTTP endpoint (health, metrics; the dashboard when bokeh is installed): on the
# loopback interface and a free port, never on every interface or a fixed one.
LOOPBACK_ANY_PORT = "127.0.0.1:0"


def require_dask() -> Any:
    """The ``distributed`` module, or a ``UsageError`` that says how to install it."""
    try:
        import distributed
    except ImportError:
        raise UsageError("--engine dask needs Dask: pip install 'skillpulse[dask]' "
                         "(or use --engine local)") from None
    return distributed


@contextlib.contextmanager
def dask_client(scheduler: str | None, *, jobs: int, settings: Settings | None = None
                ) -> Iterator[Any]:
    """A ``distributed.Client`` to ``scheduler``, or to a new local cluster of ``jobs`` workers."""
    distributed = require_dask()
    if scheduler:
        timeout = (settings or get_settings()).dask_connect_timeout
        try:
            client = distributed.Client(scheduler, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"--scheduler {scheduler}: no Dask scheduler answers there ({exc}); "
                             "start one with 'dask scheduler' or leave --scheduler out") from None
        try:
            yield client
        finally:
            client.close()
        return
    import dask

    # the workers' scratch space (Dask's dask-scratch-space and its lock files) in a directory of
    # the run's own, removed with the cluster: nothing is left in the temporary directory
    with contextlib.ExitStack() as stack:
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="skillpulse-dask-",
                                                                  ignore_cleanup_errors=True))
        stack.enter_context(dask.config.set({"temporary-directory": scratch}))
        with single_thread_env(), dask.config.set(WORKER_CONFIG):  # workers take it at their start
            cluster = distributed.LocalCluster(
                n_workers=jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=LOOPBACK_ANY_PORT, silence_logs=logging.ERROR)
        try:
            client = distributed.Client(cluster, set_as_default=False)
            try:
                yield client
            finally:
                client.close()
        finally:
            cluster.close()


def worker_count(client: Any) -> int:
    """Worker threads the cluster has now (at least 1)."""
    return max(1, sum(client.nthreads().values()))
