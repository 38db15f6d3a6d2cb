"""Result files: formula escaping, formats by suffix, atomic writes, clear errors for bad paths."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from skillpulse.data.errors import UsageError
from skillpulse.data.tables import escape_formulas, format_from_path, write_table


def test_formula_cells_get_a_leading_quote() -> None:
    df = pl.DataFrame({"a": ["=1+1", "+x", "-3", "@SUM", "plain", None], "n": [1, 2, 3, 4, 5, 6]})
    got = escape_formulas(df)["a"].to_list()
    assert got == ["'=1+1", "'+x", "'-3", "'@SUM", "plain", None]


def test_format_follows_suffix_unless_explicit() -> None:
    assert format_from_path("x.parquet", None) == "parquet"
    assert format_from_path("x.JSON", None) == "json"
    assert format_from_path("x.txt", None) == "csv"
    assert format_from_path("x.txt", "json") == "json"
    assert format_from_path("-", "parquet") == "parquet"
    with pytest.raises(UsageError):
        format_from_path(None, "xlsx")


def test_write_roundtrip_and_no_temp_files_left(tmp_path: Path) -> None:
    df = pl.DataFrame({"skill": ["Rust"], "value": [1.5]})
    for name in ("o.csv", "o.parquet", "o.json"):
        write_table(df, str(tmp_path / name))
    assert pl.read_parquet(tmp_path / "o.parquet").equals(df)
    assert pl.read_csv(tmp_path / "o.csv").equals(df)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv", "o.json", "o.parquet"]


@pytest.mark.parametrize("bad", ["missing_dir/x.csv", "afile.csv/x.csv", "adir"])
def test_unwritable_targets_are_usage_errors(tmp_path: Path, bad: str) -> None:
    (tmp_path / "afile.csv").write_text("keep me")
    (tmp_path / "adir").mkdir()
    with pytest.raises(UsageError):
        write_table(pl.DataFrame({"a": [1]}), str(tmp_path / bad))
    assert (tmp_path / "afile.csv").read_text() == "keep me"


def test_a_device_is_written_in_place_never_replaced(tmp_path: Path) -> None:
    """Renaming a temporary file over /dev/full would replace the device node (seen as root)."""
    import os
    import stat

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_table(pl.DataFrame({"a": [1]}), str(fifo))
        assert os.read(reader, 100) == b"a\n1\n"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_full_device_is_a_usage_error() -> None:
    if not Path("/dev/full").exists() or Path("/dev/full").is_file():
        pytest.skip("/dev/full is not a device here")
    with pytest.raises(UsageError, match="cannot write"):
        write_table(pl.DataFrame({"a": [1]}), "/dev/full")
    assert not Path("/dev/full").is_file()
