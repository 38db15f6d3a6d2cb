"""The dashboard at many skills: the explorer's picker never ships thousands of options; it
searches on the server as the user types."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest
from dash.exceptions import PreventUpdate
from skillpulse.dashboard import queries

from tests import fixtures_app as fx
from tests.fixtures_app import page

dash_db = fx.dash_db
dash_app = fx.dash_app


def _skills(n: int) -> pl.DataFrame:
    return pl.DataFrame({"skill_id": list(range(n)), "name": [f"Skill {i:05d}" for i in range(n)],
                         "category": ["data" if i % 2 else "cloud" for i in range(n)],
                         "n_series": [1] * n})


def test_many_skills_ship_the_chosen_and_the_matches_only(dash_app: Any) -> None:
    skills_page = page("skills")
    many = _skills(skills_page.SHIPPED_OPTIONS + 500)
    first = skills_page.skill_options(many, ["Skill 02100"])
    assert len(first) == skills_page.SEARCH_OPTIONS + 1
    assert first[0]["value"] == "Skill 02100"
    found = [o["value"] for o in skills_page.skill_options(many, ["Skill 00003"], "skill 0042")]
    assert found == ["Skill 00003", *(f"Skill 0042{i}" for i in range(10))]
    by_category = skills_page.skill_options(many, [], "CLOUD")
    assert len(by_category) == skills_page.SEARCH_OPTIONS
    assert all(o["search"].endswith("cloud") for o in by_category)
    few = _skills(30)
    assert len(skills_page.skill_options(few, [], "0001")) == 30  # all shipped: the browser filters


def test_search_callback_only_where_the_page_does_not_ship_every_skill(
        dash_app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    skills_page = page("skills")
    with dash_app.server.app_context():
        with pytest.raises(PreventUpdate):
            skills_page.search_skills("py", [])
        monkeypatch.setattr(skills_page, "SHIPPED_OPTIONS", 5)
        names = queries.skill_options(queries.current())["name"].to_list()
        out = skills_page.search_skills(names[7][:-1].lower(), [names[0], 42])
        assert out[0]["value"] == names[0]
        assert names[7] in [o["value"] for o in out]
        with pytest.raises(PreventUpdate):
            skills_page.search_skills("", [names[0]])


def test_explorer_layout_ships_few_options_when_there_are_many(dash_app: Any, dash_db: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    skills_page = page("skills")
    monkeypatch.setattr(skills_page, "SHIPPED_OPTIONS", 5)
    monkeypatch.setattr(skills_page, "SEARCH_OPTIONS", 4)
    with dash_app.server.app_context():
        names = queries.skill_options(queries.current())["name"].to_list()
        layout = skills_page.layout(skill=[names[20]])
    picker = next(c for c in _walk(layout) if getattr(c, "id", None) == "ex-skills")
    assert [o["value"] for o in picker.options] == [names[20], *names[:4]]


def _walk(component: Any) -> Any:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)
