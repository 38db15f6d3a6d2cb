"""URL state: parsing and validating query strings and callback values, canonical links."""
from __future__ import annotations

import pytest
from skillpulse.dashboard import urlstate as u


def test_defaults_and_round_trip() -> None:
    state, problems = u.parse_explorer({})
    assert problems == []
    assert state == u.ExplorerState()
    full = u.ExplorerState(skills=("Python", "Rust & Go"), horizon=12, scale="index", view="relative",
                           source="demo", region="", occupation="Data", run=3)
    search = u.explorer_search(full)
    assert search.startswith("?skill=Python&skill=Rust%20%26%20Go&horizon=12")
    again, problems = u.parse_explorer(u.query_args(search))
    assert problems == []
    assert again == full


def test_defaults_are_left_out_of_links() -> None:
    assert u.explorer_search(u.ExplorerState(skills=("SQL",))) == "?skill=SQL"
    assert u.explorer_search(u.ExplorerState()) == ""
    assert u.skills_href(["A", "B"]) == "/skills?skill=A&skill=B"


@pytest.mark.parametrize(("args", "fragment"), [
    ({"horizon": "abc"}, "'horizon=abc' is not a whole number"),
    ({"horizon": "7"}, "out of range"),
    ({"scale": "foo"}, "'scale=foo' is not one of share, count, index"),
    ({"view": "sideways"}, "'view=sideways'"),
    ({"run": "-1"}, "'run=-1' is out of range"),
    ({"bogus": "1"}, "Unknown parameter(s) ignored: bogus"),
    ({"scale": ["share", "count"]}, "given 2 times"),
    ({"source": "x" * 500}, "'source' is not a valid value"),
    ({"region": "a\x00b"}, "'region' is not a valid value"),
])
def test_malformed_values_become_friendly_problems(args: dict, fragment: str) -> None:
    state, problems = u.parse_explorer(args)
    assert any(fragment in p for p in problems), problems
    assert state.horizon == 24 and state.scale in u.SCALES and state.view in u.VIEWS


@pytest.mark.parametrize("junk", [{"a": 1}, [1, [2]], 3.5, True, None, 10**30, ["x"] * 50])
def test_any_json_from_a_callback_is_survivable(junk: object) -> None:
    args = dict.fromkeys(u.EXPLORER_KEYS, junk)
    state, _problems = u.parse_explorer(args)
    assert isinstance(state, u.ExplorerState)
    assert all(isinstance(s, str) for s in state.skills)
    assert len(state.skills) <= u.MAX_SKILLS
    assert state.horizon in u.HORIZONS


def test_skill_list_is_deduplicated_and_capped() -> None:
    state, problems = u.parse_explorer({"skill": ["Go", "go", *[f"s{i}" for i in range(12)]]})
    assert state.skills[0] == "Go" and "go" not in state.skills
    assert len(state.skills) == u.MAX_SKILLS
    assert any("At most" in p for p in problems)


def test_validate_run_and_segments() -> None:
    problems: list[str] = []
    assert u.validate_run(2, [1, 2], problems) == 2
    assert u.validate_run(9, [1, 2], problems) is None
    assert problems == ["There is no forecast run 9; the newest run is shown."]
    state = u.ExplorerState(region="Mars", source="demo")
    checked = u.with_segment_check(state, {"region": [""], "source": ["demo"]}, problems)
    assert checked.region is None and checked.source == "demo"
    assert "No data for region 'Mars'" in problems[-1]
