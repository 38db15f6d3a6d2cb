"""Taxonomy imports merge across files whatever their order; only a conflict within a file fails."""
from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner
from skillpulse.dashboard.cli import cli
from skillpulse.data import store
from skillpulse.data.errors import InputError
from skillpulse.data.taxonomy_io import import_taxonomy, loose_key, project_taxonomy, read_taxonomy

from tests.conftest import real_file

ONET_HEADER = "O*NET-SOC Code\tTitle\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
ONET = ONET_HEADER + "".join(
    f"15-1252.00\tSoftware Developers\t{name}\t43232403\tDevelopment environment software\tN\tN\n"
    for name in ("Objective C", "Transact-SQL", "Node JS", "C++", "C", "Kubernetes"))
PROJECT = ("skill,category,aliases\n"
           "Objective-C,Languages,Obj-C|ObjC|Objective C\n"
           "SQL,Languages,T-SQL|Transact-SQL\n"
           "Node.js,Backend,Node\n"
           "C++,Languages,cpp\n"
           "C,Languages,\n"
           "C#,Languages,csharp\n")


def aliases(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    sql = "SELECT a.alias_key, s.name FROM skill_alias a JOIN skill s USING (skill_id)"
    return dict(con.execute(sql).fetchall())


@pytest.mark.parametrize("onet_first", [True, False])
def test_onet_and_project_csv_merge_in_either_order(tmp_path: Path, onet_first: bool) -> None:
    onet = tmp_path / "Technology Skills.txt"
    onet.write_text(ONET, encoding="utf-8")
    project = tmp_path / "skills.csv"
    project.write_text(PROJECT, encoding="utf-8")
    con = store.memory()
    order = [onet, project] if onet_first else [project, onet]
    summaries = [import_taxonomy(con, read_taxonomy(p)[0], str(p)) for p in order]
    names = {n for (n,) in con.execute("SELECT name FROM skill").fetchall()}
    # A file that lists the other's name as an alias decides the name, in either order; names
    # that are only spelling variants ("Node JS", "Node.js") keep the stored spelling.
    node = "Node JS" if onet_first else "Node.js"
    assert names == {"Objective-C", "SQL", node, "C++", "C", "C#", "Kubernetes"}
    found = aliases(con)
    assert found["objective c"] == found["objc"] == "Objective-C"
    assert found["transact-sql"] == found["t-sql"] == "SQL"
    assert found["node js"] == found["node.js"] == found["node"] == node
    assert found["c"] == "C" and found["c++"] == "C++" and found["c#"] == "C#"
    merged = summaries[1]["merges"]
    assert {m[0] for m in merged} == ({"Objective-C", "SQL", "Node.js"} if onet_first
                                      else {"Objective C", "Transact-SQL", "Node JS"})


def categories(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT name, category FROM skill").fetchall())


@pytest.mark.parametrize("onet_first", [True, False])
def test_onet_titles_categorise_only_new_skills_in_either_order(tmp_path: Path,
                                                                onet_first: bool) -> None:
    """O*NET's generic commodity titles replaced the curated categories that plans look for
    neighbours in (Kubernetes became "Development environment software"). Imported as the CLI
    does (``keep_categories`` for O*NET), a stored skill keeps its category and a skills CSV sets
    it, in either order; a skill new to the database takes the commodity title."""
    onet = tmp_path / "Technology Skills.txt"
    onet.write_text(ONET, encoding="utf-8")
    project = tmp_path / "skills.csv"
    project.write_text(PROJECT, encoding="utf-8")
    con = store.memory()
    for path in ([onet, project] if onet_first else [project, onet]):
        df, kind = read_taxonomy(path)
        import_taxonomy(con, df, str(path), keep_categories=kind == "onet")
    cats = categories(con)
    assert cats["Objective-C"] == cats["SQL"] == cats["C++"] == cats["C"] == "Languages"
    assert cats["Node JS" if onet_first else "Node.js"] == "Backend"
    assert cats["Kubernetes"] == "Development environment software"  # only O*NET knows it
    replaced = store.memory()  # without keep_categories the file's category wins, as for a CSV
    for path in (project, onet):
        import_taxonomy(replaced, read_taxonomy(path)[0], str(path))
    assert categories(replaced)["C++"] == "Development environment software"


def test_loose_key_ignores_case_spaces_and_punctuation_but_not_symbols() -> None:
    assert loose_key("Objective-C") == loose_key("objective c") == loose_key("ObjectiveC")
    assert loose_key("Node.js") == loose_key("NodeJS")
    assert len({loose_key(n) for n in ("C", "C++", "C#", ".NET", "NET", "R&D")}) == 6


def test_a_conflict_within_one_file_is_still_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("skill,category,aliases\nObjective-C,L,ObjC\nSwift,L,ObjC\n", encoding="utf-8")
    with pytest.raises(InputError, match="also names") as err:
        read_taxonomy(bad)
    assert err.value.row == 3 and err.value.column == "aliases"


def test_cli_lists_merges(tmp_path: Path, db_path: Path) -> None:
    onet = tmp_path / "Technology Skills.txt"
    onet.write_text(ONET, encoding="utf-8")
    project = tmp_path / "skills.csv"
    project.write_text(PROJECT, encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(cli, ["taxonomy", "import", str(onet), "--db", str(db_path)]).exit_code == 0
    res = runner.invoke(cli, ["taxonomy", "import", str(project), "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    assert "merged: 'Objective-C' into 'Objective C'" in res.output


@pytest.mark.integration
def test_project_csv_imports_on_top_of_real_onet() -> None:
    path = real_file("onet_29.3", "Technology Skills.txt")
    con = store.memory()
    import_taxonomy(con, read_taxonomy(path)[0], str(path))
    summary = import_taxonomy(con, project_taxonomy(), "skills.csv")
    assert summary["merged"] > 0 and any(m[0] == "Objective-C" for m in summary["merges"])
    found = aliases(con)
    assert found["objective c"] == "Objective-C"
    assert pl.Series(list(found.values())).n_unique() > 8000


def test_cli_onet_import_keeps_stored_categories(tmp_path: Path, db_path: Path) -> None:
    curated = tmp_path / "curated.csv"
    curated.write_text("skill,category,aliases\nKubernetes,Containers & orchestration,k8s\n",
                       encoding="utf-8")
    onet = tmp_path / "Technology Skills.txt"
    onet.write_text(ONET, encoding="utf-8")
    runner = CliRunner()
    for path in (curated, onet):
        res = runner.invoke(cli, ["taxonomy", "import", str(path), "--db", str(db_path)])
        assert res.exit_code == 0, res.output
    with store.read(db_path) as con:
        cats = dict(con.execute("SELECT name, category FROM skill").fetchall())
    assert cats["Kubernetes"] == "Containers & orchestration"
    assert cats["C++"] == "Development environment software"
