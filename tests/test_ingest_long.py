"""The long format end to end on small in-code files: parsing, aggregation, provenance, replacement."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data import skills, store
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import already_ingested, ingest_files, ingest_frame
from skillpulse.data.taxonomy_io import project_taxonomy

from tests.test_ingest_support import SERIES_SQL, rows, run_cli, write


def _series(db: Path) -> list[tuple[object, ...]]:
    return rows(db, SERIES_SQL)


def test_headers_are_case_insensitive_and_optional_columns_are_kept(tmp_path: Path) -> None:
    src = write(tmp_path / "a.csv",
                " Skill ,PERIOD,Value,Region,occupation,TOTAL,notes\n"
                "Zebraflow,2020-01,3,US,Data engineer,100,ignored column\n"
                "Zebraflow,2020-02-01,4.5,US,Data engineer,,\n"
                " Zebraflow ,2020-03,0,DE,,120,\n")
    db = tmp_path / "db.duckdb"
    summary = ingest_files([src], db)
    assert summary.rows == 3 and summary.series == 2 and summary.skills == 1
    assert summary.files[0].notes == ["ignored columns: notes"]
    assert _series(db) == [
        ("Zebraflow", "uncategorised", "", "DE", "", "count", "2020-03", 0.0, 120.0),
        ("Zebraflow", "uncategorised", "", "US", "Data engineer", "count", "2020-01", 3.0, 100.0),
        ("Zebraflow", "uncategorised", "", "US", "Data engineer", "count", "2020-02", 4.5, None),
    ]


def test_daily_counts_are_summed_and_shares_averaged(tmp_path: Path) -> None:
    daily = ("skill,period,value,total\n"
             "Go,2021-01-04,2,10\nGo,2021-01-11,3,20\nGo,2021-01-18,5,\nGo,2021-02-01,7,\n")
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "c.csv", daily)], db)
    # Weekly data ending with the week of 1 February: February is incomplete, so its count is
    # dropped (noted); shares and indices keep the mean of the days present.
    assert [(r[6], r[7], r[8]) for r in _series(db)] == [("2021-01", 10.0, 30.0)]
    assert any(n.startswith("incomplete month 2021-02 (days 1–1 of 28); data weekly: dropped 1 ")
               for n in summary.files[0].notes)
    db2 = tmp_path / "db2.duckdb"
    ingest_files([write(tmp_path / "s.csv", daily)], db2, measure="share")
    assert [(r[5], r[6], r[7]) for r in _series(db2)] == [("share", "2021-01", pytest.approx(10 / 3)),
                                                          ("share", "2021-02", 7.0)]
    db3 = tmp_path / "db3.duckdb"
    ingest_files([write(tmp_path / "i.csv", daily)], db3, measure="index")
    assert [r[7] for r in _series(db3)] == [pytest.approx(10 / 3), 7.0]


def test_identical_file_is_a_no_op_that_publishes_nothing(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\n")
    copy = write(tmp_path / "same-content.csv", "skill,period,value\nGo,2020-01,1\n")
    db = tmp_path / "db.duckdb"
    code, out, _ = run_cli(["ingest", src, "--db", db], capsys)
    assert code == 0
    assert out.startswith("ingested 1 file(s): 1 rows read, 1 monthly values in 1 series, 1 skills, "
                          "months 2020-01..2020-01 in ")
    link, versions = os.readlink(db), sorted(os.listdir(f"{db}.versions"))
    code, out, err = run_cli(["ingest", copy, "--db", db], capsys)
    assert code == 0 and out.startswith("nothing to ingest") and "already ingested" in err
    assert os.readlink(db) == link and sorted(os.listdir(f"{db}.versions")) == versions
    assert rows(db, "SELECT count(*) FROM ingest_batch") == [(1,)]


def test_newer_overlapping_file_replaces_only_its_months(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "old.csv", "skill,period,value\nGo,2020-01,1\nGo,2020-02,2\n"
                        "Go,2020-03,3\nRust,2020-01,9\n")], db)
    ingest_files([write(tmp_path / "new.csv", "skill,period,value\nGo,2020-03,30\nGo,2020-04,40\n")], db)
    got = [(r[0], r[6], r[7]) for r in _series(db)]
    assert got == [("Go", "2020-01", 1.0), ("Go", "2020-02", 2.0), ("Go", "2020-03", 30.0),
                   ("Go", "2020-04", 40.0), ("Rust", "2020-01", 9.0)]
    batches = rows(db, "SELECT strftime(period, '%Y-%m'), batch_id FROM observation o "
                       "JOIN series USING (series_id) JOIN skill k USING (skill_id) "
                       "WHERE k.name = 'Go' ORDER BY period")
    assert [b for _, b in batches] == [1, 1, 2, 2]
    assert rows(db, "SELECT count(*) FROM observation") == [(5,)]


def test_later_file_of_one_call_wins(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    a = write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\n")
    b = write(tmp_path / "b.csv", "skill,period,value\nGo,2020-01,2\n")
    summary = ingest_files([a, b], db)
    assert len(summary.files) == 2 and [r[7] for r in _series(db)] == [2.0]
    assert rows(db, "SELECT count(*) FROM ingest_batch") == [(2,)]


def test_names_resolve_through_aliases_case_insensitively(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    with store.write(db) as con:
        skills.upsert_taxonomy(con, pl.DataFrame({"name": ["Kubernetes"], "category": ["Containers"],
                                                  "aliases": ["k8s|kube"]}))
    ingest_files([write(tmp_path / "a.csv", "skill,period,value\nK8S,2020-01,1\nKUBERNETES,2020-02,2\n"
                        "kube,2020-03,3\n")], db)
    assert {(r[0], r[1]) for r in _series(db)} == {("Kubernetes", "Containers")}
    assert rows(db, "SELECT count(*) FROM skill") == [(1,)]


def test_source_flag_fills_rows_without_a_source(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "a.csv", "skill,period,value,source\nGo,2020-01,1,survey\n"
                        "Go,2020-01,2,\n")], db, source="jobsite")
    assert sorted(r[2] for r in _series(db)) == ["jobsite", "survey"]
    db2 = tmp_path / "db2.duckdb"
    ingest_files([write(tmp_path / "b.csv", "skill,period,value\nGo,2020-01,1\n")], db2, source="jobsite")
    assert [r[2] for r in _series(db2)] == ["jobsite"]


def test_parquet_is_detected_by_magic_bytes(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"  # no .parquet suffix: detection reads the bytes
    pl.DataFrame({"SKILL": ["Go", "Go"], "period": [dt.date(2020, 1, 1), dt.date(2020, 2, 1)],
                  "value": [1, 2], "total": [10.0, None]}).write_parquet(path)
    db = tmp_path / "db.duckdb"
    ingest_files([path], db)
    assert [(r[6], r[7], r[8]) for r in _series(db)] == [("2020-01", 1.0, 10.0), ("2020-02", 2.0, None)]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_bom_and_utf16_are_decoded(tmp_path: Path, encoding: str) -> None:
    text = "skill,period,value\nCafé ML,2020-01,1\n"
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "a.csv", text.encode(encoding))], db)
    assert [r[0] for r in _series(db)] == ["Café ML"]


def test_blank_lines_are_skipped_and_rows_still_counted(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    src = write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\n\nGo,2020-02,x\n")
    code, _, err = run_cli(["ingest", src, "--db", tmp_path / "db.duckdb"], capsys)
    assert code == 2 and "a.csv, row 4, column 'value'" in err
    ok = write(tmp_path / "b.csv", "skill,period,value\nGo,2020-01,1\n\nGo,2020-02,2\n\n")
    db = tmp_path / "db2.duckdb"
    assert ingest_files([ok], db).rows == 2


def test_market_skill_gets_the_market_category(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "m.csv", f"skill,period,value\n{store.MARKET_SKILL},2020-01,1000\n")], db)
    assert [(r[0], r[1]) for r in _series(db)] == [(store.MARKET_SKILL, store.MARKET_CATEGORY)]


def test_default_taxonomy_is_seeded(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\n")], db)
    n_default = project_taxonomy().height
    assert rows(db, "SELECT count(*) FROM skill")[0][0] >= n_default  # type: ignore[operator]


def test_ingest_frame_contract_on_memory_store() -> None:
    con = store.memory()
    frame = pl.DataFrame({
        "skill": ["Go", "Go", "Rust"],
        "period": [dt.date(2020, 1, 1), dt.date(2020, 2, 1), dt.date(2020, 1, 1)],
        "value": [1.0, 2.0, 3.0], "total": [None, None, None], "source": ["s", "s", "s"],
        "region": ["", "", ""], "occupation": ["", "", ""], "measure": ["count", "count", "count"]},
        schema_overrides={"total": pl.Float64})
    con.execute("BEGIN")
    out = ingest_frame(con, frame, source_file="mem", sha256="abc", fmt="demo")
    con.execute("COMMIT")
    assert set(out) == {"batch_id", "rows", "series", "skills"}
    assert (out["rows"], out["series"], out["skills"]) == (3, 2, 2)
    assert already_ingested(con, "abc") and not already_ingested(con, "def")
    bad = frame.with_columns(pl.lit("percent").alias("measure"))
    with pytest.raises(InputError, match="measure 'percent'"):
        ingest_frame(con, bad, source_file="mem", sha256="x", fmt="demo")
    for value in (-1.0, float("nan"), float("inf")):
        with pytest.raises(InputError, match="finite numbers ≥ 0"):
            ingest_frame(con, frame.with_columns(pl.lit(value).alias("value")), source_file="mem",
                         sha256="y", fmt="demo")


def test_progress_bar_path_runs(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\n")], db,
                           progress=True)
    assert summary.rows == 1 and "ingested 1 file(s)" in summary.line()


def test_known_file_is_skipped_before_parsing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "db.duckdb"
    src = write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\n")
    ingest_files([src], db)

    def no_parse(*_a: object, **_k: object) -> None:
        raise AssertionError("a known file was parsed")

    monkeypatch.setattr("skillpulse.data.ingest.pipeline._parse", no_parse)
    summary = ingest_files([src], db)
    assert summary.files[0].skipped == "already ingested" and summary.rows == 0


def test_same_content_twice_in_one_call_is_loaded_once(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    a = write(tmp_path / "a.csv", "skill,period,value\nGo,2020-01,1\n")
    b = write(tmp_path / "b.csv", "skill,period,value\nGo,2020-01,1\n")
    summary = ingest_files([a, b], db)
    assert [f.skipped for f in summary.files] == ["", "same content as an earlier file of this call"]
    assert rows(db, "SELECT count(*) FROM ingest_batch") == [(1,)]


@pytest.mark.slow
def test_a_million_rows_match_duckdbs_own_reading(tmp_path: Path) -> None:
    """At scale (many polars chunks) the stored values equal a plain DuckDB read of the file."""
    import duckdb

    csv = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute("""
        COPY (SELECT 'skill ' || s AS skill,
                     strftime(DATE '2015-01-01' + to_months(m), '%Y-%m') AS period,
                     (s * 7 + m * 3 + r) % 1000 / 10 AS value, 'r' || r AS region
              FROM range(500) a(s), range(100) b(m), range(20) c(r))
        TO '""" + str(csv) + "' (HEADER)")
    expected = con.execute(
        "SELECT count(*), sum(value), count(DISTINCT (skill, region)) FROM read_csv($p)",
        {"p": str(csv)}).fetchall()
    con.close()
    db = tmp_path / "db.duckdb"
    summary = ingest_files([csv], db)
    assert summary.rows == 1_000_000 and summary.series == expected[0][2]
    got = rows(db, "SELECT count(*), sum(value), count(DISTINCT series_id) FROM observation")
    assert got[0][0] == expected[0][0] and got[0][1] == pytest.approx(expected[0][1])
    assert got[0][2] == expected[0][2]
