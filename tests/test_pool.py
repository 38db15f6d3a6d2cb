"""The one process pool (``data.pool``): workers die with their owner, one BLAS thread each."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from skillpulse.data.pool import THREAD_VARS, process_pool

_OWNER = """
import sys, time
from skillpulse.data.pool import process_pool
pool = process_pool(2)
futures = [pool.submit(time.sleep, 120) for _ in range(4)]
print(" ".join(map(str, pool.pids())), flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and prctl are Linux")
def test_workers_die_when_the_owner_is_killed() -> None:
    # The reproduction of the orphaned forecast workers: the owner is SIGKILLed (no clean-up
    # runs) while its workers are busy and more tasks are queued.
    owner = subprocess.Popen([sys.executable, "-c", _OWNER], stdout=subprocess.PIPE, text=True,
                             start_new_session=True)
    try:
        assert owner.stdout is not None
        pids = [int(p) for p in owner.stdout.readline().split()]
        assert len(pids) == 2 and all(_alive(p) for p in pids)
        os.kill(owner.pid, signal.SIGKILL)
        owner.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.1)
        assert not [p for p in pids if _alive(p)], "pool workers outlived their owner"
    finally:
        if owner.poll() is None:
            owner.kill()
        for p in pids if "pids" in locals() else []:
            if _alive(p):
                os.kill(p, signal.SIGKILL)


def test_workers_run_one_blas_thread_and_the_owner_env_is_restored() -> None:
    from threadpoolctl import threadpool_info

    before = {k: os.environ.get(k) for k in THREAD_VARS}
    with process_pool(2, preload=("numpy",)) as pool:
        env = pool.submit(os.getenv, "OMP_NUM_THREADS").result()
        pools = pool.submit(threadpool_info).result()
    assert env == "1"
    assert pools, "numpy's BLAS is loaded in the worker"
    assert {p["num_threads"] for p in pools} == {1}
    assert {k: os.environ.get(k) for k in THREAD_VARS} == before


def test_an_error_in_the_owner_terminates_busy_workers() -> None:
    with pytest.raises(RuntimeError), process_pool(2) as pool:
        pool.submit(time.sleep, 60)
        pids = pool.pids()
        raise RuntimeError("caller failed")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    assert not [p for p in pids if _alive(p)]
