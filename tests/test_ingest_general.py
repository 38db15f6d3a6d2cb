"""General files on small in-code fixtures: long under other names, wide, tracker, coarse periods."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data import store
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import detect_format, ingest_files
from skillpulse.data.ingest.checks import _parse_distinct
from skillpulse.data.ingest.columns import measure_from_name, skill_from_column

from tests.test_ingest_support import SERIES_SQL, fingerprint, rows, run_cli, write

# GitHub Innovation Graph-like: quarterly pushers per language and economy.
LANGUAGES = ("num_pushers,language,year,quarter,iso2_code\n"
             "1200,Zebralang,2020,1,US\n1300,Zebralang,2020,2,US\n1100,Zebralang,2020,Q4,US\n"
             "900,Quokkascript,2020,1,DE\n1000,Quokkascript,2020,2,DE\n")
# PYPL-like: month names, one column per language, each month adds up to 100 (a composition).
PYPL = ("Date,Zebralang,Quokkascript,C/C++\n"
        "July 2004,2.5,30.5,67\nAugust 2004,2.7,30.3,67\nSeptember 2004,3,,97\n")
# Indeed Hiring Lab tracker-like: daily share of postings per country.
TRACKER = ("date,jobcountry,Zebraflow_share\n"
           "2023-01-01,US,1.2\n2023-01-02,US,1.4\n2023-02-01,US,1.5\n2023-01-01,GB,0.8\n")


def _series(db: Path) -> list[tuple[object, ...]]:
    return rows(db, SERIES_SQL)


def _fmt(db: Path) -> list[str]:
    return [str(r[0]) for r in rows(db, "SELECT format FROM ingest_batch ORDER BY batch_id")]


def test_year_quarter_language_file_places_quarters_on_their_first_month(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "languages.csv", LANGUAGES)], db)
    got = [(r[0], r[2], r[3], r[5], r[6], r[7]) for r in _series(db)]
    assert got == [  # no month between quarters is invented: those stay gaps for the forecast
        ("Quokkascript", "languages", "DE", "count", "2020-01", 900.0),
        ("Quokkascript", "languages", "DE", "count", "2020-04", 1000.0),
        ("Zebralang", "languages", "US", "count", "2020-01", 1200.0),
        ("Zebralang", "languages", "US", "count", "2020-04", 1300.0),
        ("Zebralang", "languages", "US", "count", "2020-10", 1100.0),
    ]
    assert _fmt(db) == ["long"] and summary.files[0].fmt == "long"
    assert any("quarterly data" in n for n in summary.files[0].notes)


def test_wide_month_names_composition_is_a_share(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "pypl.csv", PYPL)], db)
    got = {(r[0], r[5], r[6], r[7]) for r in _series(db)}
    assert ("Zebralang", "share", "2004-07", 2.5) in got and ("C/C++", "share", "2004-09", 97.0) in got
    assert not any(r[0] == "Quokkascript" and r[2] == "2004-09" for r in got)  # empty cell: no month
    assert len(got) == 8 and _fmt(db) == ["wide"]
    assert summary.files[0].notes[0].startswith("wide table, measure share")


def test_wide_fractions_adding_up_to_one_become_percent(tmp_path: Path) -> None:
    src = write(tmp_path / "mix.csv", "month,Zebralang,Quokkascript\n2021-01,0.25,0.75\n2021-02,0.5,0.5\n")
    db = tmp_path / "db.duckdb"
    ingest_files([src], db)
    assert {(r[0], r[6], r[7]) for r in _series(db)} == {
        ("Zebralang", "2021-01", 25.0), ("Quokkascript", "2021-01", 75.0),
        ("Zebralang", "2021-02", 50.0), ("Quokkascript", "2021-02", 50.0)}


def test_wide_counts_and_google_trends_like_index(tmp_path: Path) -> None:
    counts = write(tmp_path / "counts.csv", "week,Zebralang,Quokkascript\n"
                   "2021-01-04,3,NA\n2021-01-11,4,5\n2021-02-22,1,-\n")
    db = tmp_path / "db.duckdb"
    ingest_files([counts], db)
    assert [(r[0], r[5], r[6], r[7]) for r in _series(db)] == [
        ("Quokkascript", "count", "2021-01", 5.0),
        ("Zebralang", "count", "2021-01", 7.0), ("Zebralang", "count", "2021-02", 1.0)]
    trends = write(tmp_path / "multiTimeline.csv", "Month,Zebralang: (Worldwide),Quokkascript: (Worldwide)\n"
                   "2004-01,<1,100\n2004-02,12,64\n")
    db2 = tmp_path / "db2.duckdb"
    ingest_files([trends], db2)
    assert {(r[0], r[5], r[7]) for r in _series(db2)} == {
        ("Zebralang", "index", 0.5), ("Zebralang", "index", 12.0),
        ("Quokkascript", "index", 100.0), ("Quokkascript", "index", 64.0)}


def test_tracker_one_series_per_country_named_after_the_column(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "ai_tracker.csv", TRACKER)], db)
    assert _series(db) == [
        ("Zebraflow", "uncategorised", "indeed", "GB", "", "share", "2023-01", 0.8, None),
        ("Zebraflow", "uncategorised", "indeed", "US", "", "share", "2023-01", pytest.approx(1.3), None),
        ("Zebraflow", "uncategorised", "indeed", "US", "", "share", "2023-02", 1.5, None),
    ]
    assert _fmt(db) == ["tracker"]
    assert "'Zebraflow_share' → Zebraflow" in summary.files[0].notes[0]


def test_indeed_postings_index_without_sectors_is_the_market(tmp_path: Path) -> None:
    src = write(tmp_path / "country.csv", "date,jobcountry,indeed_job_postings_index,variable\n"
                "2020-02-01,DE,100,total postings\n2020-02-02,DE,102,total postings\n"
                "2020-02-01,DE,50,new postings\n")
    db = tmp_path / "db.duckdb"
    summary = ingest_files([src], db)
    assert _series(db) == [(store.MARKET_SKILL, store.MARKET_CATEGORY, "indeed", "DE", "", "index",
                            "2020-02", 101.0, None)]
    assert "skipped 1 others" in summary.files[0].notes[0]


def test_our_world_in_data_entity_code_year(tmp_path: Path) -> None:
    src = write(tmp_path / "share-ai-jobs.csv",
                "Entity,Code,Year,Share of Zebraflow jobs among all job postings\n"
                "Austria,AUT,2014,0.5\nAustria,AUT,2015,0.6\nUnited States,USA,2014,1.2\n")
    db = tmp_path / "db.duckdb"
    summary = ingest_files([src], db)
    assert [(r[0], r[3], r[5], r[6], r[7]) for r in _series(db)] == [
        ("Zebraflow", "Austria", "share", "2014-01", 0.5), ("Zebraflow", "Austria", "share", "2015-01", 0.6),
        ("Zebraflow", "United States", "share", "2014-01", 1.2)]
    assert any("yearly data" in n for n in summary.files[0].notes)


@pytest.mark.parametrize(("header", "rows_", "measure", "values"), [
    ("Term,Month,Mentions", ["Zebralang,2020-01,3"], "count", [3.0]),
    ("tag,ds,pct", ["Zebralang,2020-01-01,12.5"], "share", [12.5]),
    ("Technology,Date,Popularity", ["Zebralang,2020-01,7", "Quokkascript,2020-01,9"], "index", [7.0, 9.0]),
    ("technology,date,popularity", ["Zebralang,2020-01,40", "Quokkascript,2020-01,60"], "share",
     [40.0, 60.0]),
    ("Skill Name,Period,zebra_fraction", ["Zebralang,2020-01,0.012"], "share", [1.2]),
    ("keyword,month,share", ["Zebralang,2020-01,0.4"], "share", [0.4]),  # a share < 1 stays percent
    ("skill,year,month,count", ["Zebralang,2021,Mar,4"], "count", [4.0]),
    ("language,month,value,count", ["Zebralang,2020-01,5,9"], "count", [5.0]),  # 'value' first
    ("language,month,jobs_seen", ["Zebralang,2020-01,6"], "count", [6.0]),  # the one numeric column
    ("skill,month,share", ["Zebralang,2020-01,12.5%"], "share", [12.5]),
    ("Year,Month,TagName,Count", ["2008,7,Zebralang,3", "2008,8,Zebralang,5"], "count", [3.0, 5.0]),
])
def test_long_synonyms_and_measure_rules(tmp_path: Path, header: str, rows_: list[str], measure: str,
                                         values: list[float]) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "f.csv", header + "\n" + "\n".join(rows_) + "\n")], db)
    got = _series(db)
    assert {r[5] for r in got} == {measure}
    assert sorted(float(r[7]) for r in got) == pytest.approx(sorted(values))  # type: ignore[arg-type]


def test_measure_flag_wins_and_source_flag_overrides(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "t.csv", TRACKER)], db, measure="index", source="hiring-lab")
    assert {(r[2], r[5]) for r in _series(db)} == {("hiring-lab", "index")}


def test_two_names_of_one_skill_keep_the_larger_value(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "a.csv", "term,month,count\nGo,2020-01,3\nGolang,2020-01,5\n")], db)
    assert [(r[0], r[7]) for r in _series(db)] == [("Go", 5.0)]


@pytest.mark.parametrize(("text", "expected"), [
    ("2020-01", dt.date(2020, 1, 1)), ("2020/03", dt.date(2020, 3, 1)), ("03/2021", dt.date(2021, 3, 1)),
    ("July 2004", dt.date(2004, 7, 1)), ("Sep-2005", dt.date(2005, 9, 1)), ("2006 Aug", dt.date(2006, 8, 1)),
    ("2020-Q2", dt.date(2020, 4, 1)), ("2020Q3", dt.date(2020, 7, 1)), ("Q4 2019", dt.date(2019, 10, 1)),
    ("2018", dt.date(2018, 1, 1)), ("202105", dt.date(2021, 5, 1)), ("2020-02-15", dt.date(2020, 2, 15)),
    ("last spring", None), ("2020-13", None), ("2020-Q5", None),
])
def test_period_layouts(text: str, expected: dt.date | None) -> None:
    dates, ambiguous = _parse_distinct(pl.Series([text]))
    assert dates[0] == expected and not ambiguous


def test_slash_dates_take_their_order_from_the_column() -> None:
    us, _ = _parse_distinct(pl.Series(["1/31/2020", "2/1/2020"]))
    eu, _ = _parse_distinct(pl.Series(["31/1/2020", "1/2/2020"]))
    assert us.to_list() == [dt.date(2020, 1, 31), dt.date(2020, 2, 1)]
    assert eu.to_list() == [dt.date(2020, 1, 31), dt.date(2020, 2, 1)]
    monthly, _ = _parse_distinct(pl.Series(["01/01/2020", "02/01/2020", "03/01/2020"]))
    assert monthly.dt.month().to_list() == [1, 2, 3]
    _, ambiguous = _parse_distinct(pl.Series(["03/04/2020", "05/06/2020"]))
    assert ambiguous


@pytest.mark.parametrize(("column", "skill"), [
    ("AI_share", "AI"), ("ai_share_of_postings", "AI"), ("generative_ai_pct", "Generative AI"),
    ("Python: (Worldwide)", "Python"), ("C/C++", "C/C++"), ("Visual Basic", "Visual Basic"),
    ("Share of artificial intelligence jobs among all job postings", "Artificial intelligence"),
    ("share", "fallback"),
    ("share_of_postings_mentioning_genai", "GENAI"), ("pct_of_listings_requiring_sql", "SQL"),
])
def test_skill_from_column(column: str, skill: str) -> None:
    assert skill_from_column(column, "fallback") == skill


def test_measure_from_name() -> None:
    assert [measure_from_name(n) for n in ("AI_share", "pct", "index_sa", "num_pushers", "value", "Python")] \
        == ["share", "share", "index", "count", None, None]


# name, content, expected row, expected column, phrase
BAD: list[tuple[str, str, int | None, str | None, str]] = [
    ("two-values", "skill,month,count,share\nGo,2020-01,3,4.5\n", 1, None,
     "2 candidate value columns ('count', 'share')"),
    ("wide-text-cell", "date,Zebralang,Quokkascript\n2020-01,1,2\n2020-02,3,2\n2020-03,4,2\n"
     "2020-04,5,2\n2020-05,6,2\n2020-06,7,2\n2020-07,8,2\n2020-08,9,2\n2020-09,9,2\n2020-10,oops,2\n",
     11, "zebralang", "'oops' is not a number"),
    ("wide-negative", "date,Zebralang,Quokkascript\n2020-01,1,2\n2020-02,-3,2\n", 3, "zebralang", "≥ 0"),
    ("quarter-5", "language,year,quarter,num_pushers\nGo,2020,1,3\nGo,2020,5,4\n", 3, "quarter",
     "'5' is not a quarter"),
    ("varying-unknown-text", "date,platform,Zebralang\n2020-01,web,1\n2020-01,mobile,2\n", 3, "platform",
     "rename it or remove it"),
    ("ambiguous-slash-dates", "date,Zebralang\n03/04/2020,1\n05/06/2020,2\n", 2, "date", "YYYY-MM-DD"),
    ("share-above-100", "date,jobcountry,Zebraflow_share\n2020-01-01,US,101\n", 2, "zebraflow_share",
     "0–100"),
    ("duplicate-period", "term,month,count\nGo,2020-01,3\nGo,2020-01,4\n", 3, "period",
     "first given on row 2"),
    ("no-period", "foo,bar\nx,2\n", 1, None, "cannot tell the format"),
    ("long-without-value", "language,month,label\nGo,2020-01,x\n", 1, "value", "missing column 'value'"),
]


@pytest.mark.parametrize(("case", "content", "row", "column", "phrase"), BAD, ids=[b[0] for b in BAD])
def test_bad_general_input_exits_2_naming_file_row_column(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, content: str, row: int | None,
        column: str | None, phrase: str) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "good.csv", "skill,period,value\nGo,2020-01,1\n")], db)
    before = fingerprint(db)
    src = write(tmp_path / f"{case}.csv", content)
    code, _, err = run_cli(["ingest", str(src), "--db", str(db)], capsys)
    line = err.strip()
    assert code == 2 and len(line.splitlines()) == 1 and "Traceback" not in err, err
    assert f"{case}.csv" in line and phrase in line, line
    if row is not None:
        assert f"row {row}" in line, line
    if column is not None:
        assert f"column '{column}'" in line, line
    assert fingerprint(db) == before


def test_format_long_accepts_synonyms_and_format_wide_forces_wide(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "l.csv", "term,date,count\nZebralang,2020-01,3\n")], db, fmt="long")
    ingest_files([write(tmp_path / "w.csv", "date,Quokkascript\n2020-01,4\n")], db, fmt="wide")
    assert _fmt(db) == ["long", "wide"]
    with pytest.raises(InputError, match="missing column 'skill'"):
        ingest_files([write(tmp_path / "x.csv", "date,Zebralang\n2020-01,4\n")], db, fmt="long")


def test_auto_detection_keeps_the_named_formats(tmp_path: Path) -> None:
    files = {
        "long.csv": "skill,period,value\nZebralang,2020-01,1\n",
        "hn.csv": "month,num_comments,term,count,percentage,rank\n2020-01-01,10,Zebralang,1,10,1\n",
        "sectors.csv": "date,jobcountry,indeed_job_postings_index,variable,display_name\n"
                       "2020-02-01,US,100,total postings,Nursing\n",
        "aggregate.csv": "date,jobcountry,indeed_job_postings_index_SA,indeed_job_postings_index_NSA,"
                         "variable\n2020-02-01,US,100,100,total postings\n",
        "wide.csv": "Month,Zebralang,Quokkascript\n2020-01,1,2\n",
        "tracker.csv": TRACKER,
        "langs.csv": LANGUAGES,
    }
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / n, c) for n, c in files.items()], db)
    assert [f.fmt for f in summary.files] == ["long", "hn-whoishiring", "indeed-postings",
                                              "indeed-postings", "wide", "tracker", "long"]
    header = ["date", "jobcountry", "indeed_job_postings_index", "variable"]
    assert detect_format(header, "c.csv") == "general"


def test_cli_ingest_then_export_series(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.duckdb"
    code, out, err = run_cli(["ingest", str(write(tmp_path / "languages.csv", LANGUAGES)),
                              str(write(tmp_path / "pypl.csv", PYPL)), "--db", str(db)], capsys)
    assert code == 0, err
    assert out.startswith("ingested 2 file(s): 8 rows read, 13 monthly values in 5 series, 3 skills")
    assert "quarterly data" in err and "wide table, measure share" in err
    code, out, err = run_cli(["export", "series", "--db", str(db)], capsys)
    assert code == 0, err
    got = list(csv.DictReader(io.StringIO(out)))
    assert list(got[0]) == ["skill", "category", "source", "region", "occupation", "measure", "period",
                            "value", "total"]
    zebra = [(r["source"], r["region"], r["measure"], r["period"], float(r["value"]))
             for r in got if r["skill"] == "Zebralang"]
    assert ("languages", "US", "count", "2020-10-01", 1100.0) in zebra
    assert ("pypl", "", "share", "2004-08-01", 2.7) in zebra
    assert len(zebra) == 6


def test_help_teaches_the_shapes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["ingest", "--help"], capsys)
    assert code == 0
    for phrase in ("year + quarter", "wide", "tracker", "YYYY-Qn", "gaps", "fraction"):
        assert phrase in out


def test_title_lines_above_the_header_are_skipped_and_rows_keep_their_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trends = ("Category: All categories\n\nMonth,Zebralang: (Worldwide),Quokkascript: (Worldwide)\n"
              "2004-01,<1,100\n2004-02,12,64\n")
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "multiTimeline.csv", trends)], db)
    assert {(r[0], r[6], r[7]) for r in _series(db)} == {
        ("Zebralang", "2004-01", 0.5), ("Zebralang", "2004-02", 12.0),
        ("Quokkascript", "2004-01", 100.0), ("Quokkascript", "2004-02", 64.0)}
    bad = write(tmp_path / "bad.csv", trends + "2004-03,x,64\n")
    code, _, err = run_cli(["ingest", str(bad), "--db", str(tmp_path / "b.duckdb")], capsys)
    assert code == 2 and "row 6" in err and "'x' is not a number" in err, err


def test_columns_named_after_periods(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.duckdb"
    src = write(tmp_path / "survey.csv", "Language,2019,2020,2021\nZebralang,10,12,\nQuokkascript,5,NA,7\n")
    summary = ingest_files([src], db)
    assert [(r[0], r[6], r[7]) for r in _series(db)] == [
        ("Quokkascript", "2019-01", 5.0), ("Quokkascript", "2021-01", 7.0),
        ("Zebralang", "2019-01", 10.0), ("Zebralang", "2020-01", 12.0)]
    assert any("yearly data" in n for n in summary.files[0].notes)
    bad = write(tmp_path / "bad.csv", "Language,2019,2020\nZebralang,10,x\n")
    code, _, err = run_cli(["ingest", str(bad), "--db", str(db)], capsys)
    assert code == 2 and "row 2, column '2020'" in err, err


def test_metric_names_in_a_variable_column_become_skills(tmp_path: Path) -> None:
    src = write(tmp_path / "tracker.csv", "date,jobcountry,variable,value\n"
                "2024-01-01,US,Zebraflow share of postings,1.5\n2024-01-01,US,Quokka share of postings,0.3\n"
                "2024-02-01,US,Zebraflow share of postings,1.7\n")
    db = tmp_path / "db.duckdb"
    ingest_files([src], db)
    assert [(r[0], r[2], r[3], r[5], r[6], r[7]) for r in _series(db)] == [
        ("Quokka", "indeed", "US", "share", "2024-01", 0.3),
        ("Zebraflow", "indeed", "US", "share", "2024-01", 1.5),
        ("Zebraflow", "indeed", "US", "share", "2024-02", 1.7)]


def test_pandas_row_index_column_is_ignored(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "pd.csv", ",Date,Zebralang,Quokkascript\n0,2020-01,1,2\n"
                                  "1,2020-02,3,4\n")], db)
    assert {r[0] for r in _series(db)} == {"Zebralang", "Quokkascript"} and len(_series(db)) == 4
    assert "ignored column 'unnamed_index'" in summary.files[0].notes


def test_general_long_skips_rows_without_a_value(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    content = "term,month,count\nZebralang,2020-01,3\nZebralang,2020-02,NA\nZebralang,2020-03,\n"
    db = tmp_path / "db.duckdb"
    summary = ingest_files([write(tmp_path / "na.csv", content)], db)
    assert [(r[6], r[7]) for r in _series(db)] == [("2020-01", 3.0)]
    assert "skipped 2 rows without a value in 'count' (empty or NA)" in summary.files[0].notes
    bad = write(tmp_path / "bad.csv", content + "Zebralang,2020-04,x\n")
    code, _, err = run_cli(["ingest", str(bad), "--db", str(db)], capsys)
    assert code == 2 and "row 5, column 'count'" in err, err


def test_geography_columns_are_joined_and_codes_left_out(tmp_path: Path) -> None:
    src = write(tmp_path / "metro.csv", "date,jobcountry,metro,cbsa_code,indeed_job_postings_index\n"
                "2024-01-01,US,Austin,12420,100\n2024-01-01,US,Boston,14460,90\n"
                "2024-01-02,US,Austin,12420,102\n")
    db = tmp_path / "db.duckdb"
    ingest_files([src], db)
    assert [(r[0], r[3], r[5], r[7]) for r in _series(db)] == [
        (store.MARKET_SKILL, "US / Austin", "index", 101.0),
        (store.MARKET_SKILL, "US / Boston", "index", 90.0)]


def test_indeed_sector_file_with_adjusted_index_columns(tmp_path: Path) -> None:
    src = write(tmp_path / "sectors.csv", "date,jobcountry,indeed_job_postings_index_SA,"
                "indeed_job_postings_index_NSA,variable,display_name\n"
                "2020-02-01,US,100,98,total postings,Nursing\n2020-02-02,US,104,99,total postings,Nursing\n")
    db = tmp_path / "db.duckdb"
    ingest_files([src], db)
    assert [(r[4], r[5], r[7]) for r in _series(db)] == [("Nursing", "index", 102.0)]


def test_a_postings_count_next_to_skill_columns_is_the_total(tmp_path: Path) -> None:
    src = write(tmp_path / "den.csv", "date,jobcountry,Zebraflow_share,n_postings,count\n"
                "2024-01-01,US,1.5,1000,7\n2024-02-01,US,1.7,1100,8\n")
    db = tmp_path / "db.duckdb"
    summary = ingest_files([src], db)
    assert [(r[0], r[5], r[7], r[8]) for r in _series(db)] == [
        ("Zebraflow", "share", 1.5, 1000.0), ("Zebraflow", "share", 1.7, 1100.0)]
    assert "ignored column 'count' (it names no skill)" in summary.files[0].notes
