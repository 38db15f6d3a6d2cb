"""Regressions found by black-box QA: incomplete edge months of sub-monthly counts, files of one
command that overlap, and ``export series`` files ingested back (measure and category columns)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from skillpulse.data.ingest import ingest_files

from tests.test_ingest_support import SERIES_SQL, rows, run_cli, write


def _daily(skill: str, first: dt.date, last: dt.date, value: float, extra: str = "") -> str:
    out, day = [], first
    while day <= last:
        out.append(f"{skill},{day.isoformat()},{value:g}{extra}\n")
        day += dt.timedelta(days=1)
    return "".join(out)


def _values(db: Path) -> list[tuple[object, ...]]:
    return [(r[0], r[5], r[6], r[7], r[8]) for r in rows(db, SERIES_SQL)]


def test_partial_last_month_of_daily_counts_is_dropped_with_a_note(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A flat 10/day series ending on 8 January: January must not be stored as 80 (a false fall).
    src = write(tmp_path / "daily.csv", "skill,period,value\n"
                + _daily("Zebraflow", dt.date(2023, 11, 1), dt.date(2024, 1, 8), 10))
    db = tmp_path / "db.duckdb"
    code, out, err = run_cli(["ingest", src, "--db", db], capsys)
    assert code == 0, err
    assert _values(db) == [("Zebraflow", "count", "2023-11", 300.0, None),
                           ("Zebraflow", "count", "2023-12", 310.0, None)]
    assert "incomplete month 2024-01 (days 1–8 of 31); data daily: dropped 1 count value" in err
    assert "months 2023-11..2023-12" in out


def test_partial_first_month_and_weekly_edges(tmp_path: Path) -> None:
    # Daily data starting mid-month: the first month is dropped too.
    db = tmp_path / "db.duckdb"
    src = write(tmp_path / "mid.csv", "skill,period,value\n"
                + _daily("Zebraflow", dt.date(2023, 11, 15), dt.date(2023, 12, 31), 1))
    ingest_files([src], db)
    assert [r[2:4] for r in _values(db)] == [("2023-12", 31.0)]
    # Weekly data: the last week (starting 22 Jan) ends before 31 January → January dropped;
    # the first week starts on the 2nd, within a week of the month start → October kept.
    weeks = [dt.date(2023, 10, 2) + dt.timedelta(weeks=k) for k in range(17)]
    assert weeks[-1] == dt.date(2024, 1, 22)
    db2 = tmp_path / "db2.duckdb"
    src2 = write(tmp_path / "weekly.csv", "skill,period,value\n"
                 + "".join(f"Quokka,{w},7\n" for w in weeks))
    summary = ingest_files([src2], db2)
    assert [r[2] for r in _values(db2)] == ["2023-10", "2023-11", "2023-12"]
    assert any("2024-01" in n and "weekly" in n for n in summary.files[0].notes)


def test_partial_month_keeps_shares_and_indices_as_means_without_total(tmp_path: Path) -> None:
    body = (_daily("Zebraflow", dt.date(2023, 12, 1), dt.date(2023, 12, 31), 4, ",100")
            + _daily("Zebraflow", dt.date(2024, 1, 1), dt.date(2024, 1, 8), 6, ",100"))
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "s.csv", "skill,period,value,total\n" + body)], db,
                           measure="share")
    assert _values(db) == [("Zebraflow", "share", "2023-12", 4.0, 3100.0),
                           ("Zebraflow", "share", "2024-01", 6.0, None)]
    assert any("kept 1 share/index values" in n for n in summary.files[0].notes)


def test_month_ending_on_a_weekend_is_whole_for_business_day_counts(tmp_path: Path) -> None:
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=k) for k in range(60)]
    weekdays = [d for d in days if d.weekday() < 5 and d <= dt.date(2024, 2, 29)]
    assert weekdays[-1] == dt.date(2024, 2, 29) and dt.date(2024, 3, 31).weekday() == 6
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "b.csv", "skill,period,value\n"
                        + "".join(f"Go,{d},1\n" for d in weekdays))], db)
    assert [r[2:4] for r in _values(db)] == [("2024-01", 23.0), ("2024-02", 21.0)]


def test_files_of_one_command_that_overlap_count_distinct_series_and_say_so(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a = write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\nGo,2020-02,2\nRust,2020-01,3\n")
    b = write(tmp_path / "b.csv", "skill,period,value\nGo,2020-02,20\nGo,2020-03,30\nJava,2020-01,4\n")
    db = tmp_path / "db.duckdb"
    code, out, err = run_cli(["ingest", a, b, "--db", db], capsys)
    assert code == 0, err
    assert "5 monthly values in 3 series, 3 skills" in out
    assert f"{b}: overlaps {a} on 1 (series, month) values" in err
    assert ("Go", "count", "2020-02", 20.0, None) in _values(db)


def test_export_series_file_ingests_back_with_its_measures_and_categories(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    exported = ("skill,category,source,region,occupation,measure,period,value,total\n"
                "Zebraflow,Data engineering,survey,,,share,2020-01-01,12.5,400\n"
                "Zebraflow,Data engineering,survey,,,share,2020-02-01,13.5,\n"
                "Python,Ignored for a known skill,survey,,,index,2020-01-01,101,\n"
                "Quokka,,survey,,,count,2020-01-01,7,\n")
    db = tmp_path / "db.duckdb"
    code, _out, err = run_cli(["ingest", write(tmp_path / "series.csv", exported), "--db", db],
                              capsys)
    assert code == 0, err
    got = rows(db, SERIES_SQL)
    assert ("Zebraflow", "Data engineering", "survey", "", "", "share", "2020-01", 12.5, 400.0) in got
    assert ("Quokka", "uncategorised", "survey", "", "", "count", "2020-01", 7.0, None) in got
    python = [r for r in got if r[0] == "Python"]
    assert [r[5] for r in python] == ["index"] and python[0][1] != "Ignored for a known skill"
    assert "ignored columns" not in err


def test_ingest_short_help_is_a_useful_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_cli(["--help"], capsys)
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("ingest "))
    assert code == 0 and "Load skill-demand files (CSV/Parquet/JSONL)" in line
    assert "FILE..." not in out


@pytest.mark.parametrize("grid", [True, False], ids=["dense-grid", "per-series"])
def test_duplicate_month_check_both_paths(grid: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl
    from skillpulse.data.ingest import load

    if not grid:
        monkeypatch.setattr(load, "GRID_MAX_CELLS", 0)
    months = [dt.date(2000 + k // 12, k % 12 + 1, 1) for k in range(40)]
    ok = pl.DataFrame({"series_id": [s for s in (3, 90) for _ in months],
                       "period": months * 2})
    assert not load._has_duplicates(ok)
    # February and March 2000 are 29 days apart: distinct months must stay distinct.
    dup = pl.concat([ok, ok[41:42]])
    assert load._has_duplicates(dup)
    assert not load._has_duplicates(ok.head(0))
