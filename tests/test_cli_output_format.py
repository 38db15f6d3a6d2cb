"""``--out`` and ``--as`` (export, changes, extract, catalogue, gaps): the ``--out`` suffix (.csv,
.parquet, .json) picks the format; ``--as`` picks it for stdout or a name without such a suffix;
``--as`` contradicting the suffix (``--out y.csv --as parquet``) is refused with exit 2 before any
work, and nothing is written."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data.errors import UsageError
from skillpulse.data.tables import format_from_path

from tests.forecast_fixtures import build_db, run_cli


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("formats") / "formats.duckdb")


@pytest.mark.parametrize(("out", "fmt"), [("y.csv", "parquet"), ("y.parquet", "csv"),
                                          ("y.JSON", "csv"), ("y.csv", "json")])
def test_as_contradicting_the_suffix_is_refused(out: str, fmt: str) -> None:
    with pytest.raises(UsageError, match=f"--out {out} names a .* file but --as {fmt}"):
        format_from_path(out, fmt)


@pytest.mark.parametrize("order", ["out-first", "as-first"])
@pytest.mark.parametrize("command", [["export", "series"], ["changes"]])
def test_the_commands_refuse_it_before_any_work(db: Path, tmp_path: Path, command: list[str],
                                                order: str, capsys: pytest.CaptureFixture[str]
                                                ) -> None:
    out = tmp_path / "y.csv"
    pair = (["--out", str(out), "--as", "parquet"] if order == "out-first"
            else ["--as", "parquet", "--out", str(out)])
    assert run_cli([*command, "--db", str(db), *pair]) == 2
    err = capsys.readouterr().err
    assert "names a CSV file but --as parquet writes Parquet; name it y.parquet" in err, err
    assert list(tmp_path.iterdir()) == []


def test_the_suffix_picks_the_format_and_as_serves_other_names(db: Path, tmp_path: Path) -> None:
    for name in ("s.parquet", "s.json", "s.csv"):
        assert run_cli(["export", "series", "--db", str(db), "--out", str(tmp_path / name)]) == 0
    series = pl.read_parquet(tmp_path / "s.parquet")
    assert pl.read_csv(tmp_path / "s.csv", try_parse_dates=True).height == series.height
    assert len(json.loads((tmp_path / "s.json").read_text())) == series.height
    # an agreeing --as, and --as for a name without a known suffix
    assert run_cli(["export", "series", "--db", str(db), "--out", str(tmp_path / "a.parquet"),
                    "--as", "parquet"]) == 0
    assert run_cli(["export", "series", "--db", str(db), "--out", str(tmp_path / "b.txt"),
                    "--as", "parquet"]) == 0
    assert pl.read_parquet(tmp_path / "b.txt").height == series.height
    assert run_cli(["export", "series", "--db", str(db), "--out", str(tmp_path / "c.txt")]) == 0
    assert pl.read_csv(tmp_path / "c.txt").height == series.height  # no known suffix: CSV
