"""Test support for planning: a database with a synthetic forecast run (no model fitting)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from skillpulse.data import store
from skillpulse.data.skills import upsert_taxonomy

from tests import sqlfixtures

# skill, category, aliases, status, growth %, 80% low, 80% high, half-life months
FIXTURE: list[tuple[str, str, str, str, float, float, float, float | None]] = [
    ("Kubernetes", "Cloud", "k8s|kube", "rising", 45.0, 20.0, 80.0, None),
    ("Terraform", "Cloud", "", "emerging", 150.0, 60.0, 300.0, None),
    ("OpenStack", "Cloud", "", "obsolescent", -70.0, -80.0, -55.0, 14.0),
    ("Puppet", "Cloud", "", "declining", -30.0, -45.0, -12.0, 40.0),
    ("Linux", "Cloud", "", "stable", 2.0, -8.0, 12.0, None),
    ("jQuery", "Web", "jq", "obsolescent", -60.0, -75.0, -40.0, 18.0),
    ("React", "Web", "reactjs", "rising", 30.0, 10.0, 55.0, None),
    ("HTML", "Web", "", "stable", 0.0, -10.0, 10.0, None),
    ("Excel", "Office", "", "stable", -2.0, -10.0, 7.0, None),
    ("Cobol", "Legacy", "", "obsolescent", -50.0, -65.0, -30.0, 20.0),
    ("Rust", "Languages", "", "rising", 40.0, 15.0, 70.0, None),
    ("Python", "Languages", "py", "stable", 5.0, -3.0, 14.0, None),
    ("Fortran", "Languages", "", "uncertain", -5.0, -40.0, 30.0, None),
]
AS_OF = dt.date(2025, 12, 1)


def fixture_frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = [dict(zip(("skill", "category", "aliases", "status", "growth_pct", "growth_lower_80",
                      "growth_upper_80", "half_life_months"), r, strict=True)) for r in FIXTURE]
    df = pl.DataFrame(rows, schema={"skill": pl.String, "category": pl.String, "aliases": pl.String,
                                    "status": pl.String, "growth_pct": pl.Float64,
                                    "growth_lower_80": pl.Float64, "growth_upper_80": pl.Float64,
                                    "half_life_months": pl.Float64})
    taxonomy = df.select(pl.col("skill").alias("name"), "category", "aliases")
    return taxonomy, df.drop("category", "aliases")


def make_planning_db(path: Path, rows: pl.DataFrame | None = None) -> Path:
    """A skillpulse database at ``path`` with the fixture taxonomy and one forecast run."""
    taxonomy, outlook = fixture_frames()
    if rows is not None:
        outlook = rows
    with store.write(path) as con:
        upsert_taxonomy(con, taxonomy)
        sqlfixtures.execute(con, "planning_fixture_run", as_of=AS_OF, horizon=24)
        run_id = int(store.query(con, "latest_run")["run_id"][0])
        con.register("tmp_fixture", outlook.to_arrow())
        try:
            sqlfixtures.execute(con, "planning_fixture_series")
            sqlfixtures.execute(con, "planning_fixture_outlook", run_id=run_id, as_of=AS_OF, horizon=24)
        finally:
            con.unregister("tmp_fixture")
    return path
