"""The ``/changes`` page, the overview's changes line and the explorer's second fan, called as plain
functions against a fixture database (two synthetic runs a year apart)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import plotly.io as pio
import pytest
from skillpulse.dashboard import queries
from skillpulse.dashboard.urlstate import ExplorerState, explorer_search, parse_changes, parse_explorer

from tests.fixtures_app import build_db, page


def text_of(component: Any) -> str:
    return json.dumps(component.to_plotly_json() if hasattr(component, "to_plotly_json") else component,
                      default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from skillpulse.dashboard.app import create_app

    db: Path = build_db(tmp_path_factory.mktemp("dch") / "d.duckdb", n_skills=30, runs=2,
                        real_forecast=False)
    return create_app(str(db))


@pytest.fixture
def ctx(app: Any) -> Iterator[queries.Db]:
    with app.server.app_context():
        yield queries.current()


def test_changes_page_default_pair_and_links(ctx: queries.Db) -> None:
    changes = page("changes")
    summary, rows, alert, before, after = changes.view(ctx, None, None, [])
    assert (before, after) == (1, 2) and alert == []
    assert summary.startswith("Run 1 (as of") and "95% interval run 1 published" in summary
    expected = queries.changes(ctx, 1, 2)
    assert len(rows) == expected.table.height > 0
    assert [r["skill"] for r in rows] == expected.table["skill"].to_list()  # importance order
    href = rows[0]["skill_href"]
    query = parse_qs(urlsplit(href).query, keep_blank_values=True)
    assert urlsplit(href).path == "/skills" and query["compare"] == ["1"] and "run" not in query
    state, problems = parse_explorer({k: v[0] if len(v) == 1 else v for k, v in query.items()})
    assert problems == [] and state.compare == 1 and state.skills == (rows[0]["skill"],)


def test_changes_layout_reads_the_url_and_reports_problems(ctx: queries.Db) -> None:
    layout = page("changes").layout(**{"from": "1", "to": "2", "x": "y"})
    text = text_of(layout)
    assert "Unknown parameter(s) ignored: x." in text and "Run 1 (as of" in text
    wrong = text_of(page("changes").layout(**{"from": "2", "to": "1"}))
    assert "must be an earlier run" in wrong
    missing = text_of(page("changes").layout(to="9"))
    assert "no forecast run 9" in missing


@pytest.mark.parametrize("junk", [({"a": 1}, [2]), ("abc", None), (-1, 10**12), (None, "2")])
def test_changes_callback_survives_any_json(ctx: queries.Db, junk: tuple[Any, Any]) -> None:
    summary, rows, _alert = page("changes").update_changes(*junk)
    assert isinstance(summary, str) and isinstance(rows, list)


def test_the_summary_says_how_many_are_listed(ctx: queries.Db) -> None:
    from skillpulse.services.changes import LISTED

    pair = queries.listed_changes(ctx, 1, 2)[0].pair
    few = page("changes").summary(pair, {"status": 2, "new": 1, "outside": 4}, 7)
    assert "2 status change(s), 1 new series, 4 series with months outside" in few
    assert "listed" not in few
    many = page("changes").summary(pair, {"status": 2, "new": 1, "outside": LISTED}, LISTED + 3)
    assert many.endswith(f"The first {LISTED:,} are listed; 'skillpulse changes' lists all.")


def test_parse_changes() -> None:
    assert parse_changes({"from": "3", "to": "5"}) == (3, 5, [])
    before, after, problems = parse_changes({"from": "x", "to": ["1", "2"]})
    assert before is None and after == 1 and len(problems) == 2


def test_overview_counts_the_changes(ctx: queries.Db) -> None:
    *_, line = page("home").update_overview(0)
    text = text_of(line)
    n = queries.changes(ctx, None, 2).table.height
    assert f"{n:,} changes" in text and "since run 1" in text and '"/changes"' in text
    *_, first = page("home").update_overview(1)
    assert first == []  # the first run has nothing to compare with


def test_explorer_draws_both_runs_fans(ctx: queries.Db) -> None:
    name = queries.changes(ctx, 1, 2).table["skill"][0]
    skills = page("skills")
    values = ([name], 24, "share", "absolute", None, None, None, 0, 1)
    fig, _cards, _rows, _alert, notes = skills.update_explorer(*values)
    names = [t.name for t in fig.data]
    assert any(n.endswith("run 1 (as of Dec 2023)") for n in names if n)
    earlier = [t for t in fig.data if t.name and "run 1 (as of" in t.name]
    assert len(earlier) == 3 and "Thin dotted lines" in text_of(notes)
    same = skills.update_explorer(*values[:-1], 2)[0]  # the shown run itself: one fan
    assert not [t for t in same.data if t.name and "run 2 (as of" in t.name]
    _, _, _, bad, _ = skills.update_explorer(*values[:-1], 99)
    assert "no forecast run 99 to compare with" in text_of(bad)
    assert "compare=1" in explorer_search(ExplorerState(skills=(name,), compare=1))
    assert "run 1 (as of" not in pio.to_json(skills.update_explorer(*values[:-1], 0)[0])
