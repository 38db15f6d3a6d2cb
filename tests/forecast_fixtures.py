"""Small synthetic databases for the forecast tests (built in code, seeded)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import polars as pl
from skillpulse.data import store
from skillpulse.data.ingest.load import ingest_frame
from skillpulse.data.skills import upsert_taxonomy

START = dt.date(2016, 1, 1)


def months(n: int, start: dt.date = START) -> list[dt.date]:
    return [dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1)
            for i in range(n)]


def synthetic_frame(n_months: int = 72, seed: int = 0) -> pl.DataFrame:
    """A market series, a riser, a decliner, a flat skill, a short one and one with gaps."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_months)
    total = np.round(5000 * np.exp(0.003 * t + rng.normal(0, 0.02, n_months)))
    curves = {
        "Risingskill": 0.01 * np.exp(0.03 * t),
        "Fadingskill": 0.05 * np.exp(-0.03 * t),
        "Flatskill": np.full(n_months, 0.02),
        "Gappyskill": np.full(n_months, 0.03),
    }
    rows: list[dict] = []
    per = months(n_months)
    for name, share in curves.items():
        counts = rng.poisson(share * total)
        for i in range(n_months):
            if name == "Gappyskill" and i in (20, 21, 40):
                continue
            rows.append({"skill": name, "period": per[i], "value": float(counts[i]),
                         "total": float(total[i])})
    for i in range(n_months - 10, n_months):  # a skill seen for 10 months only
        rows.append({"skill": "Newskill", "period": per[i], "value": float(rng.poisson(30)),
                     "total": float(total[i])})
    for i in range(n_months):
        rows.append({"skill": store.MARKET_SKILL, "period": per[i], "value": float(total[i]),
                     "total": float(total[i])})
    return pl.DataFrame(rows).with_columns(
        pl.lit("test").alias("source"), pl.lit("").alias("region"), pl.lit("").alias("occupation"),
        pl.lit("count").alias("measure"), pl.col("period").cast(pl.Date))


def build_db(path: Path, frame: pl.DataFrame | None = None) -> Path:
    frame = synthetic_frame() if frame is None else frame
    with store.write(path) as con:
        upsert_taxonomy(con, pl.DataFrame({
            "name": [store.MARKET_SKILL, "Risingskill"], "category": [store.MARKET_CATEGORY, "Tools"],
            "aliases": ["", ""], "description": ["", ""]}))
        ingest_frame(con, frame, source_file="synthetic.csv", sha256="0" * 64, fmt="long")
    return path


def read_table(path: Path, sql: str, **params: object) -> pl.DataFrame:
    with store.read(path) as con:
        cur = con.cursor()
        try:
            return cur.sql(sql, params=params or None).pl()
        finally:
            cur.close()


def run_cli(args: list[str]) -> int:
    """``skillpulse ARGS`` through the console entry point; its exit code."""
    from skillpulse.dashboard.cli import main

    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
