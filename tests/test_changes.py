"""``skillpulse changes`` and the changes use case: status flips, new series and months outside the
earlier run's 95% interval, ranked by importance, each with a sentence; checked by hand on small
frames, against the stored runs of a fixture database, and (integration) on the real HN file with
a run as of 2023-12 against a run on the full data, through the CLI exports."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
from functools import partial
from pathlib import Path

import polars as pl
import pytest
from skillpulse.data import store
from skillpulse.data.errors import NotFoundError, UsageError
from skillpulse.services import changes as ch

from tests.conftest import real_file
from tests.fixtures_app import add_run, demo_frames, load_frame

COLUMNS = ["skill", "category", "source", "region", "occupation", "change", "from_status",
           "to_status", "period", "actual", "lower_95", "upper_95", "reason"]


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("skillpulse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "skillpulse"]


def cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_cli(), *map(str, args)], capture_output=True, text=True, timeout=600)


def ok(*args: object) -> str:
    proc = cli(*args)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


# ---- by hand --------------------------------------------------------------------------------

PAIR = ch.RunPair(1, 2, dt.date(2023, 12, 1), dt.date(2024, 4, 1))


def outlook(rows: list[tuple[int, str, str, float, float | None]]) -> pl.DataFrame:
    """series_id, skill, status, volume, growth_pct (one segment, share measure)."""
    return pl.DataFrame([{
        "series_id": sid, "skill": skill, "category": "Cat", "source": "src", "region": "",
        "occupation": "", "measure": "share", "status": status, "last_period": dt.date(2024, 4, 1),
        "last_value": vol, "horizon": 24, "growth_pct": growth, "growth_lower_80": None,
        "growth_upper_80": None, "volume": vol, "volume_is_mentions": False}
        for sid, skill, status, vol, growth in rows])


def compared(rows: list[tuple[int, str, float, float, float]]) -> pl.DataFrame:
    return pl.DataFrame([{"series_id": sid, "period": dt.date.fromisoformat(p), "actual": a,
                          "mean": (lo + hi) / 2, "lower_95": lo, "upper_95": hi}
                         for sid, p, a, lo, hi in rows])


def test_kinds_bounds_and_ranking_by_hand() -> None:
    old = outlook([(1, "Big", "stable", 16.0, 2.0), (2, "Small", "stable", 1.0, 0.0),
                   (3, "Missed", "rising", 4.0, 30.0)])
    new = outlook([(1, "Big", "declining", 16.0, -20.0), (2, "Small", "obsolescent", 1.0, -50.0),
                   (3, "Missed", "rising", 4.0, 35.0), (4, "Fresh", "emerging", 4.0, 90.0)])
    months = compared([(3, "2024-01-01", 2.0, 1.0, 3.0), (3, "2024-02-01", 5.0, 1.0, 3.0),
                       (3, "2024-03-01", 2.5, 1.0, 3.0), (3, "2024-04-01", 0.5, 1.0, 3.0),
                       (1, "2024-01-01", 16.0, 10.0, 20.0)])
    table = ch.changes_table(PAIR, old, new, months)
    by = {(r["skill"], r["change"]): r for r in table.iter_rows(named=True)}
    assert set(by) == {("Big", "status"), ("Small", "status"), ("Missed", "outside"),
                       ("Fresh", "new")}
    # Big: one ladder step + 22 growth points, full weight: 1.22
    assert by["Big", "status"]["importance"] == pytest.approx(1.22)
    # Small: two steps + 0.5, weight sqrt(1/16) = 0.25
    assert by["Small", "status"]["importance"] == pytest.approx(0.25 * 2.5)
    # Missed: latest miss April, 0.5 below a 1–3 interval = 0.25 widths, 2 of 4 months: 0.75 × 0.5
    miss = by["Missed", "outside"]
    assert (miss["period"], miss["actual"], miss["lower_95"], miss["upper_95"]) == \
        (dt.date(2024, 4, 1), 0.5, 1.0, 3.0)
    assert miss["importance"] == pytest.approx(0.5 * 0.75)
    assert "below the 95% interval run 1 published" in miss["reason"] and "2 of 4 months" in miss["reason"]
    assert (miss["from_status"], miss["to_status"]) == ("rising", "rising")
    fresh = by["Fresh", "new"]
    assert fresh["from_status"] is None and fresh["to_status"] == "emerging"
    assert fresh["importance"] == pytest.approx(0.5 * 1.5)
    assert table["importance"].to_list() == sorted(table["importance"].to_list(), reverse=True)
    assert table["skill"].to_list()[0] == "Big"
    assert all(r.endswith(".") and len(r) > 40 for r in table["reason"].to_list())
    assert "moved from stable to declining" in by["Big", "status"]["reason"]


def test_status_steps() -> None:
    assert ch.status_step("stable", "obsolescent") == 2
    assert ch.status_step("uncertain", "declining") == 1
    assert ch.status_step("uncertain", "emerging") == 2
    assert ch.status_step("obsolescent", "uncertain") == 1
    assert ch.status_step("stable", "uncertain") == 0.5
    assert ch.status_step("uncertain", "insufficient-history") == 0.5


def test_pick_runs_defaults_and_errors() -> None:
    runs = pl.DataFrame({"run_id": [3, 2, 1], "as_of": [dt.date(2024, 1, 1)] * 3})
    assert (ch.pick_runs(runs).before, ch.pick_runs(runs).after) == (2, 3)
    assert ch.pick_runs(runs, before=1).after == 3
    assert ch.pick_runs(runs, after=2).before == 1
    with pytest.raises(UsageError, match="earlier"):
        ch.pick_runs(runs, before=3, after=2)
    with pytest.raises(UsageError, match="newest"):
        ch.pick_runs(runs, before=3)
    with pytest.raises(NotFoundError, match="no forecast run 9"):
        ch.pick_runs(runs, before=9)
    with pytest.raises(NotFoundError, match="two"):
        ch.pick_runs(runs.filter(pl.col("run_id") == 1))
    with pytest.raises(NotFoundError, match="no forecast run"):
        ch.pick_runs(runs.head(0))


# ---- against stored runs ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real engine's runs a year apart on 30 demo skills; a skill first ingested between the
    runs is 'new' in the second."""
    path = tmp_path_factory.mktemp("changes") / "c.duckdb"
    frame, taxonomy = demo_frames(n_skills=30)
    late = frame.filter(pl.col("skill") == frame["skill"].unique().sort()[-1])
    with store.write(path) as con:
        load_frame(con, frame.filter(pl.col("skill") != late["skill"][0]), taxonomy)
    last = frame["period"].max()
    add_run(path, as_of=dt.date(last.year - 1, last.month, 1))
    with store.write(path) as con:
        load_frame(con, late, taxonomy)
    add_run(path)
    return path


def test_changes_match_the_stored_runs(two_runs: Path) -> None:
    with store.read(two_runs) as con:
        q = partial(store.query, con)
        result = ch.compute_changes(q)
        out_a = q("export_outlook", run_id=1, first=None, last=None)
        out_b = q("export_outlook", run_id=2, first=None, last=None)
        fc_a = q("export_forecast", run_id=1, first=None, last=None)
        series = q("export_series", first=None, last=None)
    t = result.table
    assert (result.pair.before, result.pair.after) == (1, 2)
    assert result.contract.columns == COLUMNS
    counts = result.counts()
    assert counts["status"] > 0 and counts["outside"] > 0 and counts["new"] >= 1
    key = ["skill", "source", "region", "occupation"]
    status_a = {tuple(r[:4]): r[4] for r in out_a.select(*key, "status").iter_rows()}
    status_b = {tuple(r[:4]): r[4] for r in out_b.select(*key, "status").iter_rows()}
    for r in t.iter_rows(named=True):
        k = (r["skill"], r["source"], r["region"], r["occupation"])
        assert r["to_status"] == status_b[k]
        if r["change"] == "new":
            assert k not in status_a and r["from_status"] is None
        else:
            assert r["from_status"] == status_a[k]
        if r["change"] == "status":
            assert r["from_status"] != r["to_status"]
    outside = t.filter(pl.col("change") == "outside")
    joined = (outside.join(fc_a, on=[*key, "period"], suffix="_a")
              .join(series.select(*key, "period", "value"), on=[*key, "period"]))
    assert joined.height == outside.height
    assert (joined["lower_95"] == joined["lower_95_a"]).all()
    assert (joined["upper_95"] == joined["upper_95_a"]).all()
    assert (joined["actual"] == joined["value"]).all()
    assert ((joined["actual"] > joined["upper_95"]) | (joined["actual"] < joined["lower_95"])).all()
    assert (outside["period"] > result.pair.before_as_of).all()
    assert (outside["period"] <= result.pair.after_as_of).all()
    assert t["importance"].is_sorted(descending=True)
    assert t["reason"].str.len_chars().min() > 40
    # a status change quotes the interval the status was judged on, as every other table does
    judged = {tuple(r[:4]): r[4:] for r in out_b.select(
        *key, "growth_pct", "growth_lower_80", "growth_upper_80").iter_rows()}
    quoted = 0
    for r in t.filter(pl.col("change") == "status").iter_rows(named=True):
        g, lo, hi = judged[(r["skill"], r["source"], r["region"], r["occupation"])]
        if g is not None and lo is not None:
            assert f"expected growth now {g:+.0f}% in 24 months (80%: {lo:+.0f}% to {hi:+.0f}%)" \
                in r["reason"], r["reason"]
            quoted += 1
    assert quoted > 0


def test_cli_changes_formats_and_errors(two_runs: Path, tmp_path: Path) -> None:
    out = tmp_path / "changes.csv"
    proc = cli("changes", "--db", two_runs, "--out", out)
    assert proc.returncode == 0, proc.stderr
    assert "between runs 1 and 2" in proc.stderr
    table = pl.read_csv(out, try_parse_dates=True)
    assert table.columns == COLUMNS
    ok("changes", "--db", two_runs, "--from", "1", "--to", "2", "--out", tmp_path / "c.json")
    assert pl.read_json(tmp_path / "c.json").height == table.height
    assert ok("changes", "--db", two_runs, "--as", "csv").count("\n") > table.height  # stdout
    proc = cli("changes", "--db", two_runs, "--from", "2", "--to", "1")
    assert proc.returncode == 2 and "earlier" in proc.stderr
    proc = cli("changes", "--db", two_runs, "--to", "7")
    assert proc.returncode == 2 and "no forecast run 7" in proc.stderr


# ---- real data --------------------------------------------------------------------------------

@pytest.mark.integration
@pytest.mark.slow
def test_hn_run_as_of_2023_12_against_the_full_data(tmp_path: Path) -> None:
    src = real_file("hn_whoishiring", "hn_whoishiring_terms_monthly.csv")
    db = tmp_path / "hn.duckdb"
    ok("ingest", src, "--db", db)
    ok("forecast", "--db", db, "--as-of", "2023-12", "--jobs", "2")
    ok("export", "forecast", "--db", db, "--out", tmp_path / "fa.csv")
    ok("export", "outlook", "--db", db, "--out", tmp_path / "oa.csv")
    ok("forecast", "--db", db, "--jobs", "2")
    ok("export", "outlook", "--db", db, "--out", tmp_path / "ob.csv")
    ok("export", "series", "--db", db, "--out", tmp_path / "s.csv")
    ok("changes", "--db", db, "--out", tmp_path / "ch.csv")
    read = partial(pl.read_csv, try_parse_dates=True, infer_schema_length=None)
    fa, oa, ob, series, changes = (read(tmp_path / f) for f in
                                   ("fa.csv", "oa.csv", "ob.csv", "s.csv", "ch.csv"))
    key = ["skill", "source", "region", "occupation"]
    fill = [pl.col(c).cast(pl.String).fill_null("") for c in ("region", "occupation")]
    fa, oa, ob, series, changes = (df.with_columns(fill) for df in (fa, oa, ob, series, changes))
    assert changes.columns == COLUMNS
    status = changes.filter(pl.col("change") == "status")
    outside = changes.filter(pl.col("change") == "outside")
    assert status.height > 0 and outside.height > 0
    checked = status.join(oa.select(*key, pl.col("status").alias("a")), on=key) \
        .join(ob.select(*key, pl.col("status").alias("b")), on=key)
    assert checked.height == status.height
    assert (checked["from_status"] == checked["a"]).all() and (checked["to_status"] == checked["b"]).all()
    assert (checked["a"] != checked["b"]).all()
    flips = oa.join(ob, on=key).filter(pl.col("status") != pl.col("status_right")).height
    assert flips == status.height  # every flip listed once
    bounds = outside.join(fa.select(*key, "period", pl.col("lower_95").alias("lo"),
                                    pl.col("upper_95").alias("hi")), on=[*key, "period"]) \
        .join(series.select(*key, "period", pl.col("value").alias("observed")), on=[*key, "period"])
    assert bounds.height == outside.height
    assert ((bounds["lower_95"] - bounds["lo"]).abs() <= 1e-9 * bounds["lo"].abs().clip(1)).all()
    assert ((bounds["upper_95"] - bounds["hi"]).abs() <= 1e-9 * bounds["hi"].abs().clip(1)).all()
    assert ((bounds["actual"] - bounds["observed"]).abs() <= 1e-9).all()
    assert ((bounds["actual"] > bounds["hi"]) | (bounds["actual"] < bounds["lo"])).all()
    assert (outside["period"] > dt.date(2023, 12, 1)).all()
    assert changes["reason"].null_count() == 0
