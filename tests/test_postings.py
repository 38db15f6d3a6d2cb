"""Job postings → monthly skill counts: formats, de-duplication, totals, bad input, CLI, demo data."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from skillpulse.dashboard.cli import cli, main
from skillpulse.data import store
from skillpulse.data.demo_postings import generate_postings
from skillpulse.data.errors import InputError
from skillpulse.data.postings import MAX_FIELD_CHARS, postings_to_frame
from skillpulse.data.store import MARKET_SKILL

ROWS = [
    # id, posted_at, title, description, region, occupation
    ("1", "2024-01-05", "Python developer", "Python and SQL on AWS.", "EU", "Eng"),
    ("2", "2024-01-20T10:00:00Z", "Platform engineer", "<p>Kubernetes and <b>Terraform</b></p>", "EU", "Eng"),
    ("1", "2024-01-25", "Other text", "A different posting reusing id 1: Java.", "EU", "Eng"),
    ("3", "2024-01-28", "Platform  engineer", "<p>kubernetes AND <b>terraform</b></p>", "EU", "Eng"),
    ("4", "2024-03-02", "Data analyst", "SQL and Tableau.\n\nBenefits:\n- Python courses", "EU", "Eng"),
    ("5", "2024-01-09", "Designer", "Figma and user research.", "US", "Design"),
]


def postings_frame(rows: list[tuple[str, ...]] = ROWS) -> pl.DataFrame:
    cols = ["id", "posted_at", "title", "description", "region", "occupation"]
    return pl.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], schema={c: pl.String for c in cols})


def write_csv(path: Path, rows: list[tuple[str, ...]] = ROWS) -> Path:
    postings_frame(rows).write_csv(path)
    return path


def run(path: Path, **kw: object) -> tuple[pl.DataFrame, dict]:
    con = store.memory()
    return postings_to_frame(path, con, source="test", **kw)  # type: ignore[arg-type]


def value(frame: pl.DataFrame, skill: str, month: str, region: str = "EU") -> tuple[float, float]:
    row = frame.filter((pl.col("skill") == skill) & (pl.col("period") == dt.date.fromisoformat(month))
                       & (pl.col("region") == region))
    assert row.height == 1, (skill, month, row)
    return row["value"][0], row["total"][0]


def test_counts_totals_dedupe_and_zero_fill(tmp_path: Path) -> None:
    frame, stats = run(write_csv(tmp_path / "p.csv"))
    assert stats["rows"] == 6 and stats["postings"] == 4
    assert stats["duplicate_id"] == 1 and stats["duplicate_text"] == 1
    assert set(frame.columns) == {"skill", "period", "value", "total", "source", "region", "occupation",
                                  "measure"}
    assert frame["measure"].unique().to_list() == ["count"] and frame["source"].unique().to_list() == ["test"]
    assert value(frame, "Python", "2024-01-01") == (1.0, 2.0)
    assert value(frame, "Kubernetes", "2024-01-01") == (1.0, 2.0)
    assert value(frame, "SQL", "2024-03-01") == (1.0, 1.0)
    assert value(frame, "Python", "2024-03-01") == (0.0, 1.0)      # benefits do not count; zero-filled
    assert value(frame, MARKET_SKILL, "2024-01-01") == (2.0, 2.0)
    assert value(frame, MARKET_SKILL, "2024-01-01", region="US") == (1.0, 1.0)
    assert value(frame, "Figma", "2024-01-01", region="US") == (1.0, 1.0)
    assert frame.filter(pl.col("skill") == "Java").height == 0      # the repeated id was dropped
    assert frame.filter(pl.col("period") == dt.date(2024, 2, 1)).height == 0   # no postings in Feb
    assert frame.filter(pl.col("region") == "US")["skill"].n_unique() == 3   # Figma, User research, market
    keys = frame.select("skill", "period", "region", "occupation")
    assert keys.n_unique() == frame.height


def test_formats_and_chunking_give_the_same_frame(tmp_path: Path) -> None:
    df = postings_frame().rename({"region": "Location", "posted_at": "Posted_At"})
    csv = tmp_path / "p.csv"
    df.write_csv(csv)
    pq = tmp_path / "p.parquet"
    df.write_parquet(pq)
    jl = tmp_path / "p.jsonl"
    jl.write_text("\n".join(json.dumps(r) for r in df.to_dicts()) + "\n", encoding="utf-8")
    base, _ = run(csv)
    for path in (pq, jl):
        assert run(path)[0].equals(base), path
    small, stats = run(csv, chunk_rows=2)
    assert small.equals(base) and stats["duplicate_id"] == 1 and stats["duplicate_text"] == 1


def test_worker_processes_give_the_same_frame(tmp_path: Path) -> None:
    df = generate_postings(600, 3, dt.date(2020, 1, 1), 6)
    path = tmp_path / "demo.csv"
    df.write_csv(path)
    one, s1 = run(path, jobs=1, chunk_rows=250)
    two, s2 = run(path, jobs=2, chunk_rows=250)
    assert one.equals(two) and s1 == s2


def test_parquet_dates_as_timestamps(tmp_path: Path) -> None:
    df = postings_frame().with_columns(pl.col("posted_at").str.slice(0, 10).str.to_datetime("%Y-%m-%d"))
    path = tmp_path / "p.parquet"
    df.write_parquet(path)
    frame, stats = run(path)
    assert stats["postings"] == 4 and stats["skipped_bad_date"] == 0
    assert value(frame, "Python", "2024-01-01") == (1.0, 2.0)


def many(n: int, **override: str) -> list[tuple[str, ...]]:
    rows = []
    for i in range(n):
        r = {"id": f"id{i}", "posted_at": f"2024-{1 + i % 3:02d}-10", "title": "Engineer",
             "description": f"Posting {i}: Python and Docker.", "region": "", "occupation": ""}
        rows.append(tuple(r.values()))
    return rows


def test_a_few_bad_dates_and_empty_descriptions_are_skipped_and_counted(tmp_path: Path) -> None:
    rows = many(40)
    rows[5] = ("id5", "", "Engineer", "Posting 5: Go.", "", "")
    rows[9] = ("id9", "next Tuesday", "Engineer", "Posting 9: Rust.", "", "")
    rows[12] = ("id12", "2024-01-02", "", "", "", "")
    frame, stats = run(write_csv(tmp_path / "p.csv", rows))
    assert stats["skipped_bad_date"] == 2 and stats["first_bad_date_row"] == 7
    assert stats["skipped_empty"] == 1 and stats["postings"] == 37
    assert frame.filter(pl.col("skill") == MARKET_SKILL)["value"].sum() == 37


def test_mostly_bad_dates_reject_the_file(tmp_path: Path) -> None:
    rows = [(*r[:1], "05/01/2024", *r[2:]) for r in many(10)]
    with pytest.raises(InputError, match="unparseable date") as err:
        run(write_csv(tmp_path / "p.csv", rows))
    assert err.value.row == 2 and err.value.column == "posted_at"


def test_enormous_field_is_truncated_and_counted(tmp_path: Path) -> None:
    rows = many(3)
    huge = "Kubernetes " + "lorem ipsum " * 20_000 + " Terraform"
    rows[1] = ("big", "2024-01-03", "Engineer", huge, "", "")
    frame, stats = run(write_csv(tmp_path / "p.csv", rows))
    assert stats["truncated"] == 1 and stats["postings"] == 3
    assert frame.filter(pl.col("skill") == "Kubernetes")["value"].sum() == 1
    assert frame.filter(pl.col("skill") == "Terraform").height == 0    # beyond MAX_FIELD_CHARS
    assert len(huge) > MAX_FIELD_CHARS


def test_invalid_utf8_is_replaced_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"id,posted_at,title,description\n1,2024-01-05,Dev,Python \xff\xfe and SQL\n"
                     b"2,2024-01-06,Dev,Go developer\n")
    frame, stats = run(path)
    assert stats["invalid_utf8"] == 1 and stats["postings"] == 2
    assert value(frame, "Python", "2024-01-01", region="") == (1.0, 2.0)


@pytest.mark.parametrize(("name", "payload", "message", "row", "column"), [
    ("p.csv", b"id,title,description\n1,a,b\n", "no 'posted_at' column", 1, "posted_at"),
    ("p.csv", b"id;posted_at;description\n1;2024-01-01;x\n", "not comma-separated", 1, None),
    ("p.csv", b"id,posted_at,description\n1,2024-01-01,\"Python\n", "cannot parse the CSV", None, None),
    ("p.csv", b"", "empty", 1, None),
    ("p.jsonl", b'{"id": 1, "posted_at": "2024-01-01", "description": "x"}\n{"id": 2,\n',
     "not valid JSON", 2, None),
    ("p.jsonl", b'["not", "an", "object"]\n', "JSON object", 1, None),
    ("p.parquet", b"PAR1 this is not parquet", "Parquet", None, None),
    ("p.csv", b"id,posted_at,description\n1,2024-01-01,\n", "no usable postings", None, None),
])
def test_bad_files_raise_input_error(tmp_path: Path, name: str, payload: bytes, message: str,
                                     row: int | None, column: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(payload)
    with pytest.raises(InputError, match=message) as err:
        run(path)
    assert err.value.file == str(path)
    assert err.value.row == row and err.value.column == column


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        run(tmp_path / "nope.csv")


def test_ingest_cli_stores_series_and_bad_file_changes_nothing(tmp_path: Path, db_path: Path) -> None:
    good = write_csv(tmp_path / "p.csv")
    runner = CliRunner()
    res = runner.invoke(cli, ["ingest", str(good), "--format", "postings", "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    with store.read(db_path) as con:
        series = store.query(con.cursor(), "export_series", first=None, last=None)
    py = series.filter((pl.col("skill") == "Python") & (pl.col("period") == dt.date(2024, 1, 1)))
    assert py.select("value", "total", "measure").rows() == [(1.0, 2.0, "count")]
    market = series.filter(pl.col("skill") == MARKET_SKILL)
    assert market["category"].unique().to_list() == [store.MARKET_CATEGORY]
    version = store.resolve(db_path)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"id,title,description\n1,a,b\n")
    res = runner.invoke(cli, ["ingest", str(bad), "--format", "postings", "--db", str(db_path)])
    assert res.exit_code != 0
    assert store.resolve(db_path) == version


def test_extract_cli_outputs_id_skill(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_csv(tmp_path / "p.csv")
    out = tmp_path / "skills.csv"
    main(["extract", str(path), "--out", str(out)])
    df = pl.read_csv(out, infer_schema_length=0)
    assert df.columns == ["id", "skill"]
    assert set(df.filter(pl.col("id") == "1")["skill"].to_list()) == {"Python", "SQL", "Amazon Web Services",
                                                                     "Java"}
    assert "Python" not in df.filter(pl.col("id") == "4")["skill"].to_list()   # benefits
    tax = tmp_path / "tax.csv"
    tax.write_text("skill,category,aliases\nCloud platforms,Cloud,AWS|GCP\n", encoding="utf-8")
    out2 = tmp_path / "skills2.json"
    main(["extract", str(path), "--taxonomy", str(tax), "--out", str(out2)])
    assert pl.read_json(out2).rows() == [("1", "Cloud platforms")]
    with pytest.raises(SystemExit) as ex:
        main(["extract", str(path), "--taxonomy", str(tax), "--db", str(tmp_path / "x.duckdb")])
    assert ex.value.code == 2
    assert "either --db or --taxonomy" in capsys.readouterr().err


def test_demo_postings_are_deterministic_and_realistic() -> None:
    a = generate_postings(300, 11, dt.date(2019, 1, 1), 24)
    b = generate_postings(300, 11, dt.date(2019, 1, 1), 24)
    c = generate_postings(300, 12, dt.date(2019, 1, 1), 24)
    assert a.equals(b) and not a.equals(c)
    assert a.columns == ["id", "posted_at", "title", "description", "region", "occupation", "company"]
    sizes = a["description"].str.len_bytes()
    assert 900 <= sizes.mean() <= 2200  # type: ignore[operator]
    months = a["posted_at"].str.slice(0, 7).unique()
    assert months.min() >= "2019-01" and months.max() <= "2020-12"  # type: ignore[operator]
    assert a["id"].n_unique() == a.height


def test_demo_postings_show_trends_through_extraction(tmp_path: Path) -> None:
    df = generate_postings(4000, 5, dt.date(2015, 1, 1), 60)
    path = tmp_path / "demo.parquet"
    df.write_parquet(path)
    frame, stats = run(path)
    assert stats["duplicate_text"] > 0 and stats["postings"] > 3800
    share = (frame.filter(pl.col("skill").is_in(["AngularJS", "Kubernetes", MARKET_SKILL]))
             .with_columns(pl.col("period").dt.year().alias("year"))
             .group_by("skill", "year").agg(pl.col("value").sum()).pivot("skill", index="year")
             .sort("year"))
    first, last = share.row(0, named=True), share.row(-1, named=True)
    assert last["AngularJS"] / last[MARKET_SKILL] < 0.5 * first["AngularJS"] / first[MARKET_SKILL]
    assert last["Kubernetes"] / last[MARKET_SKILL] > first["Kubernetes"] / first[MARKET_SKILL]


def test_csv_blocks_split_only_between_records(tmp_path: Path) -> None:
    from skillpulse.data.postings import read_postings
    rows = [(f"id{i}", f"2024-01-0{1 + i % 9}", f'Title "{i}"',
             f'Line one, with comma\nline two "quoted" {i}\n\nPython', "EU", "Eng") for i in range(40)]
    path = write_csv(tmp_path / "p.csv", rows)
    whole = pl.concat(list(read_postings(path)))
    for block in (16, 64, 333):
        parts = list(read_postings(path, chunk_rows=7, block_bytes=block))
        assert all(p.height <= 7 for p in parts)
        assert pl.concat(parts).equals(whole), block
    assert whole.height == 40 and whole["_row"].to_list() == list(range(2, 42))
    assert whole["description"][3].startswith("Line one, with comma\nline two \"quoted\" 3")


def test_csv_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(b"\xef\xbb\xbfid,posted_at,description\r\n1,2024-01-05,Python and SQL\r\n")
    frame, stats = run(path)
    assert stats["postings"] == 1 and value(frame, "Python", "2024-01-01", region="") == (1.0, 1.0)


def test_common_column_synonyms(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("job_id,date_posted,job_description\n7,2024-05-02,Kubernetes and Go developer\n",
                    encoding="utf-8")
    frame, stats = run(path)
    assert stats["postings"] == 1
    assert value(frame, "Kubernetes", "2024-05-01", region="") == (1.0, 1.0)
