"""Look-alike names become one skill; absurd values and ambiguous dates are never silent."""
from __future__ import annotations

from pathlib import Path

import pytest
from skillpulse.data import store
from skillpulse.data.ingest import ingest_files

from tests.test_ingest_support import run_cli, write


def _skills(db: Path) -> list[str]:
    with store.read(db) as con:
        return [r[0] for r in con.execute("SELECT name FROM skill WHERE category <> 'market' "
                                          "ORDER BY name").fetchall()]


def test_look_alike_names_are_the_skill_they_imitate(tmp_path: Path) -> None:
    db = tmp_path / "d.duckdb"
    ingest_files([write(tmp_path / "a.csv", "skill,period,value\nPython,2020-01,1\n")], db)
    before = _skills(db)
    hostile = ("skill,period,value\nPy\u200bthon,2020-02,2\n\uff30\uff59\uff54\uff48\uff4f\uff4e,"
               "2020-03,3\n\u202egnp.exe,2020-01,1\n")
    ingest_files([write(tmp_path / "b.csv", hostile)], db)
    after = _skills(db)
    assert set(after) - set(before) == {"gnp.exe"}  # no second Python; the override is gone
    with store.read(db) as con:
        months = con.execute("SELECT count(*) FROM observation JOIN series USING (series_id) "
                             "JOIN skill USING (skill_id) WHERE name = 'Python'").fetchone()
    assert months == (3,)


def test_one_absurd_value_is_refused_naming_its_row(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rows = "".join(f"Go,2020-{m:02d},{10 + m}\n" for m in range(1, 13))
    path = write(tmp_path / "x.csv", "skill,period,value\n" + rows + "Go,2021-01,1e300\n")
    code, _, err = run_cli(["ingest", path, "--db", tmp_path / "d.duckdb"], capsys)
    assert code == 2 and "row 14, column 'value'" in err and "1e+300" in err


def test_an_ambiguous_date_column_says_its_order(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "d.csv", "skill,period,value\nGo,01/02/2020,1\n")
    code, out, err = run_cli(["ingest", path, "--db", tmp_path / "d.duckdb"], capsys)
    assert code == 0, err
    assert "read as day/month/year (DD/MM/YYYY)" in out + err
    with store.read(tmp_path / "d.duckdb") as con:
        assert con.execute("SELECT strftime(period, '%Y-%m') FROM observation").fetchall() == [
            ("2020-02",)]
