"""``skillpulse forecast`` and the contract columns of ``export outlook|forecast|backtest``."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from tests.forecast_fixtures import build_db, run_cli
from tests.test_contract_cli import OUTLOOK_COLUMNS

FORECAST_COLUMNS = ["skill", "source", "region", "occupation", "period", "mean", "lower_80",
                    "upper_80", "lower_95", "upper_95"]


@pytest.fixture(scope="module")
def forecast_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = build_db(tmp_path_factory.mktemp("cli") / "cli.duckdb")
    assert run_cli(["forecast", "--db", str(path), "--horizon", "9", "--jobs", "1"]) == 0
    return path


def _export(path: Path, kind: str, tmp_path: Path) -> pl.DataFrame:
    """The table as ``skillpulse export KIND --out FILE.csv`` writes it."""
    out = tmp_path / f"{kind}.csv"
    assert run_cli(["export", kind, "--db", str(path), "--out", str(out)]) == 0
    return pl.read_csv(out)


def test_export_outlook_has_the_contract_columns(forecast_db: Path, tmp_path: Path) -> None:
    df = _export(forecast_db, "outlook", tmp_path)
    assert df.columns == OUTLOOK_COLUMNS
    assert df.height == 6
    assert set(df["status"]) <= {"emerging", "rising", "stable", "declining", "obsolescent",
                                 "uncertain", "insufficient-history"}
    assert (df["horizon"] == 9).all()
    full = df.filter(pl.col("status") != "insufficient-history")
    assert full["forecast"].null_count() == 0 and full["backtest_mase"].null_count() == 0


def test_export_forecast_and_backtest(forecast_db: Path, tmp_path: Path) -> None:
    df = _export(forecast_db, "forecast", tmp_path)
    assert df.columns == FORECAST_COLUMNS and df.height == 6 * 9
    bt = _export(forecast_db, "backtest", tmp_path)
    assert {"skill", "model", "mase", "coverage_80", "coverage_95", "origins"} <= set(bt.columns)
    assert "headline" in bt["model"].to_list()


def test_bad_as_of_is_a_usage_error(forecast_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["forecast", "--db", str(forecast_db), "--as-of", "2019-13"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_help_teaches(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["forecast", "--help"]) == 0
    text = capsys.readouterr().out
    assert "--as-of" in text and "Benjamini-Hochberg" in text and "Examples" in text


def test_horizon_default_comes_from_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--horizon`` defaults to ``$SKILLPULSE_HORIZON`` (Settings.horizon), else 24."""
    from skillpulse.models import batch

    seen: list[int] = []
    monkeypatch.setattr(batch, "run_forecast", lambda db, *, horizon, **_: seen.append(horizon) or 1)
    db = str(build_db(tmp_path / "h.duckdb"))
    assert run_cli(["forecast", "--db", db]) == 0
    monkeypatch.setenv("SKILLPULSE_HORIZON", "7")
    assert run_cli(["forecast", "--db", db]) == 0
    assert run_cli(["forecast", "--db", db, "--horizon", "5"]) == 0
    assert seen == [24, 7, 5]
