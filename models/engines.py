"""Who calls the bucket function: this process, the local process pool, or a Dask cluster.

Every engine takes an iterator of ``(index, bucket table)`` and yields ``(index, output)`` as
buckets finish, keeping at most a few buckets per worker in flight (the reader streams buckets
from the database; memory grows with the bucket size, not with the number of series). The work
itself is always ``models.bucket.forecast_bucket`` (looked up when a run starts): engines never
change a result.

* ``serial``: in this process (tiny runs, ``--jobs 1``).
* ``local``: the project's process pool (``data.pool``: workers die with this process, one
  BLAS/OpenMP thread each).
* ``dask``: ``distributed`` — a ``LocalCluster`` of worker processes on 127.0.0.1 when no
  scheduler address is given, else the running ``dask scheduler`` at that address. A worker
  lost mid-bucket is handled by Dask itself (the scheduler re-runs the bucket elsewhere, up to
  its ``allowed-failures``); an exception inside a bucket is not retried: it fails the run.
"""
from __future__ import annotations

import concurrent.futures as cf
import functools
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pyarrow as pa
from skillpulse.data.cluster import require_dask, worker_count
from skillpulse.data.errors import UsageError
from skillpulse.data.pool import process_pool
from skillpulse.models import bucket
from skillpulse.models.bucket import BucketOutput

IN_FLIGHT_PER_WORKER = 2
ENGINES = ("local", "dask")

BucketFn = Callable[..., BucketOutput]
Buckets = Iterable[tuple[int, pa.Table]]


class BucketFailed(RuntimeError):
    """A bucket raised on a worker: the run stops and nothing is published."""


def run_serial(buckets: Buckets, *, fn: BucketFn | None = None, **params: Any
               ) -> Iterator[tuple[int, BucketOutput]]:
    fn = fn or bucket.forecast_bucket
    for idx, table in buckets:
        yield idx, fn(table, **params)


def run_local(buckets: Buckets, *, jobs: int, fn: BucketFn | None = None, **params: Any
              ) -> Iterator[tuple[int, BucketOutput]]:
    """Buckets on a local process pool of ``jobs`` workers."""
    work = functools.partial(fn or bucket.forecast_bucket, **params)
    source = iter(buckets)
    pending: dict[cf.Future[BucketOutput], int] = {}
    with process_pool(jobs, preload=("skillpulse.models.bucket",)) as pool:
        def fill() -> None:
            while len(pending) < jobs * IN_FLIGHT_PER_WORKER:
                nxt = next(source, None)
                if nxt is None:
                    return
                pending[pool.submit(work, nxt[1])] = nxt[0]

        fill()
        while pending:
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in sorted(done, key=pending.__getitem__):
                idx = pending.pop(fut)
                exc = fut.exception()
                if exc is not None:
                    raise BucketFailed(f"bucket {idx} failed: {exc}") from exc
                yield idx, fut.result()
            fill()


def run_dask(buckets: Buckets, *, client: Any, fn: BucketFn | None = None, **params: Any
             ) -> Iterator[tuple[int, BucketOutput]]:
    """Buckets on a Dask cluster; the tables travel as Arrow through the scheduler."""
    fn = fn or bucket.forecast_bucket
    distributed = require_dask()
    workers = worker_count(client)
    source = iter(buckets)
    run = uuid.uuid4().hex[:12]
    pending: dict[str, tuple[int, Any]] = {}
    queue = distributed.as_completed(loop=client.loop, raise_errors=False)

    def fill() -> None:
        while len(pending) < workers * IN_FLIGHT_PER_WORKER:
            nxt = next(source, None)
            if nxt is None:
                return
            key = f"skillpulse-bucket-{run}-{nxt[0]}"
            fut = client.submit(fn, nxt[1], key=key, pure=False, **params)
            pending[key] = (nxt[0], fut)
            queue.add(fut)

    fill()
    try:
        for fut in queue:
            idx, _ = pending.pop(fut.key)
            if fut.status == "error":
                raise BucketFailed(f"bucket {idx} failed: {fut.exception()}") from fut.exception()
            out = fut.result()
            fut.release()
            yield idx, out
            fill()
    finally:
        if pending:
            client.cancel([f for _, f in pending.values()], force=True)


def check_engine(engine: str, scheduler: str | None) -> None:
    if engine not in ENGINES:
        raise UsageError(f"--engine {engine!r}: expected one of {', '.join(ENGINES)}")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler needs --engine dask")
    if engine == "dask":
        require_dask()
