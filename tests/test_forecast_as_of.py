"""``skillpulse forecast --as-of``: a month outside the data (2016-01..2021-12 here) is refused with
exit 2 and a sentence naming the data's edge, and nothing is written; the edges themselves run."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.forecast_fixtures import build_db, read_table, run_cli


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("as_of") / "as_of.duckdb")


def _runs(db: Path) -> int:
    return int(read_table(db, "SELECT count(*) AS n FROM forecast_run")["n"][0])


@pytest.mark.parametrize(("as_of", "sentence"), [
    ("2030-01", "--as-of 2030-01 is after the last month with data (2021-12)"),
    ("2022-01", "--as-of 2022-01 is after the last month with data (2021-12)"),
    ("2015-12", "--as-of 2015-12 is before the first month with data (2016-01)"),
])
def test_an_as_of_outside_the_data_is_refused(db: Path, as_of: str, sentence: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["forecast", "--db", str(db), "--as-of", as_of, "--jobs", "1"]) == 2
    err = capsys.readouterr().err
    assert sentence in err and err.count("\n") == 1, err
    assert _runs(db) == 0


def test_the_first_and_last_months_with_data_are_accepted(db: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from skillpulse.models import batch

    seen: list[dt.date] = []
    monkeypatch.setattr(batch, "run_forecast", lambda db, *, as_of, **_: seen.append(as_of) or 1)
    for as_of in ("2016-01", "2021-12", "2021-12-31"):
        assert run_cli(["forecast", "--db", str(db), "--as-of", as_of, "--jobs", "1"]) == 0
    assert seen == [dt.date(2016, 1, 1), dt.date(2021, 12, 1), dt.date(2021, 12, 1)]
