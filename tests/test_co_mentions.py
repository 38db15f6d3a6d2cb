"""Co-mentions: ingesting postings stores, per month, how many postings mention each pair of
skills (``skill_pair``, nearness for plans)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from skillpulse.data import store
from skillpulse.data.postings import postings_to_frame

from tests.test_postings import ROWS, write_csv


def _pairs(con) -> dict[tuple[str, str, dt.date], int]:  # type: ignore[no-untyped-def]
    rows = con.execute(
        "SELECT a.name, b.name, p.period, p.postings FROM skill_pair p "
        "JOIN skill a ON a.skill_id = p.skill_a JOIN skill b ON b.skill_id = p.skill_b").fetchall()
    return {(*sorted((x, y)), d): n for x, y, d, n in rows}  # type: ignore[misc]


def test_postings_fill_monthly_co_mentions(tmp_path: Path) -> None:
    con = store.memory()
    postings_to_frame(write_csv(tmp_path / "p.csv"), con, source="test")
    pairs = _pairs(con)
    jan, mar = dt.date(2024, 1, 1), dt.date(2024, 3, 1)
    # posting 3 repeats posting 2's text and the second id 1 is a repeat: each pair counted once
    assert pairs[("Kubernetes", "Terraform", jan)] == 1
    assert pairs[("Python", "SQL", jan)] == 1 and pairs[("SQL", "Tableau", mar)] == 1
    assert ("Python", "SQL", mar) not in pairs  # Python is only in the benefits boilerplate
    assert ("Figma", "Python", jan) not in pairs  # never in one posting
    assert all(a != b for a, b, _ in pairs)


def test_reingesting_a_month_replaces_its_counts(tmp_path: Path) -> None:
    con = store.memory()
    postings_to_frame(write_csv(tmp_path / "p.csv"), con, source="test")
    first = _pairs(con)
    postings_to_frame(write_csv(tmp_path / "q.csv", ROWS[:2]), con, source="test")
    assert _pairs(con) == first  # the latest file's count for a month and pair, not a sum
