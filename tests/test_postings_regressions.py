"""Regressions: extract without posted_at, extract honours $SKILLPULSE_DB, incomplete edge months."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from skillpulse.dashboard.cli import cli
from skillpulse.data import store
from skillpulse.data.errors import InputError
from skillpulse.data.postings import extract_file, incomplete_edge_months, postings_to_frame
from skillpulse.data.store import MARKET_SKILL
from skillpulse.data.taxonomy_io import project_taxonomy, triples


def test_extract_needs_only_id_and_text(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,description\n1,Python and SQL\n2,Kubernetes\n", encoding="utf-8")
    df = extract_file(path, triples(project_taxonomy()))
    assert set(df.rows()) == {("1", "Python"), ("1", "SQL"), ("2", "Kubernetes")}
    titles = tmp_path / "t.jsonl"
    titles.write_text('{"job_id": "a", "title": "Rust developer"}\n', encoding="utf-8")
    assert extract_file(titles, triples(project_taxonomy())).rows() == [("a", "Rust")]
    res = CliRunner().invoke(cli, ["extract", str(path)])
    assert res.exit_code == 0, res.output
    assert "1,Python" in res.output


def test_extract_without_text_column_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,posted_at\n1,2024-01-01\n", encoding="utf-8")
    with pytest.raises(InputError, match="description or title") as err:
        extract_file(path, triples(project_taxonomy()))
    assert err.value.row == 1 and err.value.column == "description"


def test_ingest_still_requires_posted_at(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("id,description\n1,Python\n", encoding="utf-8")
    with pytest.raises(InputError, match="no 'posted_at' column"):
        postings_to_frame(path, store.memory())


def test_extract_uses_the_taxonomy_of_skillpulse_db(tmp_path: Path) -> None:
    tax = tmp_path / "tax.csv"
    tax.write_text("skill,category,aliases\nWidgetry,Craft,widget making\n", encoding="utf-8")
    db = tmp_path / "env.duckdb"
    runner = CliRunner()
    assert runner.invoke(cli, ["taxonomy", "import", str(tax), "--db", str(db)]).exit_code == 0
    posts = tmp_path / "p.csv"
    posts.write_text("id,description\np1,Widget making and Python.\n", encoding="utf-8")
    via_env = runner.invoke(cli, ["extract", str(posts)], env={"SKILLPULSE_DB": str(db)})
    assert via_env.exit_code == 0, via_env.output
    assert "p1,Widgetry" in via_env.output and "Python" not in via_env.output
    project = runner.invoke(cli, ["extract", str(posts)], env={"SKILLPULSE_DB": ""})
    assert "p1,Python" in project.output and "Widgetry" not in project.output
    missing = runner.invoke(cli, ["extract", str(posts)],
                            env={"SKILLPULSE_DB": str(tmp_path / "none.duckdb")})
    assert missing.exit_code == 0 and "p1,Python" in missing.output
    explicit = runner.invoke(cli, ["extract", str(posts), "--taxonomy", str(tax)],
                             env={"SKILLPULSE_DB": str(tmp_path / "none.duckdb")})
    assert "p1,Widgetry" in explicit.output


def test_extract_help_documents_the_env_default() -> None:
    res = CliRunner().invoke(cli, ["extract", "--help"])
    assert "$SKILLPULSE_DB" in res.output


# ---------------------------------------------------------------------------------------------
def daily(start: dt.date, end: dt.date, per_day: int = 3) -> list[dict[str, str]]:
    rows, d, i = [], start, 0
    while d <= end:
        for _ in range(per_day):
            rows.append({"id": f"p{i}", "posted_at": d.isoformat(), "title": "Engineer",
                         "description": f"Posting {i}: Python and SQL."})
            i += 1
        d += dt.timedelta(days=1)
    return rows


def frame_of(tmp_path: Path, rows: list[dict[str, str]]) -> tuple[pl.DataFrame, dict]:
    path = tmp_path / "p.csv"
    pl.DataFrame(rows).write_csv(path)
    return postings_to_frame(path, store.memory())


def test_incomplete_last_month_is_dropped_with_a_note(tmp_path: Path) -> None:
    frame, stats = frame_of(tmp_path, daily(dt.date(2023, 1, 1), dt.date(2024, 1, 5)))
    periods = frame["period"].unique().sort()
    assert periods.min() == dt.date(2023, 1, 1) and periods.max() == dt.date(2023, 12, 1)
    market = frame.filter(pl.col("skill") == MARKET_SKILL)
    assert market["value"].min() == 3 * 28          # February; no few-day January
    assert stats["note"] == "dropped incomplete month 2024-01 (postings through 2024-01-05)"
    assert stats["incomplete_month_postings"] == 15 and stats["months"] == 12
    py = frame.filter(pl.col("skill") == "Python")
    assert (py["value"] == py["total"]).all()


def test_incomplete_first_month_is_dropped(tmp_path: Path) -> None:
    frame, stats = frame_of(tmp_path, daily(dt.date(2023, 3, 20), dt.date(2023, 6, 29)))
    assert frame["period"].min() == dt.date(2023, 4, 1)
    assert frame["period"].max() == dt.date(2023, 6, 1)   # 29 June is within two days of the end
    assert stats["note"] == "dropped incomplete month 2023-03 (postings from 2023-03-20)"


@pytest.mark.parametrize(("days", "expected"), [
    # sparse postings: no daily activity to judge by
    ({dt.date(2024, 1, 5), dt.date(2024, 1, 20), dt.date(2024, 3, 2)}, []),
    # all within one month
    ({dt.date(2024, 1, d) for d in range(3, 12)}, []),
    # complete edges (within two days)
    ({dt.date(2024, 1, 1) + dt.timedelta(days=i) for i in range(2, 58)}, []),   # 3 Jan – 27 Feb
    # only a few days outside the edge month: not enough to judge
    ({dt.date(2024, 2, 27), dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 3, 1),
      dt.date(2024, 3, 2)}, []),
])
def test_no_month_is_dropped_without_evidence(days: set[dt.date], expected: list) -> None:
    assert incomplete_edge_months(days) == expected
