"""Skill identity: case-insensitive names, aliases, unknown names added as uncategorised."""
from __future__ import annotations

import polars as pl
from skillpulse.data import skills, store


def _taxonomy() -> pl.DataFrame:
    return pl.DataFrame({
        "name": ["Kubernetes", "JavaScript", "kubernetes"],
        "category": ["containers", "languages", "other"],
        "aliases": ["k8s|Kube", "JS", None],
    })


def test_aliases_resolve_case_insensitively() -> None:
    con = store.memory()
    skills.upsert_taxonomy(con, _taxonomy())
    got = skills.resolve_names(con, pl.Series(["K8S", "kube", "js", "JAVASCRIPT"]), create=False)
    ids = dict(zip(got["name"], got["skill_id"], strict=True))
    assert ids["K8S"] == ids["kube"]
    assert ids["js"] == ids["JAVASCRIPT"]
    assert ids["K8S"] != ids["js"]


def test_duplicate_names_differing_in_case_are_one_skill() -> None:
    con = store.memory()
    skills.upsert_taxonomy(con, _taxonomy())
    rows = con.execute("SELECT name, category FROM skill ORDER BY name").fetchall()
    assert rows == [("JavaScript", "languages"), ("Kubernetes", "containers")]


def test_unknown_names_are_added_as_uncategorised_not_dropped() -> None:
    con = store.memory()
    skills.upsert_taxonomy(con, _taxonomy())
    got = skills.resolve_names(con, pl.Series(["Zig", "zig"]))
    assert got["skill_id"].null_count() == 0
    assert got["skill_id"].n_unique() == 1
    assert con.execute("SELECT category FROM skill WHERE name_key = 'zig'").fetchone() == ("uncategorised",)


def test_without_create_unknown_names_stay_null() -> None:
    con = store.memory()
    got = skills.resolve_names(con, pl.Series(["Zig"]), create=False)
    assert got["skill_id"].to_list() == [None]
    assert con.execute("SELECT count(*) FROM skill").fetchone() == (0,)


def test_taxonomy_import_upgrades_uncategorised_category() -> None:
    con = store.memory()
    skills.resolve_names(con, pl.Series(["Terraform"]))
    skills.upsert_taxonomy(con, pl.DataFrame({"name": ["terraform"], "category": ["infrastructure"]}))
    assert con.execute("SELECT name, category FROM skill").fetchall() == [("Terraform", "infrastructure")]
