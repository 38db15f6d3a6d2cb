"""Browser-test support: a real dashboard server (gunicorn via ``run_server``) in a subprocess on a
free port, and headless Debian Chromium driven by Playwright (never a downloaded browser)."""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"dashboard did not start at {url}")
        time.sleep(0.2)


@contextlib.contextmanager
def running_server(db_path: str | Path, *, cache_size: int | None = None,
                   log: Path | None = None, settings: dict[str, str] | None = None) -> Iterator[str]:
    """Start ``skillpulse.dashboard.server.run_server`` for ``db_path`` (``settings``: name →
    value, passed as ``SKILLPULSE_<NAME>``); yields the base URL; stops it after."""
    port = free_port()
    env = dict(os.environ)
    if cache_size is not None:
        env["SKILLPULSE_CACHE_SIZE"] = str(cache_size)
    env.update({f"SKILLPULSE_{k.upper()}": v for k, v in (settings or {}).items()})
    # the server stops itself (SIGTERM: gunicorn's graceful stop) when the test process that
    # started it is gone without its teardown (a pytest worker killed by a timeout)
    code = ("import os, signal, threading, time\n"
            "def _watch(parent=os.getppid()):\n"
            "    while os.getppid() == parent:\n"
            "        time.sleep(0.5)\n"
            "    os.kill(os.getpid(), signal.SIGTERM)\n"
            "threading.Thread(target=_watch, daemon=True).start()\n"
            "from skillpulse.dashboard.server import run_server\n"
            f"run_server({str(db_path)!r}, port={port})\n")
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    try:
        with serving([sys.executable, "-c", code], port, env=env, out=out) as base:
            yield base
    finally:
        if log:
            out.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def serving(argv: list[str], port: int, *, env: dict[str, str] | None = None,
            out: Any = subprocess.DEVNULL) -> Iterator[str]:
    """Run the HTTP server ``argv`` (listening on 127.0.0.1:``port``) in its own session; yields
    its base URL once ``/`` answers; stops it after (terminate, then kill after 15 s)."""
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def chromium_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return Path(CHROMIUM).exists()


def launch(playwright):  # type: ignore[no-untyped-def]
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium under Playwright, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield browser
        finally:
            browser.close()
