"""Bad input through the real CLI: exit 2, one sentence naming file/row/column, database unchanged."""
from __future__ import annotations

import fcntl
import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data import store

from tests.test_ingest_support import fingerprint, run_cli, write

GOOD = "skill,period,value\nPython,2020-01,1\nJava,2020-01,2\n"

# name, file content, extra CLI args, expected row, expected column, phrase in the message
CASES: list[tuple[str, str | bytes, list[str], int | None, str | None, str]] = [
    ("misnamed-column", "skil,period,value\nPython,2020-01,1\n", [], 1, "skill", "did you mean 'skil'"),
    ("missing-column", "skill,period\nPython,2020-01\n", ["--format", "long"], 1, "value",
     "missing column 'value'"),
    ("period-month-13", GOOD + "Go,2020-13,3\n", [], 4, "period", "'2020-13' is not a period"),
    ("period-text", GOOD + "Go,last spring,3\n", [], 4, "period", "expected a month YYYY-MM"),
    ("period-empty", GOOD + "Go,,3\n", [], 4, "period", "is empty"),
    ("value-text", GOOD + "Go,2020-01,abc\n", [], 4, "value", "'abc' is not a number"),
    ("value-decimal-comma", GOOD + 'Go,2020-01,"1,5"\n', [], 4, "value", "decimal separator"),
    ("value-negative", GOOD + "Go,2020-01,-3\n", [], 4, "value", "≥ 0"),
    ("value-nan", GOOD + "Go,2020-01,NaN\n", [], 4, "value", "NaN"),
    ("value-infinite", GOOD + "Go,2020-01,inf\n", [], 4, "value", "infinite"),
    ("value-missing", GOOD + "Go,2020-01,\n", [], 4, "value", "is empty"),
    ("share-above-100", GOOD + "Go,2020-01,100.5\n", ["--measure", "share"], 4, "value", "0–100"),
    ("total-negative", "skill,period,value,total\nGo,2020-01,1,-5\n", [], 2, "total", "≥ 0"),
    ("skill-too-long", GOOD + "x" * 201 + ",2020-01,3\n", [], 4, "skill", "limit is 200"),
    ("skill-empty", GOOD + " ,2020-01,3\n", [], 4, "skill", "is empty"),
    ("unterminated-quote", GOOD + '"Go,2020-01,3\nRust,2020-01,4\n', [], 4, None, "never closed"),
    ("stray-quote", GOOD + 'G"o,2020-01,3\n', [], 4, "skill", "quote character"),
    ("duplicate-month", GOOD + "Python,2020-01,5\n", [], 4, "period", "first given on row 2"),
    ("duplicate-month-by-case", GOOD + "python,2020-01,5\n", [], 4, "period", "the same skill as 'Python'"),
    ("duplicate-date", "skill,period,value\nGo,2020-01-03,1\nGo,2020-01-04,1\nGo,2020-01-03,2\n", [],
     4, "period", "for the date 2020-01-03"),
    ("duplicate-month-segment", "skill,period,value,region\nGo,2020-01,1,US\nGo,2020-01,1,DE\n"
     "Go,2020-01,2,US\n", [], 4, "period", "region 'US'"),
    ("empty-file", "", [], None, None, "is empty"),
    ("whitespace-file", "\n\n  \n", [], None, None, "is empty"),
    ("header-only", "skill,period,value\n", [], None, None, "no data rows"),
    ("semicolon-delimiter", "skill;period;value\nPython;2020-01;1\n", [], 1, None, "semicolon"),
    ("tab-delimiter", "skill\tperiod\tvalue\nPython\t2020-01\t1\n", [], 1, None, "tab"),
    ("latin-1-bytes", b"skill,period,value\nPython,2020-01,1\nJ\xe9va,2020-01,2\n", [], 3, "skill",
     "not UTF-8"),
    ("latin-1-header", b"sk\xefll,period,value\nPython,2020-01,1\n", [], 1, None, "not UTF-8"),
    ("unknown-format", "foo,bar\n1,2\n", [], 1, None, "cannot tell the format from its columns (foo, bar)"),
    ("fewer-fields", GOOD + "Go,2020-01\n", [], 4, None, "has 2 fields but the header has 3"),
    ("more-fields", GOOD + "Go,2020-01,1,9\n", [], 4, None, "has 4 fields but the header has 3"),
    ("duplicate-header", "skill,Skill,value\nPython,2020-01,1\n", [], 1, "Skill", "twice"),
    ("empty-header-name", "skill,period,value,\nPython,2020-01,1,\n", [], 1, None, "has no name"),
    ("excel-workbook", b"PK\x03\x04" + b"\x00" * 40, [], None, None, "Excel"),
    ("gzip-file", gzip.compress(GOOD.encode()), [], None, None, "decompress it first"),
    ("unknown-measure-for-hn", "month,num_comments,term,count,percentage,rank\n2020-01-01,10,Go,1,10,1\n",
     ["--measure", "count"], None, None, "does not apply to the hn-whoishiring format"),
    ("measure-for-indeed", "date,jobcountry,indeed_job_postings_index_SA\n2020-02-01,US,100\n",
     ["--measure", "count"], None, None, "whose values are an index"),
    # QA regressions: a count above its market total, HN count/rank cells, control characters,
    # a bad measure column, a count file lying inside one incomplete month.
    ("total-below-value", "skill,period,value,total\nGo,2020-01,50,100\nGo,2020-02,85,20\n", [], 3,
     "total", "total (20) is below value (85): total must be the market's postings that month"),
    ("wide-total-below-value", "month,Zebralang,Quokkascript,total\n2020-01,3,4,10\n2020-02,5,12,11\n",
     [], 3, "total", "total (11) is below value (12)"),
    ("hn-count-text", "month,num_comments,term,count,percentage,rank\n2024-06-01,300,Python,abc,5.0,xyz\n",
     [], 2, "count", "'abc' is not a number"),
    ("hn-count-negative", "month,num_comments,term,count,percentage,rank\n2024-06-01,300,Python,-4,5.0,1\n",
     [], 2, "count", "≥ 0"),
    ("hn-rank-text", "month,num_comments,term,count,percentage,rank\n2024-06-01,300,Python,15,5.0,xyz\n",
     [], 2, "rank", "'xyz' is not a number"),
    ("skill-newline", GOOD + '"Py\nthon",2020-01,3\n', [], 4, "skill", "'Py\\nthon' contains a control"),
    ("skill-tab", GOOD + "Py\tthon,2020-01,3\n", [], 4, "skill", "control character"),
    ("measure-column-bad", "skill,period,value,measure\nGo,2020-01,1,count\nGo,2020-02,1,percent\n", [],
     3, "measure", "'percent' is not a measure; expected count, share or index"),
    ("measure-column-share-above-100",
     "skill,period,value,measure\nGo,2020-01,1,count\nJS,2020-01,120,share\n",
     [], 3, "value", "above the maximum 100"),
    ("count-inside-one-partial-month", "skill,period,value\n" + "".join(
        f"Go,2024-01-0{d},10\n" for d in range(1, 6)), [], None, "period", "covers only part of a month"),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one good batch (so "unchanged" is checked against real content)."""
    folder = tmp_path_factory.mktemp("seeded")
    db = folder / "s.duckdb"
    from skillpulse.data.ingest import ingest_files

    ingest_files([write(folder / "good.csv", GOOD)], db)
    return db


def _assert_one_sentence(err: str, name: str, row: int | None, column: str | None, phrase: str) -> None:
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("error: "), line
    assert "Traceback" not in err
    assert name in line, line
    if row is not None:
        assert f"row {row}" in line, line
    if column is not None:
        assert f"column '{column}'" in line, line
    assert phrase in line, line


@pytest.mark.parametrize(("case", "content", "args", "row", "column", "phrase"), CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input_exits_2_and_changes_nothing(
        case: str, content: str | bytes, args: list[str], row: int | None, column: str | None,
        phrase: str, seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / f"{case}.csv", content)
    before = fingerprint(seeded)
    code, out, err = run_cli(["ingest", path, "--db", seeded, *args], capsys)
    assert code == 2, (out, err)
    _assert_one_sentence(err, path.name, row, column, phrase)
    assert fingerprint(seeded) == before


def test_bad_file_among_good_ones_loads_nothing(seeded: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    good = write(tmp_path / "more.csv", "skill,period,value\nRust,2020-02,7\n")
    bad = write(tmp_path / "bad.csv", "skill,period,value\nGo,2020-02,oops\n")
    before = fingerprint(seeded)
    code, _, err = run_cli(["ingest", good, bad, "--db", seeded], capsys)
    assert code == 2 and "bad.csv, row 2, column 'value'" in err
    assert fingerprint(seeded) == before


def test_new_database_is_not_created_by_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "new.duckdb"
    bad = write(tmp_path / "bad.csv", "skill,period,value\nGo,2020-02,-1\n")
    code, _, _ = run_cli(["ingest", bad, "--db", db], capsys)
    assert code == 2
    assert not db.exists() and not db.is_symlink()


def test_missing_file_and_folder(seeded: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = fingerprint(seeded)
    code, _, err = run_cli(["ingest", tmp_path / "nope.csv", "--db", seeded], capsys)
    assert code == 2 and "nope.csv: no such file" in err
    (tmp_path / "folder").mkdir()
    code, _, err = run_cli(["ingest", tmp_path / "folder", "--db", seeded], capsys)
    assert code == 2 and "is a folder" in err
    dangling = tmp_path / "link.csv"
    dangling.symlink_to(tmp_path / "gone.csv")
    code, _, err = run_cli(["ingest", dangling, "--db", seeded], capsys)
    assert code == 2 and "link.csv" in err
    assert fingerprint(seeded) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "secret.csv", GOOD)
    path.chmod(0)
    code, _, err = run_cli(["ingest", path, "--db", tmp_path / "db.duckdb"], capsys)
    assert code == 2 and "cannot be read" in err


def test_database_that_is_not_duckdb(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = write(tmp_path / "notes.duckdb", "just some text, not a database\n")
    src = write(tmp_path / "good.csv", GOOD)
    code, _, err = run_cli(["ingest", src, "--db", db], capsys)
    assert code == 2
    assert "not a DuckDB database" in err and "Traceback" not in err
    assert db.read_text() == "just some text, not a database\n"


def test_database_locked_by_another_process(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    db = tmp_path / "plain.duckdb"
    duckdb.connect(str(db)).close()  # a plain DuckDB file, written in place
    holder = subprocess.Popen(
        [sys.executable, "-c", "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
         "print('ready', flush=True); time.sleep(60)", str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        before = db.read_bytes()
        code, _, err = run_cli(["ingest", write(tmp_path / "good.csv", GOOD), "--db", db], capsys)
        assert code == 2 and "locked" in err, err
        assert db.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


def test_database_locked_by_another_writer(seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    real_lock = store._writer_lock
    monkeypatch.setattr(store, "_writer_lock", lambda path, timeout=30.0: real_lock(path, timeout=0.3))
    lock = seeded.with_name(seeded.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        before = fingerprint(seeded)
        t = time.monotonic()
        code, _, err = run_cli(["ingest", write(tmp_path / "x.csv", "skill,period,value\nZig,2021-01,1\n"),
                                "--db", seeded], capsys)
        assert code == 2 and "locked" in err and time.monotonic() - t < 10
        assert fingerprint(seeded) == before
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def test_parquet_errors_name_the_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.parquet"
    pl.DataFrame({"Skill": ["Go", "Rust"], "Period": ["2020-01", "2020-02"],
                  "Value": [1.0, float("nan")]}).write_parquet(path)
    code, _, err = run_cli(["ingest", path, "--db", tmp_path / "db.duckdb"], capsys)
    assert code == 2
    _assert_one_sentence(err, "bad.parquet", 3, "value", "NaN")


def test_corrupt_parquet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "broken.parquet", b"PAR1" + b"\x00garbage" * 20)
    code, _, err = run_cli(["ingest", path, "--db", tmp_path / "db.duckdb"], capsys)
    assert code == 2 and "broken.parquet" in err and "Parquet" in err


def test_bad_format_flag_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(["ingest", write(tmp_path / "g.csv", GOOD), "--db", tmp_path / "d.duckdb",
                            "--format", "excel"], capsys)
    assert code == 2 and "excel" in err


def test_hn_month_with_two_comment_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "hn.csv", "month,num_comments,term,count,percentage,rank\n"
                 "2020-01-01,100,Go,5,5,1\n2020-01-01,90,Rust,4,4,2\n")
    code, _, err = run_cli(["ingest", path, "--db", tmp_path / "d.duckdb"], capsys)
    assert code == 2
    _assert_one_sentence(err, "hn.csv", 3, "num_comments", "one number of comments")


def test_indeed_duplicate_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "sectors.csv", "date,jobcountry,indeed_job_postings_index,variable,display_name\n"
                 "2020-02-01,US,100,total postings,Nursing\n2020-02-01,US,101,total postings,Nursing\n")
    code, _, err = run_cli(["ingest", path, "--db", tmp_path / "d.duckdb"], capsys)
    assert code == 2
    _assert_one_sentence(err, "sectors.csv", 3, "period", "occupation 'Nursing'")


def test_fifo_is_not_a_regular_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code, _, err = run_cli(["ingest", fifo, "--db", tmp_path / "d.duckdb"], capsys)
    assert code == 2 and "pipe.csv" in err and "not a regular file" in err


def test_permission_denied_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path / "locked.csv", GOOD)
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", deny)
    code, _, err = run_cli(["ingest", path, "--db", tmp_path / "d.duckdb"], capsys)
    assert code == 2 and "locked.csv: cannot be read (Permission denied)" in err


def test_database_path_that_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "db").mkdir()
    code, _, err = run_cli(["ingest", write(tmp_path / "g.csv", GOOD), "--db", tmp_path / "db"], capsys)
    assert code == 2 and "is a directory" in err and "Traceback" not in err


def test_database_file_given_as_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import duckdb

    duckdb.connect(str(tmp_path / "other.duckdb")).close()
    code, _, err = run_cli(["ingest", tmp_path / "other.duckdb", "--db", tmp_path / "d.duckdb"], capsys)
    assert code == 2 and "other.duckdb: is a DuckDB database; pass it as --db" in err
