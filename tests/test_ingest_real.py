"""Integration: the real HN and Indeed files (../shared/data/real), checked against the sources
re-read independently with the plain ``csv`` module."""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
from skillpulse.data import store
from skillpulse.data.ingest import ingest_files
from skillpulse.data.ingest.hn import AMBIGUOUS_TERMS, EXCLUDED_TERMS

from tests.conftest import real_file
from tests.test_ingest_support import rows, run_cli

pytestmark = pytest.mark.integration

HN = ("hn_whoishiring", "hn_whoishiring_terms_monthly.csv")
SECTORS = ("indeed_job_postings", "US", "job_postings_by_sector_US.csv")
AGGREGATE = ("indeed_job_postings", "US", "aggregate_job_postings_US.csv")


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    paths = [real_file(*HN), real_file(*SECTORS), real_file(*AGGREGATE)]
    db = tmp_path_factory.mktemp("real") / "real.duckdb"
    summary = ingest_files(paths, db)
    assert [f.fmt for f in summary.files] == ["hn-whoishiring", "indeed-postings", "indeed-postings"]
    return db


def _resolver(db: Path) -> dict[str, str]:
    """alias (lower-case) → canonical skill name, as stored."""
    return dict(rows(db, "SELECT a.alias_key, s.name FROM skill_alias a JOIN skill s USING (skill_id)"))


def _series_values(db: Path, source: str) -> dict[tuple[str, str, str, str], tuple[float, float | None]]:
    got = rows(db, """
        SELECT k.name, s.measure, s.occupation, strftime(o.period, '%Y-%m'), o.value, o.total
        FROM observation o JOIN series s USING (series_id) JOIN skill k USING (skill_id)
        WHERE s.source = $source""", {"source": source})
    return {(str(n), str(m), str(occ), str(p)): (float(v), t) for n, m, occ, p, v, t in got}  # type: ignore[arg-type]


def test_hn_months_terms_and_values(real_db: Path) -> None:
    source = _read(real_file(*HN))
    assert len(source) == 40_977
    months = sorted({r["month"][:7] for r in source})
    assert (months[0], months[-1], len(months)) == ("2011-04", "2024-05", 157)
    assert "2011-07" not in months
    excluded = {t.lower() for t in EXCLUDED_TERMS + AMBIGUOUS_TERMS}
    kept = [r for r in source if r["term"].strip().lower() not in excluded]
    assert len(kept) < len(source)  # Remote, Senior, ... are in the file and left out
    # Processing is in the file (2.2% of comments in 2024-05: the ordinary word) and left out
    assert any(r["term"].strip() == "Processing" for r in source)
    assert ("Processing", "2024-05") not in {(n, p) for (n, _, _, p) in
                                             _series_values(real_db, "hn-whoishiring")}
    resolve = _resolver(real_db)
    values = _series_values(real_db, "hn-whoishiring")
    expected: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for r in kept:
        key = (resolve[r["term"].strip().lower()], r["month"][:7])
        expected[key].append((float(r["percentage"]), float(r["num_comments"])))
    shares = {(n, p): vt for (n, m, _, p), vt in values.items() if m == "share"}
    assert len(shares) == len(expected)
    for key, candidates in expected.items():
        value, total = shares[key]
        assert value == pytest.approx(max(v for v, _ in candidates))  # several terms → one skill: max
        assert total == candidates[0][1]
    market = {p: v for (n, m, _, p), (v, _) in values.items() if n == store.MARKET_SKILL}
    assert market == {r["month"][:7]: float(r["num_comments"]) for r in source}
    assert market["2011-12"] == 3.0  # the documented outlier month is kept as it is


def test_hn_excludes_non_skill_terms(real_db: Path) -> None:
    names = {str(n).lower() for (n,) in rows(
        real_db, "SELECT DISTINCT k.name FROM series s JOIN skill k USING (skill_id) "
                 "WHERE s.source = 'hn-whoishiring'")}
    for term in ("remote", "onsite", "hybrid", "senior", "staff", "intern", "junior", "principal"):
        assert term not in names
    assert {"python", "rust", "typescript"} <= names


def _daily_means(path: Path, value: str, keys: tuple[str, ...], keep: dict[str, str] | None = None
                 ) -> dict[tuple[str, ...], float]:
    sums: dict[tuple[str, ...], list[float]] = defaultdict(list)
    for r in _read(path):
        if keep and any(r[k] != v for k, v in keep.items()):
            continue
        sums[(*(r[k] for k in keys), r["date"][:7])].append(float(r[value]))
    return {k: sum(v) / len(v) for k, v in sums.items()}


def test_indeed_sectors_are_monthly_means(real_db: Path) -> None:
    path = real_file(*SECTORS)
    assert len(_read(path)) == 78_246
    means = _daily_means(path, "indeed_job_postings_index", ("display_name",))
    values = _series_values(real_db, "indeed")
    got = {(occ, p): v for (n, m, occ, p), (v, _) in values.items() if occ and n == store.MARKET_SKILL}
    assert len({occ for occ, _ in got}) == 46
    assert len(got) == len(means)
    for (sector, month), mean in means.items():
        assert got[(sector, month)] == pytest.approx(mean, rel=1e-12)
    months = sorted({p for _, p in got})
    assert (months[0], months[-1]) == ("2020-02", "2024-09")
    regions = rows(real_db, "SELECT DISTINCT region, measure FROM series WHERE source = 'indeed'")
    assert regions == [("US", "index")]


def test_indeed_aggregate_is_the_market_series(real_db: Path) -> None:
    means = _daily_means(real_file(*AGGREGATE), "indeed_job_postings_index_SA", (),
                         keep={"variable": "total postings"})
    values = _series_values(real_db, "indeed")
    got = {p: v for (n, m, occ, p), (v, _) in values.items() if occ == "" and n == store.MARKET_SKILL}
    assert got == pytest.approx({month: v for (month,), v in means.items()}, rel=1e-12)
    months = sorted(got)
    assert (months[0], months[-1], len(months)) == ("2020-02", "2026-08", 79)
    category = rows(real_db, "SELECT category FROM skill WHERE name = $n", {"n": store.MARKET_SKILL})
    assert category == [(store.MARKET_CATEGORY,)]


def test_reingesting_the_real_files_is_a_no_op(real_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = rows(real_db, "SELECT count(*), sum(value) FROM observation")
    code, out, err = run_cli(["ingest", real_file(*HN), real_file(*AGGREGATE), "--db", real_db], capsys)
    assert code == 0 and out.startswith("nothing to ingest") and err.count("already ingested") == 2
    assert rows(real_db, "SELECT count(*), sum(value) FROM observation") == before


def test_export_series_contract(real_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "series.csv"
    code, _, err = run_cli(["export", "series", "--db", real_db, "--out", out], capsys)
    assert code == 0, err
    exported = _read(out)
    assert list(exported[0]) == ["skill", "category", "source", "region", "occupation", "measure",
                                 "period", "value", "total"]
    assert len(exported) == rows(real_db, "SELECT count(*) FROM observation")[0][0]
    assert all(re.fullmatch(r"\d{4}-\d{2}-01", r["period"]) for r in exported)
    python = [r for r in exported if r["skill"] == "Python" and r["source"] == "hn-whoishiring"]
    assert python and python[0]["measure"] == "share" and python[0]["period"] == "2011-04-01"
