"""Plans weigh demand at stake and reach everyone: volume gate, large-and-stable skills,
successors (each threshold pinned on both sides), and the taxonomy's ``successors`` column."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from skillpulse.data import store
from skillpulse.data.taxonomy_io import import_taxonomy, read_taxonomy
from skillpulse.models import planning
from skillpulse.models.planning import plan_gaps, skill_evidence, triage_catalogue

COLS = {"skill": pl.String, "category": pl.String, "status": pl.String, "growth_pct": pl.Float64,
        "growth_lower_80": pl.Float64, "growth_upper_80": pl.Float64, "horizon": pl.Int64,
        "mentions_12m": pl.Float64, "growth_basis": pl.String}


def _row(skill: str, category: str, status: str, growth: float, lo: float, hi: float,
         per_month: float | None) -> dict:
    return {"skill": skill, "category": category, "status": status, "growth_pct": growth,
            "growth_lower_80": lo, "growth_upper_80": hi, "horizon": 24,
            "mentions_12m": None if per_month is None else 12 * per_month, "growth_basis": "share"}


def _stable(skill: str, category: str, per_month: float) -> dict:
    return _row(skill, category, "stable", 0.0, -10.0, 5.0, per_month)


def _evidence(rows: list[dict], successors: dict[str, str] | None = None,  # type: ignore[no-untyped-def]
              near: dict[str, str] | None = None):
    skills = pl.DataFrame({"skill": [r["skill"] for r in rows],
                           "category": [r["category"] for r in rows],
                           "successors": [(successors or {}).get(r["skill"]) for r in rows],
                           "near": [(near or {}).get(r["skill"]) for r in rows]},
                          schema={"skill": pl.String, "category": pl.String, "successors": pl.String,
                                  "near": pl.String})
    return skill_evidence(pl.DataFrame(rows, schema=COLS), skills)


def _inventory(pairs: list[tuple[str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame({"person": [p for p, _, _ in pairs], "team": [""] * len(pairs),
                         "written": [s for _, s, _ in pairs], "skill": [s for _, s, _ in pairs],
                         "proficiency": [v for _, _, v in pairs]},
                        schema={"person": pl.String, "team": pl.String, "written": pl.String,
                                "skill": pl.String, "proficiency": pl.Int64})


def _acquired(plan: planning.GapPlan, person: str) -> list[str]:
    rows = plan.rows.filter((pl.col("person") == person) & (pl.col("kind") == "acquire"))
    return rows["skill"].to_list()


TEAM_ROWS = [
    _row("JavaScript", "Programming languages", "declining", -36, -44, -27, 17),
    _row("AngularJS", "Frontend", "declining", -56, -62, -49, 4),
    _row("jQuery", "Frontend", "obsolescent", -30, -50, -10, 0.6),
    _row("Perl", "Programming languages", "obsolescent", -40, -60, -20, 0.3),
    _row("MySQL", "Databases", "declining", -20, -30, -10, 4),
    _row("Meteor", "Backend frameworks", "rising", 900, 100, 2000, 1.0),
    _row("Data mining", "Data science", "rising", 300, 50, 900, 0.5),
    _stable("TypeScript", "Programming languages", 53),
    _stable("Python", "Programming languages", 63),
    _stable("React", "Frontend", 40),
    _row("Go", "Programming languages", "rising", 30, 10, 50, 12),
    _stable("PostgreSQL", "Databases", 20),
    _stable("Java", "Programming languages", 15),
    _stable("Spring", "Backend frameworks", 8),
]
TEAM_SUCCESSORS = {"AngularJS": "Angular|React|TypeScript", "jQuery": "React|Vue.js|TypeScript",
                   "Perl": "Python|Go"}
TEAM = [("Ana", "AngularJS", 4), ("Ana", "jQuery", 5), ("Ana", "JavaScript", 4),
        ("Bo", "Perl", 5), ("Bo", "MySQL", 4), ("Cy", "Python", 4), ("Cy", "Meteor", 1),
        ("Di", "Java", 5), ("Di", "Spring", 3)]


def test_everyone_gets_an_acquire_step_never_on_a_thin_skill() -> None:
    ev = _evidence(TEAM_ROWS, TEAM_SUCCESSORS)
    plan = plan_gaps(_inventory(TEAM), ev)
    for person in ("Ana", "Bo", "Cy", "Di"):
        assert _acquired(plan, person), person
    acquired = plan.rows.filter(pl.col("kind") == "acquire")["skill"].to_list()
    assert "Meteor" not in acquired and "Data mining" not in acquired
    assert set(acquired) <= {"TypeScript", "Python", "React", "Go", "PostgreSQL", "Java"}


def test_retire_rows_name_what_replaces_the_skill() -> None:
    plan = plan_gaps(_inventory(TEAM), _evidence(TEAM_ROWS, TEAM_SUCCESSORS))
    reason = dict(zip(plan.rows.filter(pl.col("kind") == "retire")["skill"],
                      plan.rows.filter(pl.col("kind") == "retire")["reason"], strict=True))
    assert "what replaces it: React" in reason["AngularJS"]
    assert "what replaces it: Python" in reason["Perl"]
    assert "a rising skill in Programming languages: Go" in reason["JavaScript"]
    bo = _acquired(plan_gaps(_inventory(TEAM), _evidence(TEAM_ROWS, TEAM_SUCCESSORS)), "Bo")
    assert set(bo[:2]) == {"Python", "Go"}  # both named successors of Perl come first


def test_min_mentions() -> None:
    for per_month, proposed in ((1.5, False), (2.5, True)):
        rows = [_stable("Java", "Programming languages", 50),
                _row("Zig", "Programming languages", "rising", 100, 40, 200, per_month)]
        plan = plan_gaps(_inventory([("Di", "Java", 4)]), _evidence(rows))
        assert ("Zig" in _acquired(plan, "Di")) is proposed, per_month


def test_large_quantile() -> None:
    rows = [_stable("Held", "Tools", 55)]
    rows += [_stable(f"T{v:03d}", "Tools", v) for v in range(10, 101, 10)]
    acquired = _acquired(plan_gaps(_inventory([("Di", "Held", 4)]), _evidence(rows),
                                   max_acquire=20), "Di")
    assert "T060" in acquired and "T050" not in acquired


def test_stable_return() -> None:
    rows = [_stable("Held", "Tools", 1000),
            _row("Riser", "Tools", "rising", 30, 20, 40, 20),  # +6 postings a month
            _stable("Big", "Tools", 100)]                      # 5% of 100 = 5 a month
    plan = plan_gaps(_inventory([("Di", "Held", 4)]), _evidence(rows))
    assert _acquired(plan, "Di") == ["Riser", "Big"]
    big = plan.rows.filter(pl.col("skill") == "Big")["priority"].item()
    assert big > 0


def test_successor_bonus() -> None:
    rows = [_row("Perl", "Programming languages", "obsolescent", -40, -60, -20, 1),
            _stable("C", "Programming languages", 100), _stable("Python", "Programming languages", 60),
            _stable("Kotlin", "Programming languages", 60)]
    plan = plan_gaps(_inventory([("Bo", "Perl", 5)]), _evidence(rows, {"Perl": "Python"}))
    assert _acquired(plan, "Bo") == ["C", "Python", "Kotlin"]


def test_near_bonus() -> None:
    """A rising skill often in the same postings as one held (another category) is proposed,
    between same-category ones worth a little less and a little more."""
    rows = [_stable("Held", "Tools", 10),
            _row("A", "Tools", "rising", 50, 40, 60, 20),    # 10 postings a month gained
            _row("B", "Data", "rising", 50, 40, 60, 24),     # 12, co-mentioned with Held
            _row("C", "Tools", "rising", 50, 40, 60, 16)]    # 8
    plan = plan_gaps(_inventory([("Di", "Held", 4)]), _evidence(rows, near={"Held": "B"}))
    assert _acquired(plan, "Di") == ["A", "B", "C"]
    reason = plan.rows.filter(pl.col("skill") == "B")["reason"].item()
    assert "often in the same postings as Held" in reason


def test_catalogue_weighs_demand_at_stake() -> None:
    """+900% on one posting a month does not outrank a stable skill in 200 postings a month
    with a modest rise; neither does it get a build row."""
    rows = [_row("Tiny", "Tools", "rising", 900, 200, 2000, 1.0),
            _row("Broad", "Tools", "rising", 12, 5, 20, 200)]
    ev = _evidence(rows)
    courses = pl.DataFrame({"course_id": ["C1", "C2"], "title": ["tiny", "broad"]})
    links = pl.DataFrame({"course_id": ["C1", "C2"], "written": ["Tiny", "Broad"],
                          "skill": ["Tiny", "Broad"]})
    out = triage_catalogue(courses, links, ev)
    assert out["course_id"].to_list()[0] == "C2"
    empty = pl.DataFrame({"course_id": [], "written": [], "skill": []},
                         schema={"course_id": pl.String, "written": pl.String, "skill": pl.String})
    built = triage_catalogue(courses.head(0), empty, ev)
    assert built["title"].to_list() == ["Broad"]


@pytest.mark.parametrize("name", ["MIN_MENTIONS_MONTH", "LARGE_QUANTILE", "STABLE_RETURN",
                                  "SUCCESSOR_BONUS", "NEAR_BONUS"])
@pytest.mark.parametrize("factor", [0.0, 2.0, 10.0])
def test_each_plan_threshold_is_pinned(monkeypatch: pytest.MonkeyPatch, name: str,
                                       factor: float) -> None:
    monkeypatch.setattr(planning, name, getattr(planning, name) * factor)
    failed = 0
    for check in (test_min_mentions, test_large_quantile, test_stable_return, test_successor_bonus,
                  test_near_bonus, test_everyone_gets_an_acquire_step_never_on_a_thin_skill):
        try:
            check()
        except (AssertionError, IndexError):
            failed += 1
    assert failed, f"{name} × {factor} left every plan test green"


def test_taxonomy_import_stores_successors(tmp_path: Path) -> None:
    csv = tmp_path / "skills.csv"
    csv.write_text("skill,category,aliases,successors\n"
                   "AngularJS,Frontend,Angular 1,Angular| React |TypeScript\n"
                   "React,Frontend,,\n", encoding="utf-8")
    df, _ = read_taxonomy(csv)
    db = tmp_path / "t.duckdb"
    with store.write(db) as con:
        import_taxonomy(con, df, str(csv))
    with store.read(db) as con:
        got = dict(con.execute("SELECT name, successors FROM skill").fetchall())
    assert got["AngularJS"] == "Angular|React|TypeScript" and got["React"] is None


def test_shipped_taxonomy_names_successors_that_exist() -> None:
    from skillpulse.data.taxonomy_io import project_taxonomy
    df = project_taxonomy()
    names = set(df["name"].to_list())
    succ = {n: s for n, s in df.select("name", "successors").iter_rows() if s}
    assert succ["AngularJS"] == "Angular|React|TypeScript"
    assert succ["jQuery"] == "React|Vue.js|TypeScript" and succ["Perl"] == "Python|Go"
    assert all(x in names for s in succ.values() for x in s.split("|"))
