"""Which run is earlier: runs are ordered by the month they are as of, then by id. A run made
later with ``--as-of`` an earlier month (a backfill) comes before the runs as of later months, so
``changes`` never reads backwards: the default pair, ``--from/--to`` validation, the dashboard's
/changes page and the alerts' first pair all follow that order."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from skillpulse.data import store
from skillpulse.data.errors import NotFoundError, UsageError
from skillpulse.services import changes as ch

from tests.fixtures_app import add_run, demo_frames, load_frame
from tests.forecast_fixtures import run_cli

MAY, DEC = dt.date(2024, 5, 1), dt.date(2023, 12, 1)
# run 1 as of May 2024, run 2 made later as of Dec 2023, run 3 as of May 2024 again
RUNS = pl.DataFrame({"run_id": [3, 2, 1], "as_of": [MAY, DEC, MAY]})


def pair(before: int | None = None, after: int | None = None) -> tuple[int, int]:
    p = ch.pick_runs(RUNS, before, after)
    return p.before, p.after


def test_runs_are_ordered_by_as_of_then_id() -> None:
    assert ch.run_order(RUNS) == [2, 1, 3]
    assert pair() == (1, 3)
    assert pair(after=1) == (2, 1)
    assert pair(before=2) == (2, 3)
    assert pair(2, 1) == (2, 1)


def test_a_pair_that_reads_backwards_is_refused() -> None:
    with pytest.raises(UsageError, match=r"--from run 1 \(as of May 2024\) must be an earlier run "
                                         r"than --to run 2 \(as of Dec 2023\): runs are ordered by "
                                         r"the month they are as of, then by id; swap them "
                                         r"\(--from 2 --to 1\)"):
        ch.pick_runs(RUNS, 1, 2)
    with pytest.raises(UsageError, match="must be an earlier run"):
        ch.pick_runs(RUNS, 3, 1)  # same month: the later id is the later run
    with pytest.raises(UsageError, match="must be an earlier run"):
        ch.pick_runs(RUNS, 1, 1)
    with pytest.raises(UsageError, match=r"run 3 \(as of May 2024\) is the newest run"):
        ch.pick_runs(RUNS, before=3)
    with pytest.raises(NotFoundError, match=r"run 2 \(as of Dec 2023\) has no earlier run to "
                                            r"compare with: it is the earliest"):
        ch.pick_runs(RUNS, after=2)


@pytest.fixture(scope="module")
def backfilled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run 1 as of the data's last month; run 2, made afterwards, as of a year before."""
    path = tmp_path_factory.mktemp("order") / "o.duckdb"
    frame, taxonomy = demo_frames(n_skills=12)
    with store.write(path) as con:
        load_frame(con, frame, taxonomy)
    last = frame["period"].max()
    add_run(path, real_forecast=False)
    add_run(path, as_of=dt.date(last.year - 1, last.month, 1), real_forecast=False)
    with store.write(path) as con:  # what 'skillpulse forecast' writes after each run
        assert ch.summarise(con, 1) is not None and ch.summarise(con, 2) is None
    return path


def test_the_cli_compares_forwards_in_time(backfilled: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "c.csv"
    assert run_cli(["changes", "--db", str(backfilled), "--out", str(out)]) == 0
    assert "between runs 2 and 1" in capsys.readouterr().err
    with store.read(backfilled) as con:
        expected = ch.compute_changes(lambda name, **kw: store.query(con, name, **kw), 2, 1)
    assert pl.read_csv(out).height == expected.table.height > 0
    assert run_cli(["changes", "--db", str(backfilled), "--from", "1", "--to", "2"]) == 2
    err = capsys.readouterr().err
    assert "--from run 1 (as of" in err and "swap them (--from 2 --to 1)" in err, err
    assert err.count("\n") == 1


def test_the_changes_page_shows_the_same_pair(backfilled: Path) -> None:
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.app import create_app

    from tests.fixtures_app import page

    app = create_app(str(backfilled))
    with app.server.app_context():
        db = queries.current()
        summary, rows, alert, before, after = page("changes").view(db, None, None, [])
        assert (before, after) == (2, 1) and alert == [] and rows
        assert summary.startswith("Run 2 (as of") and "→ run 1 (as of" in summary
        wrong: Any = page("changes").view(db, 1, 2, [])
        assert "must be an earlier run" in wrong[0]


def test_a_first_alert_starts_with_the_newest_pair(backfilled: Path) -> None:
    from skillpulse.services.alerts import send_alerts

    result = send_alerts(backfilled, "https://hooks.example.com/x", dry_run=True)
    assert result.runs == [(2, 1)]


def test_the_brief_of_the_earliest_run_says_why_it_compares_nothing(backfilled: Path) -> None:
    from skillpulse.services.brief import build_brief

    with store.read(backfilled) as con:
        def query(name: str, **kw: Any) -> pl.DataFrame:
            return store.query(con, name, **kw)

        earliest, newest = build_brief(query, run=2), build_brief(query, run=1)
    assert earliest.changes is None
    assert "No other run is as of an earlier month" in earliest.notes[0]
    assert newest.changes is not None and (newest.changes.pair.before, newest.changes.pair.after) == (2, 1)
