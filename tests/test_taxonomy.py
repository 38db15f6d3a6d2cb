"""The project taxonomy, taxonomy files (skills CSV, O*NET TSV) and ``skillpulse taxonomy import``."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from skillpulse.dashboard.cli import cli
from skillpulse.data import store
from skillpulse.data.errors import InputError
from skillpulse.data.extract import Matcher
from skillpulse.data.skills import DEFAULT_TAXONOMY, resolve_names
from skillpulse.data.taxonomy_io import import_taxonomy, project_taxonomy, read_taxonomy, triples

from tests.conftest import real_file

ONET_HEADER = "O*NET-SOC Code\tTitle\tExample\tCommodity Code\tCommodity Title\tHot Technology\tIn Demand\n"
NON_SKILL_HN_TERMS = {"Remote", "Onsite", "Hybrid", "Senior", "Junior", "Staff", "Principal", "Intern"}


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_project_taxonomy_size_and_categories() -> None:
    df = project_taxonomy()
    assert df.height >= 300
    assert df["category"].n_unique() >= 15
    assert df["name"].str.to_lowercase().n_unique() == df.height
    assert df.filter(pl.col("description").is_null()).height == 0


def test_project_taxonomy_aliases_do_not_conflict() -> None:
    owner: dict[str, str] = {}
    for name, _cat, alias in triples(project_taxonomy()):
        key = alias.lower()
        assert owner.setdefault(key, name) == name, f"alias {alias!r}: {owner[key]} and {name}"
    Matcher(triples(project_taxonomy()))   # raises AliasConflict otherwise


@pytest.mark.parametrize(("alias", "skill"), [
    ("k8s", "Kubernetes"), ("JS", "JavaScript"), ("Golang", "Go"), ("Excel", "Microsoft Excel"),
    ("Rails", "Ruby on Rails"), ("Angular 2", "Angular"), ("AngularJS", "AngularJS"),
    ("node.js", "Node.js"), ("Postgresql", "PostgreSQL"), ("Vi", "Vim"), ("DPIA", "GDPR impact assessment"),
])
def test_aliases_resolve_in_the_store(alias: str, skill: str) -> None:
    con = store.memory()
    import_taxonomy(con, project_taxonomy(), "project")
    got = resolve_names(con, pl.Series([alias]), create=False)
    names = dict(con.execute("SELECT skill_id, name FROM skill").fetchall())
    assert names[got["skill_id"][0]] == skill


@pytest.mark.integration
def test_hn_terms_resolve_to_distinct_skills() -> None:
    terms = pl.read_csv(real_file("hn_whoishiring", "hn_whoishiring_terms_monthly.csv"),
                        columns=["term"])["term"].unique().to_list()
    terms = [t for t in terms if t not in NON_SKILL_HN_TERMS]
    con = store.memory()
    import_taxonomy(con, project_taxonomy(), "project")
    got = resolve_names(con, pl.Series(terms), create=False)
    missing = got.filter(pl.col("skill_id").is_null())["name"].to_list()
    assert missing == []
    shared = got.group_by("skill_id").agg(pl.col("name")).filter(pl.col("name").list.len() > 1)
    assert shared.height == 0, shared.to_dicts()


def test_user_csv_is_read(tmp_path: Path) -> None:
    f = write(tmp_path / "t.csv", "Skill,Category,Aliases\nKubernetes,Containers,k8s|kube\n"
                                  "Prompt craft,AI,prompting\n")
    df, kind = read_taxonomy(f)
    assert kind == "csv"
    assert df.select("name", "category", "aliases").rows() == [
        ("Kubernetes", "Containers", "k8s|kube"), ("Prompt craft", "AI", "prompting")]


def test_onet_file_is_detected_and_aggregated(tmp_path: Path) -> None:
    f = write(tmp_path / "tech.txt", ONET_HEADER
              + "15-1252.00\tSoftware Developers\tPython\t43232403\tDevelopment environment software\tY\tN\n"
              + "15-2051.00\tData Scientists\tPython\t43232403\tDevelopment environment software\tY\tN\n"
              + "15-2051.00\tData Scientists\tPython\t43233203\tObject or component oriented software\tN\tN\n"
              + "13-2011.00\tAccountants\tIntuit QuickBooks\t43231601\tAccounting software\tN\tN\n")
    df, kind = read_taxonomy(f)
    assert kind == "onet"
    rows = {r["name"]: r for r in df.to_dicts()}
    assert rows["Python"]["category"] == "Development environment software"   # most frequent
    desc = rows["Python"]["description"]
    assert "2 occupations" in desc and "hot technology" in desc
    assert rows["Intuit QuickBooks"]["category"] == "Accounting software"


@pytest.mark.parametrize(("text", "row", "column", "message"), [
    ("skill,category,aliases\nKubernetes,C,k8s\nKubernetes,C,\n", 3, "skill", "listed twice"),
    ("skill,category,aliases\nJavaScript,L,JS\nJSON,F,JS\n", 3, "aliases", "also names"),
    ("skill,category,aliases\nJava,L,\nCoffee,F,java\n", 3, "aliases", "also names"),
    ("skill,category,aliases\n,L,x\n", 2, "skill", "empty"),
    ("skill,category,aliases\n" + "x" * 300 + ",L,\n", 2, "skill", "300 characters"),
    ("name;category\nJava;L\n", 1, None, "not comma-separated"),
    ("title,category\nJava,L\n", 1, "skill", "no 'skill' column"),
    ("skill,category,aliases\nJava,L,\"x\nPython,L,\n", None, None, "unterminated quote"),
    ("skill,category,aliases\n", 2, None, "no skills"),
])
def test_bad_taxonomy_files(tmp_path: Path, text: str, row: int | None, column: str | None,
                            message: str) -> None:
    f = write(tmp_path / "bad.csv", text)
    with pytest.raises(InputError, match=message) as err:
        read_taxonomy(f)
    assert err.value.file == str(f)
    if row is not None:
        assert err.value.row == row
    assert err.value.column == column


@pytest.mark.parametrize(("payload", "message"), [
    (b"", "empty"),
    (b"skill,category\nJava,L\nCaf\xe9,L\n", "not UTF-8"),
])
def test_unreadable_taxonomy_bytes(tmp_path: Path, payload: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_taxonomy(write(tmp_path / "bad.csv", payload))


def test_import_merges_through_aliases_and_keeps_stored_aliases() -> None:
    con = store.memory()
    import_taxonomy(con, project_taxonomy(), "project")
    before = con.execute("SELECT count(*) FROM skill").fetchall()
    user = pl.DataFrame({"name": ["k8s", "Prompt craft"], "category": ["Containers", "AI"],
                         "aliases": ["kube", "prompt crafting"], "description": [None, None]})
    summary = import_taxonomy(con, user, "user.csv")
    assert summary["merged"] == 1 and summary["new"] == 1
    assert con.execute("SELECT count(*) FROM skill").fetchall()[0][0] == before[0][0] + 1
    assert con.execute("SELECT s.name FROM skill_alias a JOIN skill s USING (skill_id) "
                       "WHERE alias_key = 'kube'").fetchall() == [("Kubernetes",)]
    thief = pl.DataFrame({"name": ["Container magic"], "category": ["X"], "aliases": ["k8s|magic"],
                          "description": [None]})
    summary = import_taxonomy(con, thief, "thief.csv")   # not an error: the alias stays put
    assert summary["new"] == 1 and summary["kept_aliases"] == [("k8s", "Kubernetes", "Container magic")]
    owners = dict(con.execute("SELECT a.alias_key, s.name FROM skill_alias a JOIN skill s USING (skill_id) "
                              "WHERE alias_key IN ('k8s', 'magic')").fetchall())
    assert owners == {"k8s": "Kubernetes", "magic": "Container magic"}


def test_cli_import_prints_summary_and_bad_file_leaves_db_unchanged(tmp_path: Path, db_path: Path
                                                                     ) -> None:
    good = write(tmp_path / "good.csv", "skill,category,aliases\nKubernetes,Containers,k8s\n"
                                        "Terraform,IaC,tf\n")
    runner = CliRunner()
    res = runner.invoke(cli, ["taxonomy", "import", str(good), "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    assert "imported 2 skills" in res.output and "2 new" in res.output
    version = Path(store.resolve(db_path))
    bad = write(tmp_path / "bad.csv", "skill,category,aliases\nHelm,K,charts\nKustomize,K,charts\n")
    res = runner.invoke(cli, ["taxonomy", "import", str(bad), "--db", str(db_path)])
    assert res.exit_code != 0
    assert isinstance(res.exception, InputError) and res.exception.row == 3
    assert Path(store.resolve(db_path)) == version
    with store.read(db_path) as con:
        assert con.cursor().execute("SELECT count(*) FROM skill").fetchone() == (2,)


def test_cli_main_exits_2_with_one_sentence(tmp_path: Path, db_path: Path, capsys) -> None:
    from skillpulse.dashboard.cli import main
    bad = write(tmp_path / "bad.csv", "skill,category,aliases\nHelm,K,charts\nKustomize,K,charts\n")
    with pytest.raises(SystemExit) as ex:
        main(["taxonomy", "import", str(bad), "--db", str(db_path)])
    assert ex.value.code == 2
    err = capsys.readouterr().err
    assert "row 3" in err and "column 'aliases'" in err and "Traceback" not in err
    assert not db_path.exists()


@pytest.mark.integration
def test_real_onet_technology_skills_import(db_path: Path) -> None:
    path = real_file("onet_29.3", "Technology Skills.txt")
    df, kind = read_taxonomy(path)
    assert kind == "onet"
    examples = {line.split("\t")[2].strip().lower()
                for line in path.read_text(encoding="utf-8").splitlines()[1:] if line.strip()}
    assert df.height == len(examples)
    assert df["category"].n_unique() > 100
    runner = CliRunner()
    res = runner.invoke(cli, ["taxonomy", "import", str(path), "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    with store.read(db_path) as con:
        cur = con.cursor()
        assert cur.execute("SELECT count(*) FROM skill").fetchone() == (len(examples),)
        assert cur.execute("SELECT category FROM skill WHERE name = 'Microsoft Excel'").fetchone() == (
            "Spreadsheet software",)


def test_default_taxonomy_file_is_packaged() -> None:
    assert DEFAULT_TAXONOMY.exists()
