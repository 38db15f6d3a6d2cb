"""SQL that only tests run (synthetic runs, calm outlooks): ``tests/sql/<name>.sql``, bound ``$params``.

Kept out of the product's ``skillpulse.sql`` package so the wheel ships no fixtures.
"""
from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

FOLDER = Path(__file__).resolve().parent / "sql"


@cache
def fixture_sql(name: str) -> str:
    return (FOLDER / f"{name}.sql").read_text(encoding="utf-8")


def query(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    return con.sql(fixture_sql(name), params=params or None).pl()


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> None:
    con.execute(fixture_sql(name), params or None)
