"""Format adapters on small in-code files: HN who-is-hiring, Indeed postings, detection, postings dispatch."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data import skills, store
from skillpulse.data.errors import InputError
from skillpulse.data.ingest import detect_format, ingest_files
from skillpulse.data.ingest.hn import EXCLUDED_TERMS, parse_terms_dic

from tests.test_ingest_support import SERIES_SQL, rows, run_cli, write

HN = ("month,num_comments,term,count,percentage,rank\n"
      "2020-01-01,200,Go,10,5,1\n2020-01-01,200,Remote,50,25,2\n2020-01-01,200,AngularJS,4,2,3\n"
      "2020-01-01,200,Senior,9,4.5,4\n"
      "2020-02-01,100,Go,8,8,1\n2020-02-01,100,Remote,30,30,2\n2020-02-01,100,AngularJS,1,1,3\n"
      "2020-02-01,100,Senior,3,3,4\n")
DIC = "Go\nAngularJS/js[Angular]\nRemote\nMongodb/alias[mongo|mongodb]\nApp Engine/alias[App Engine|GAE]\n"


def _seed(db: Path, names: list[tuple[str, str, str]]) -> None:
    """A store with only these skills (name, category, aliases): no default taxonomy."""
    with store.write(db) as con:
        skills.upsert_taxonomy(con, pl.DataFrame(
            {"name": [n for n, _, _ in names], "category": [c for _, c, _ in names],
             "aliases": [a for _, _, a in names]}))


def test_hn_terms_become_shares_plus_a_market_series(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _seed(db, [("Go", "Languages", "golang")])
    ingest_files([write(tmp_path / "hn.csv", HN)], db)
    got = rows(db, SERIES_SQL)
    m, c = store.MARKET_SKILL, store.MARKET_CATEGORY
    assert got == [
        (m, c, "hn-whoishiring", "", "", "count", "2020-01", 200.0, None),
        (m, c, "hn-whoishiring", "", "", "count", "2020-02", 100.0, None),
        ("AngularJS", "uncategorised", "hn-whoishiring", "", "", "share", "2020-01", 2.0, 200.0),
        ("AngularJS", "uncategorised", "hn-whoishiring", "", "", "share", "2020-02", 1.0, 100.0),
        ("Go", "Languages", "hn-whoishiring", "", "", "share", "2020-01", 5.0, 200.0),
        ("Go", "Languages", "hn-whoishiring", "", "", "share", "2020-02", 8.0, 100.0),
    ]
    names = {r[0] for r in rows(db, "SELECT name FROM skill")}
    assert "Remote" not in names and "Senior" not in names


def test_hn_dictionary_adds_aliases_without_stealing(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _seed(db, [("Angular", "Frontend", ""), ("Go", "Languages", "")])
    write(tmp_path / "terms.dic", DIC)
    ingest_files([write(tmp_path / "hn.csv", HN)], db)
    alias = dict(rows(db, "SELECT a.alias_key, s.name FROM skill_alias a JOIN skill s USING (skill_id)"))
    assert alias["angular.js"] == "AngularJS" and alias["angularjs"] == "AngularJS"
    assert alias["angular"] == "Angular"  # already another skill's name: kept
    assert "mongo" not in alias and "gae" not in alias  # terms not in the file add nothing
    assert "remote" not in alias


def test_terms_dic_syntax(tmp_path: Path) -> None:
    dic = parse_terms_dic(write(tmp_path / "terms.dic", DIC + "passion\n\n"))
    got = dict(zip(dic["name"], dic["aliases"], strict=True))
    assert got == {"AngularJS": "Angular|Angular.js", "Mongodb": "mongo", "App Engine": "GAE"}
    assert {"Remote", "Senior", "Staff", "Intern", "Onsite", "Hybrid"} <= set(EXCLUDED_TERMS)


SECTORS = ("date,jobcountry,indeed_job_postings_index,variable,display_name\n"
           "2020-02-01,US,100,total postings,Nursing\n2020-02-02,US,102,total postings,Nursing\n"
           "2020-03-01,US,90,total postings,Nursing\n2020-02-01,US,100,total postings,Software Development\n")
AGGREGATE = ("date,jobcountry,indeed_job_postings_index_SA,indeed_job_postings_index_NSA,variable\n"
             "2020-02-01,US,100,100,total postings\n2020-02-02,US,104,99,total postings\n"
             "2020-02-01,US,100,100,new postings\n2020-02-02,US,50,50,new postings\n")


def test_indeed_sectors_and_aggregate_are_market_segments(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.duckdb"
    code, out, err = run_cli(["ingest", write(tmp_path / "sectors.csv", SECTORS),
                              write(tmp_path / "aggregate.csv", AGGREGATE), "--db", db], capsys)
    assert code == 0, err
    assert "skipped 2 rows of variable new postings" in err
    got = rows(db, SERIES_SQL)
    m, c = store.MARKET_SKILL, store.MARKET_CATEGORY
    assert got == [
        (m, c, "indeed", "US", "", "index", "2020-02", 102.0, None),
        (m, c, "indeed", "US", "Nursing", "index", "2020-02", 101.0, None),
        (m, c, "indeed", "US", "Nursing", "index", "2020-03", 90.0, None),
        (m, c, "indeed", "US", "Software Development", "index", "2020-02", 100.0, None),
    ]
    assert "months 2020-02..2020-03" in out


def test_source_flag_overrides_format_default(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    ingest_files([write(tmp_path / "a.csv", AGGREGATE)], db, source="indeed-2024-10")
    assert {r[2] for r in rows(db, SERIES_SQL)} == {"indeed-2024-10"}


@pytest.mark.parametrize(("header", "fmt"), [
    ("month,num_comments,term,count,percentage,rank", "hn-whoishiring"),
    ("date,jobcountry,indeed_job_postings_index,variable,display_name", "indeed-postings"),
    ("date,jobcountry,indeed_job_postings_index_SA,indeed_job_postings_index_NSA,variable",
     "indeed-postings"),
    ("Skill,Period,Value,Region", "long"),
    ("id,title,description,posted", "postings"),
])
def test_detect_format(header: str, fmt: str) -> None:
    assert detect_format(header.split(","), "f.csv") == fmt


def test_detect_format_near_miss_names_the_column() -> None:
    with pytest.raises(InputError, match="no column 'percentage'") as info:
        detect_format(["month", "num_comments", "term", "count", "pct"], "hn.csv")
    assert info.value.row == 1 and info.value.column == "percentage"
    # Other names for the long columns are a general file now (term = skill); a misnamed long
    # column ("skil") is reported when the file is read (tests/test_ingest_errors.py).
    assert detect_format(["term", "period", "value"], "x.csv") == "general"


def test_postings_dispatch_uses_data_postings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, object]] = []

    def postings_to_frame(path: Path, con: object, *, source: str | None, progress: object,
                          client: object = None) -> tuple[pl.DataFrame, dict[str, int]]:
        calls.append({"path": Path(path), "source": source, "client": client,
                      "reports_progress": callable(progress)})
        frame = pl.DataFrame({
            "skill": ["Python", store.MARKET_SKILL], "period": [dt.date(2024, 1, 1)] * 2,
            "value": [3.0, 10.0], "total": [10.0, None], "source": [source or "postings"] * 2,
            "region": ["", ""], "occupation": ["", ""], "measure": ["count", "count"]})
        return frame, {"postings": 10, "skipped": 1}

    monkeypatch.setattr("skillpulse.data.ingest.pipeline.postings_to_frame", postings_to_frame)
    src = write(tmp_path / "jobs.csv", "id,title,description,posted\n1,Dev,Python and SQL,2024-01-03\n")
    db = tmp_path / "db.duckdb"
    summary = ingest_files([src], db, source="board")
    assert calls == [{"path": src, "source": "board", "client": None, "reports_progress": True}]
    assert summary.files[0].fmt == "postings" and summary.rows == 2
    assert rows(db, "SELECT format FROM ingest_batch") == [("postings",)]


def test_hn_terms_that_are_one_skill_keep_the_larger_share(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _seed(db, [("Angular", "Frontend", "AngularJS|Angular 2")])
    hn = ("month,num_comments,term,count,percentage,rank\n"
          "2020-01-01,100,AngularJS,4,4,1\n2020-01-01,100,Angular 2,6,6,2\n"
          "2020-02-01,100,AngularJS,3,3,1\n2020-02-01,100,Angular 2,1,1,2\n")
    summary = ingest_files([write(tmp_path / "hn.csv", hn)], db)
    got = [(r[0], r[6], r[7], r[8]) for r in rows(db, SERIES_SQL) if r[0] == "Angular"]
    assert got == [("Angular", "2020-01", 6.0, 100.0), ("Angular", "2020-02", 3.0, 100.0)]
    assert summary.series == 2  # Angular + the market series


def test_hn_dictionary_alias_never_folds_one_term_into_another(tmp_path: Path) -> None:
    db = tmp_path / "db.duckdb"
    _seed(db, [("Go", "Languages", "")])
    write(tmp_path / "terms.dic", "AngularJS/js[Angular]\n")
    hn = ("month,num_comments,term,count,percentage,rank\n"
          "2020-01-01,100,AngularJS,4,4,1\n2020-01-01,100,Angular,6,6,2\n")
    ingest_files([write(tmp_path / "hn.csv", hn)], db)
    got = {(r[0], r[7]) for r in rows(db, SERIES_SQL) if r[5] == "share"}
    assert got == {("AngularJS", 4.0), ("Angular", 6.0)}
    alias = dict(rows(db, "SELECT a.alias_key, s.name FROM skill_alias a JOIN skill s USING (skill_id)"))
    assert alias["angular.js"] == "AngularJS" and alias["angular"] == "Angular"
