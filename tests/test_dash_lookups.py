"""The explorer's and the overview's look-ups of a few series read only those series' rows:
the table scan itself applies the series filter (a semi join hands it the ids), so the other
columns are read for the rows asked only, not for every row of each row group the ids fall in
(what ``list_contains`` did: it only pruned row groups, then filtered after reading them all)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from skillpulse.data import store
from skillpulse.data.sqlfiles import load_sql

from tests import fixtures_app as fx
from tests import sqlfixtures
from tests.fixtures_app import build_db

dash_db = fx.dash_db
dash_app = fx.dash_app
BIG = ("forecast", "outlook", "observation", "series")


@pytest.fixture(scope="module")
def lookup_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("lookups") / "l.duckdb", n_skills=16, segments=3,
                    runs=2, real_forecast=False)


def _scans(node: dict[str, Any]) -> list[tuple[str, int]]:
    out = []
    if node.get("type") == "TABLE_SCAN":
        out.append((str(node["extra_info"]["Table"]).rsplit(".", 1)[-1], int(node["intermediate_rows"])))
    for child in node.get("children", []):
        out.extend(_scans(child))
    return out


def scanned(con: Any, name: str, params: dict[str, Any]) -> list[tuple[str, int]]:
    """(table, rows the scan passed on) for each scan of a big table in ``sql/<name>.sql``."""
    profile = con.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + load_sql(name), params).fetchall()
    plan = json.loads(profile[0][1])
    return [s for root in plan["operator"] for s in _scans(root) if s[0] in BIG]


@pytest.mark.parametrize("name", ["dash_forecast", "dash_outlook_detail", "dash_sparklines"])
def test_a_lookup_scans_only_the_series_asked(lookup_db: Path, name: str) -> None:
    with store.read(lookup_db) as con:
        run_id = int(store.query(con, "dash_runs")["run_id"][0])
        every = store.query(con, "dash_forecast", run_id=run_id, series_ids=list(range(1, 10_000)))
        ids = sorted(set(every["series_id"].to_list()))[1::5][:4]
        assert len(ids) == 4
        params: dict[str, Any] = {"series_ids": ids}
        params.update({"months": 36} if name == "dash_sparklines" else {"run_id": run_id})
        scans = scanned(con, name, params)
        assert scans, name
        held_rows = sqlfixtures.query(con, "dash_fixture_rows_held", ids=ids)
        counts = {r[0]: (r[1], r[2]) for r in held_rows.iter_rows()}
        for table, rows in scans:
            held, total = counts[table]
            assert 0 < held < total
            assert rows <= held, (name, table, rows, held, total)


def test_picked_names_need_no_lookup(dash_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The explorer resolves aliases and other spellings through the database, but the names its
    picker sends (those with data) need no query; both give the same view."""
    from skillpulse.dashboard import queries
    from skillpulse.dashboard.components import NEWEST

    from tests.fixtures_app import TEST_ALIAS, page

    asked: list[list[str]] = []
    original = queries.resolve_skills

    def spy(db: Any, names: Any) -> Any:
        asked.append(list(names))
        return original(db, names)

    monkeypatch.setattr(queries, "resolve_skills", spy)
    with dash_app.server.app_context():
        names = sorted(queries.skill_options(queries.current())["name"].to_list())
        explore = page("skills").update_explorer
        plain = explore([names[0], names[1]], 24, "share", "absolute", None, None, None, NEWEST, 0)
        assert asked == []
        other = explore([TEST_ALIAS.upper(), names[1]], 24, "share", "absolute", None, None, None,
                        NEWEST, 0)
    assert asked == [[TEST_ALIAS.upper()]]
    assert [t.name for t in plain[0].data] == [t.name for t in other[0].data]
    assert plain[2] == other[2]


def test_independent_lookups_run_side_by_side_on_the_requests_version(lookup_db: Path) -> None:
    """``Db.together``: the explorer's forecast and outlook look-ups run in threads of their own,
    each on its own cursor of the version the request pinned; the answers are the sequential ones
    and a failing look-up fails the request (nothing left running)."""
    import threading

    from skillpulse.dashboard import queries

    db = queries.Db(lookup_db, cache_size=0)
    seen: dict[str, tuple[int, str, int]] = {}

    def where(name: str, **params: Any) -> Any:
        def call() -> Any:
            seen[name] = (threading.get_ident(), db.version(), id(db.connection()))
            return db.query(name, **params)
        return call

    run_id = int(queries.runs(db)["run_id"][0])
    ids = [1, 2, 3]
    with db.pinned() as version:
        together = db.together(where("dash_forecast", run_id=run_id, series_ids=ids),
                               where("dash_outlook_detail", run_id=run_id, series_ids=ids))
    assert together[0].equals(db.query("dash_forecast", run_id=run_id, series_ids=ids))
    assert together[1].equals(db.query("dash_outlook_detail", run_id=run_id, series_ids=ids))
    first, second = seen["dash_forecast"], seen["dash_outlook_detail"]
    assert first[1] == second[1] == version
    assert first[0] == threading.get_ident() != second[0]  # the second beside the first
    assert first[2] != second[2]                           # each on a cursor of its own

    def fails() -> None:
        raise ValueError("look-up failed")

    with pytest.raises(ValueError, match="look-up failed"):
        db.together(where("dash_forecast", run_id=run_id, series_ids=ids), fails)
