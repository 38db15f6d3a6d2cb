"""Catalogue triage and gap planning: known answers, alias matching, CLI contract columns."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from skillpulse.dashboard.cli import cli
from skillpulse.data import store
from skillpulse.models.planning import ACTIONS, CATALOGUE_COLUMNS, GAP_COLUMNS, KINDS
from skillpulse.services.planning import CatalogueResult, SampleResult
from skillpulse.services.planning import plan as run_gaps
from skillpulse.services.planning import triage as run_catalogue

from tests.test_planning_support import make_planning_db

COURSES = b"""course_id,title,skills,hours,provider,last_updated
C1,Legacy web,jQuery,8,Internal,2019-05-01
C2,Cloud today,k8s|Linux,12,Coursera,2025-06-01
C3,Infra mix,Puppet|Linux|Kubernetes,6,Internal,2024-01-01
C4,Web basics,HTML,4,Internal,2019-01-01
C5,Web basics refreshed,HTML,4,Internal,2025-09-01
C6,Mainframe,COBOL|Made-up skill,20,Vendor,2018-01-01
"""
INVENTORY = b"""person,skill,proficiency,team
Ana,Cobol,5,Core
Ana,Python,4,Core
Bo,KUBE,2,Ops
Bo,Puppet,4,Ops
Bo,Linux,5,Ops
Cy,React,4,Web
Cy,HTML,3,Web
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_planning_db(tmp_path_factory.mktemp("planning") / "p.duckdb")


def _catalogue(db: Path, data: bytes = COURSES) -> pl.DataFrame:
    with store.read(db) as con:
        return run_catalogue(con.cursor(), data, "courses.csv").table


def _gaps(db: Path, data: bytes = INVENTORY):  # type: ignore[no-untyped-def]
    with store.read(db) as con:
        return run_gaps(con.cursor(), data, "inventory.csv")


def _action(table: pl.DataFrame, cid: str) -> str:
    return table.filter(pl.col("course_id") == cid)["action"].item()


def test_course_teaching_only_an_obsolescent_skill_is_retired(db: Path) -> None:
    table = _catalogue(db)
    assert _action(table, "C1") == "retire"
    reason = table.filter(pl.col("course_id") == "C1")["reason"].item()
    assert "jQuery" in reason and "obsolescent" in reason and "-60%" in reason
    assert "80%: -75% to -40%" in reason and "halving every 18 months on its 3-year trend" in reason
    assert _action(table, "C6") == "retire"  # COBOL resolves to the taxonomy's "Cobol"


def test_rising_skill_no_course_teaches_becomes_build(db: Path) -> None:
    table = _catalogue(db)
    builds = table.filter(pl.col("action") == "build")
    # Terraform, Rust and React are rising/emerging and untaught; Kubernetes is taught (alias k8s)
    assert set(builds["title"]) == {"Terraform", "Rust", "React"}
    assert (builds["course_id"] == "").all()
    assert "no course" in builds.filter(pl.col("title") == "Terraform")["reason"].item()


def test_mixed_and_outdated_courses_are_refreshed_recent_ones_kept(db: Path) -> None:
    table = _catalogue(db)
    assert _action(table, "C3") == "refresh"  # one declining skill of three
    assert _action(table, "C2") == "keep"  # rising + stable, via the alias k8s
    # HTML is stable while React rises in the same category: refresh when stale, keep when recent
    assert _action(table, "C4") == "refresh"
    assert "React" in table.filter(pl.col("course_id") == "C4")["reason"].item()
    assert _action(table, "C5") == "keep"


def test_ranked_by_score_and_unmatched_reported(db: Path) -> None:
    with store.read(db) as con:
        result = run_catalogue(con.cursor(), COURSES, "courses.csv")
    scores = result.table["score"].to_list()
    assert scores == sorted(scores, reverse=True)
    assert set(result.table["action"]) <= set(ACTIONS)
    assert result.unmatched == ["Made-up skill"]
    assert "'Made-up skill'" in result.table.filter(pl.col("course_id") == "C6")["reason"].item()


def test_gap_kinds_known_answers(db: Path) -> None:
    rows = _gaps(db).plan.rows
    kinds = {(p, s): k for p, s, k in rows.select("person", "skill", "kind").iter_rows()}
    assert kinds[("Ana", "Cobol")] == "retire"  # relies on an obsolescent skill
    assert kinds[("Bo", "Puppet")] == "retire"
    assert kinds[("Bo", "Kubernetes")] == "deepen"  # rising, held at 2 (written as alias KUBE)
    assert kinds[("Bo", "Terraform")] == "acquire"  # emerging, same category as his skills
    assert kinds[("Ana", "Rust")] == "acquire"
    assert ("Cy", "React") not in kinds  # rising and held deeply: nothing to do
    assert ("Bo", "Linux") not in kinds  # stable
    assert set(rows["kind"]) <= set(KINDS)
    bo = rows.filter(pl.col("person") == "Bo")["priority"].to_list()
    assert bo == sorted(bo, reverse=True)
    assert "Terraform" in rows.filter((pl.col("person") == "Bo") & (pl.col("skill") == "Puppet"))[
        "reason"].item()


def test_people_team_and_plan_views(db: Path) -> None:
    plan = _gaps(db).plan
    people = {r["person"]: r for r in plan.people.iter_rows(named=True)}
    assert people["Bo"]["deep"] == 2 and people["Bo"]["shallow"] == 1
    assert people["Ana"]["profile"].startswith("specialist")
    steps = plan.plan.filter(pl.col("person") == "Bo")
    assert steps["step"].to_list() == list(range(1, steps.height + 1))
    assert set(steps["kind"]) <= {"acquire", "deepen"}
    ops = plan.team.filter((pl.col("team") == "Ops") & (pl.col("skill") == "Puppet"))
    assert ops["retire"].item() == 1 and ops["holders"].item() == 1


def test_cli_columns_exact(db: Path, tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_bytes(COURSES)
    (tmp_path / "i.csv").write_bytes(INVENTORY)
    runner = CliRunner()
    res = runner.invoke(cli, ["catalogue", str(tmp_path / "c.csv"), "--db", str(db)])
    assert res.exit_code == 0, res.output
    header = next(csv.reader(io.StringIO(res.stdout)))
    assert tuple(header) == CATALOGUE_COLUMNS
    assert "Made-up skill" in res.stderr
    out = tmp_path / "g.csv"
    res = runner.invoke(cli, ["gaps", str(tmp_path / "i.csv"), "--db", str(db), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert tuple(pl.read_csv(out).columns) == GAP_COLUMNS


def test_cli_without_forecast_run_says_so(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    with store.write(db):
        pass
    (tmp_path / "c.csv").write_bytes(COURSES)
    from skillpulse.dashboard.cli import main
    with pytest.raises(SystemExit) as exc:
        main(["catalogue", str(tmp_path / "c.csv"), "--db", str(db)])
    assert exc.value.code == 2


def test_cli_bad_file_exits_2_naming_file_row_column(db: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from skillpulse.dashboard.cli import main

    bad = tmp_path / "team.csv"
    bad.write_bytes(b"person,skill,proficiency\nAna,SQL,3\nBo,Go,9\n")
    with pytest.raises(SystemExit) as exc:
        main(["gaps", str(bad), "--db", str(db)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert f"{bad}, row 3, column 'proficiency'" in err and "Traceback" not in err
    with pytest.raises(SystemExit) as exc:
        main(["catalogue", str(tmp_path / "missing.csv"), "--db", str(db)])
    assert exc.value.code == 2 and "no such file" in capsys.readouterr().err


def test_a_skill_listed_under_two_aliases_is_cited_once(db: Path) -> None:
    courses = b"course_id,title,skills\nK1,Kube twice,Kubernetes|k8s|KUBE\n"
    reason = _catalogue(db, courses).filter(pl.col("course_id") == "K1")["reason"].item()
    assert reason.count("Kubernetes") == 1


def test_scores_and_priorities_are_never_negative(db: Path) -> None:
    assert (_catalogue(db)["score"] >= 0).all()
    priorities = _gaps(db).plan.rows["priority"].to_list()
    assert all(p >= 0 and str(p) != "-0.0" for p in priorities)


def test_cited_interval_is_the_one_the_status_was_judged_on(tmp_path: Path) -> None:
    """Sentences cite the judged interval (on growth_basis, like growth_pct), not the monthly
    prediction band: a reader never sees a verdict next to an interval that contradicts it."""
    path = make_planning_db(tmp_path / "judged.duckdb")
    with store.write(path) as con:
        con.execute("UPDATE outlook SET growth_lower_80 = -71, growth_upper_80 = -47")
    reason = _catalogue(path).filter(pl.col("course_id") == "C1")["reason"].item()
    assert "80%: -71% to -47%" in reason and "-75% to -40%" not in reason


def test_collapsed_flat_skill_still_ranks_as_a_strong_retire(tmp_path: Path) -> None:
    """An obsolescent skill sitting flat at 3% of its peak (growth ≈ 0) is no weak retire case."""
    path = make_planning_db(tmp_path / "collapsed.duckdb")
    with store.write(path) as con:
        con.execute("UPDATE outlook SET growth_pct = 0.4, peak_ratio = 0.03, half_life_months = 538 "
                    "WHERE series_id IN (SELECT s.series_id FROM series s JOIN skill k USING (skill_id) "
                    "WHERE k.name = 'jQuery')")
    table = _catalogue(path)
    c1 = table.filter(pl.col("course_id") == "C1")
    assert c1["action"].item() == "retire" and c1["score"].item() > 0.1
    assert "3% of its peak" in c1["reason"].item() and "538" not in c1["reason"].item()


def test_demo_samples_next_to_the_database(tmp_path: Path) -> None:
    """The pages' default views: the sample files beside the database, when they exist, read
    through the same use cases as an upload (an unusable file is an error message, not a crash)."""
    from skillpulse.services.planning import run_file, sample_catalogue, sample_inventory, triage

    db = make_planning_db(tmp_path / "demo.duckdb")
    with store.read(db) as con:
        assert sample_catalogue(con.cursor(), db) == SampleResult("demo_courses.csv")
    (tmp_path / "demo_courses.csv").write_bytes(COURSES)
    (tmp_path / "demo_inventory.csv").write_bytes(b"person,skill,proficiency\nAna,SQL,3\nBo,Go,9\n")
    with store.read(db) as con:
        courses = sample_catalogue(con.cursor(), db)
        team = sample_inventory(con.cursor(), db)
    assert courses.name == "demo_courses.csv" and courses.error is None
    assert isinstance(courses.result, CatalogueResult)
    assert _action(courses.result.table, "C1") == "retire"
    assert courses.result.unmatched == ["Made-up skill"]
    assert team.name == "demo_inventory.csv" and team.result is None
    assert team.error is not None and "demo_inventory.csv, row 3, column 'proficiency'" in team.error
    from_path = run_file(db, tmp_path / "demo_courses.csv", triage)
    assert from_path.table.equals(courses.result.table)
