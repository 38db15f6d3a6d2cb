"""Catalogue and inventory files: bad input names file, row and column; good input parses."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data.errors import InputError
from skillpulse.data.planning_io import parse_courses, parse_inventory, read_courses


def _err(fn, data: bytes, name: str = "f.csv") -> InputError:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as exc:
        fn(data, name)
    return exc.value


def test_good_catalogue_parses_with_optional_columns() -> None:
    df = parse_courses(b"\xef\xbb\xbfCourse_ID,Title,Skills,Hours,last_updated\n"
                       b'C1,"Intro, part 1", Python | k8s ||,2.5,2024-03\n', "c.csv")
    row = df.row(0, named=True)
    assert row["course_id"] == "C1" and row["title"] == "Intro, part 1"
    assert row["skills"] == ["Python", "k8s"]
    assert row["hours"] == 2.5 and row["last_updated"] == dt.date(2024, 3, 1)
    assert row["row"] == 2


def test_semicolon_and_parquet_accepted(tmp_path: Path) -> None:
    assert parse_courses(b"course_id;title;skills\nC1;T;Go\n", "c.csv")["skills"][0].to_list() == ["Go"]
    p = tmp_path / "c.parquet"
    pl.DataFrame({"course_id": ["A"], "title": ["t"], "skills": ["SQL|Excel"]}).write_parquet(p)
    assert read_courses(p)["skills"][0].to_list() == ["SQL", "Excel"]


@pytest.mark.parametrize(("data", "row", "column", "words"), [
    (b"course_id,title\nC1,T\n", 1, "skills", "missing column"),
    (b"course_id,title,skills\nC1,T,Go\nC1,U,Go\n", 3, "course_id", "already used in row 2"),
    (b"course_id,title,skills\nC1,T,\n", 2, "skills", "empty value"),
    (b"course_id,title,skills\nC1,T, | \n", 2, "skills", "no skill names"),
    (b"course_id,title,skills,hours\nC1,T,Go,-3\n", 2, "hours", "number >= 0"),
    (b"course_id,title,skills,hours\nC1,T,Go,nan\n", 2, "hours", "number >= 0"),
    (b"course_id,title,skills,last_updated\nC1,T,Go,last year\n", 2, "last_updated", "not a date"),
    (b"course_id,title,skills\nC1,T,Go,extra\n", 2, None, "expected 3 fields"),
    (b'course_id,title,skills\nC1,"T,Go\n', 2, None, "not terminated"),
    (b"course_id,title,skills\nC1,T,Go\nC2,T\xe9,Go\n", 3, "title", "not UTF-8"),
    (b"course_id,title,course_id,skills\nC1,T,C1,Go\n", 1, "course_id", "appears twice"),
    (b"course_id,title,skills\n", 2, None, "no data rows"),
])
def test_bad_catalogue(data: bytes, row: int | None, column: str | None, words: str) -> None:
    err = _err(parse_courses, data, "courses.csv")
    assert err.file == "courses.csv" and err.row == row and err.column == column
    assert words in str(err) and str(err).startswith("courses.csv")


def test_bad_catalogue_file_level() -> None:
    assert "empty" in str(_err(parse_courses, b""))
    err = _err(parse_courses, b"course_id|title|skills\nC1|T|Go\n")
    assert "separated by commas" in str(err)
    assert "Parquet" in str(_err(parse_courses, b"PAR1 not really", "x.parquet"))
    long = "x" * 500
    err = _err(parse_courses, f"course_id,title,skills\nC1,T,{long}\n".encode())
    assert err.row == 2 and err.column == "skills" and "at most" in str(err)
    with pytest.raises(InputError, match="no such file"):
        read_courses("/nonexistent/c.csv")


def test_good_inventory_with_synonyms() -> None:
    df = parse_inventory(b"Employee,Skill,Proficiency,Team\nAna,SQL,3,Data\nAna,Go,,Data\n", "i.csv")
    assert df["person"].to_list() == ["Ana", "Ana"]
    assert df["proficiency"].to_list() == [3, None] and df["team"].to_list() == ["Data", "Data"]
    roles = parse_inventory(b"role,skill\nData engineer,SQL\n", "r.csv")
    assert roles["person"].to_list() == ["Data engineer"]
    teams = parse_inventory(b"team,skill,proficiency\nOps,Linux,4.0\n", "t.csv")
    assert teams["person"].to_list() == ["Ops"] and teams["proficiency"].to_list() == [4]


@pytest.mark.parametrize(("data", "row", "column", "words"), [
    (b"person,proficiency\nAna,3\n", 1, "skill", "missing column"),
    (b"skill,proficiency\nSQL,3\n", 1, "person", "missing column"),
    (b"person,skill,proficiency\nAna,SQL,6\n", 2, "proficiency", "whole number from 1"),
    (b"person,skill,proficiency\nAna,SQL,2.5\n", 2, "proficiency", "whole number from 1"),
    (b"person,skill,proficiency\nAna,SQL,expert\n", 2, "proficiency", "whole number from 1"),
    (b"person,skill\nAna,SQL\n,Go\n", 3, "person", "empty value"),
    (b"person,skill\nAna,SQL\nAna,sql\n", 3, "skill", "already lists"),
    (b"person,skill\nAna,SQL\nBo,\xff\xfe\n", 3, "skill", "not UTF-8"),
])
def test_bad_inventory(data: bytes, row: int, column: str, words: str) -> None:
    err = _err(parse_inventory, data, "team.csv")
    assert (err.file, err.row, err.column) == ("team.csv", row, column)
    assert words in str(err)


def test_parquet_inventory_bad_value_has_row() -> None:
    buf = io.BytesIO()
    pl.DataFrame({"person": ["A", "B"], "skill": ["SQL", "Go"], "proficiency": [3, 9]}).write_parquet(buf)
    err = _err(parse_inventory, buf.getvalue(), "t.parquet")
    assert (err.row, err.column) == (3, "proficiency")
