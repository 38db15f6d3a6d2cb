"""A reader that closes the pipe early (``skillpulse export series | head -1``) is how pipes end:
the command stops quietly with exit 0, no message and no traceback, for every command that writes a
table to standard output. Other write failures on standard output stay usage errors (exit 2)."""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data.errors import UsageError
from skillpulse.data.tables import write_table


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("skillpulse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "skillpulse"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SKILLPULSE_")}


@contextlib.contextmanager
def closed_stdout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``sys.stdout`` is the write end of a pipe whose reader has gone (set inside the test:
    pytest's capture replaces ``sys.stdout`` again after fixtures ran)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    stream = io.TextIOWrapper(os.fdopen(write_end, "wb"), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", stream)
        yield
    with contextlib.suppress(OSError):
        stream.close()


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_a_closed_pipe_is_a_broken_pipe_not_a_usage_error(monkeypatch: pytest.MonkeyPatch,
                                                         fmt: str) -> None:
    # polars raises a plain OSError('Broken pipe (os error 32)') without an errno: once it read
    # as "cannot write to standard output (None)", exit 2
    frame = pl.DataFrame({"skill": ["Rust"] * 50_000, "value": [1.5] * 50_000})
    with closed_stdout(monkeypatch), pytest.raises(BrokenPipeError):
        write_table(frame, None, fmt)


def test_a_full_standard_output_is_still_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    if not Path("/dev/full").exists() or Path("/dev/full").is_file():
        pytest.skip("/dev/full is not a device here")
    with open("/dev/full", "w") as full:
        monkeypatch.setattr(sys, "stdout", full)
        with pytest.raises(UsageError, match="cannot write to standard output"):
            write_table(pl.DataFrame({"a": list(range(100_000))}), None)


def _closed_early(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``skillpulse ARGS`` with standard output a pipe nobody reads (closed before the
    command writes anything, as ``| head -0`` would)."""
    proc = subprocess.Popen([*_cli(), *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    assert proc.stdout is not None
    proc.stdout.close()
    _, err = proc.communicate(timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode, "", err)


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pipes")
    rows = [(f"Skill{k}", f"{2020 + m // 12}-{m % 12 + 1:02d}", 10.0 + k + m)
            for k in range(3) for m in range(30)]
    pl.DataFrame(rows, schema=["skill", "period", "value"], orient="row").write_csv(
        root / "terms.csv")
    db = root / "skills.duckdb"
    done = subprocess.run([*_cli(), "ingest", str(root / "terms.csv"), "--db", str(db)],
                          capture_output=True, text=True, env=_env(), timeout=120)
    assert done.returncode == 0, done.stderr
    return db


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_to_a_closed_pipe_ends_quietly(small_db: Path, fmt: str) -> None:
    done = _closed_early("export", "series", "--db", small_db, "--as", fmt)
    assert (done.returncode, done.stderr) == (0, "")


def test_extract_to_a_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    postings = tmp_path / "postings.csv"
    postings.write_text("id,description\n1,Python and SQL wanted\n2,Kubernetes on AWS\n")
    done = _closed_early("extract", postings, "--taxonomy",
                         Path(__file__).parents[1] / "data" / "taxonomy" / "skills.csv")
    assert (done.returncode, done.stderr) == (0, "")
