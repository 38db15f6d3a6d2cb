"""The demo generator: determinism, shape, speed and the life cycles it promises."""
from __future__ import annotations

import time

import numpy as np
import polars as pl
import pytest
from skillpulse.data.demo import LIFECYCLES, generate_series
from skillpulse.data.store import MARKET_SKILL


@pytest.fixture(scope="module")
def demo() -> tuple[pl.DataFrame, pl.DataFrame]:
    return generate_series()


def _share_profile(frame: pl.DataFrame) -> pl.DataFrame:
    """Per skill: peak and final level of the 6-month mean share, months of data."""
    return (frame.with_columns(share=pl.col("value") / pl.col("total")).sort("period")
            .group_by("skill", maintain_order=True)
            .agg(pl.col("share").rolling_mean(6).max().alias("peak"),
                 pl.col("share").tail(6).mean().alias("end"),
                 pl.col("share").head(6).mean().alias("start"),
                 pl.col("share").slice(-42, 6).mean().alias("before"),
                 pl.len().alias("months"),
                 pl.col("value").mean().alias("mean_count"))
            .with_columns(ratio=pl.col("end") / pl.col("peak")))


def test_same_seed_same_frame_other_seed_differs() -> None:
    a, ta = generate_series(seed=3, n_skills=40, months=60)
    b, tb = generate_series(seed=3, n_skills=40, months=60)
    c, _ = generate_series(seed=4, n_skills=40, months=60)
    assert a.equals(b) and ta.equals(tb)
    assert not a.equals(c)


def test_contract_columns_and_size(demo: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, truth = demo
    assert frame.columns == ["skill", "period", "value", "total", "source", "region",
                             "occupation", "measure"]
    assert frame.schema["period"] == pl.Date and frame.schema["value"] == pl.Float64
    assert truth.columns == ["skill", "category", "lifecycle"]
    assert truth.height == 320 and truth["skill"].n_unique() == 320
    assert set(truth["lifecycle"]) == set(LIFECYCLES)
    assert frame["period"].n_unique() == 132
    assert (frame["period"].dt.day() == 1).all()
    assert set(frame["measure"]) == {"count"} and set(frame["source"]) == {"demo"}
    assert (frame["value"] >= 0).all() and frame["value"].is_finite().all()
    # one row per (skill, period): ingest would reject duplicates
    assert frame.select(pl.struct("skill", "period").is_unique().all()).item()
    # at least 120 months for the skills present from the start
    months = frame.group_by("skill").len()
    assert (months["len"] >= 120).sum() >= 280


def test_market_series_has_a_slump_that_skills_do_not_explain(
        demo: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, _ = demo
    market = frame.filter(pl.col("skill") == MARKET_SKILL).sort("period")
    assert market.height == 132
    assert (market["value"] == market["total"]).all()
    yearly = market["value"].rolling_mean(12).to_numpy()
    # the 12-month mean drops by more than 10% somewhere (the slump) ...
    drops = yearly[12:] / yearly[:-12]
    assert np.nanmin(drops) < 0.9
    # every skill row carries the market total of its month, so shares follow
    per_month = (frame.group_by("period").agg(pl.col("total").n_unique().alias("n"))
                 .join(market.select("period", pl.col("value").alias("market")), on="period"))
    assert per_month.height == 132 and (per_month["n"] == 1).all()
    skills_total = frame.filter(pl.col("skill") != MARKET_SKILL).group_by("period").agg(
        pl.col("total").first()).join(market.select("period", "value"), on="period")
    assert (skills_total["total"] == skills_total["value"]).all()
    # the market slump is not a skill slump: the median stable skill's share hardly moves
    crash = int(np.nanargmin(drops)) + 12
    _, truth = demo
    stable = truth.filter(pl.col("lifecycle") == "stable")["skill"]
    share = (frame.filter(pl.col("skill").is_in(stable.implode()))
             .with_columns(share=pl.col("value") / pl.col("total"))
             .group_by("period").agg(pl.col("share").median()).sort("period")["share"]
             .rolling_mean(12).to_numpy())
    assert share[crash] / share[crash - 12] > 0.9


def test_life_cycle_shapes(demo: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    frame, truth = demo
    prof = _share_profile(frame).join(truth, on="skill")
    by = {k: prof.filter(pl.col("lifecycle") == k) for k in LIFECYCLES}
    assert (by["obsolescent"]["ratio"] < 0.25).all()
    assert (by["declining"]["ratio"] < 0.8).all()
    assert (by["declining"]["ratio"] > 0.25).all()
    assert (by["rising"]["end"] > 1.5 * by["rising"]["start"]).mean() > 0.7
    assert (by["emerging"]["months"] < 120).all()  # appears mid-history
    assert (by["emerging"]["months"] >= 30).all()  # with enough history to judge
    assert (by["emerging"]["end"] > 5 * by["emerging"]["start"]).all()  # from ~0, accelerating
    # still emerging at the end: a takeover that finished years ago is a plateau (stable), not
    # an emerging skill (the demo once labelled 13 such successors emerging)
    assert (by["emerging"]["end"] > 1.5 * by["emerging"]["before"]).all()
    assert (by["stable"]["ratio"] > 0.5).all()
    assert by["noisy"]["mean_count"].max() < 15
    established = prof.filter(pl.col("lifecycle").is_in(["stable", "rising", "declining", "obsolescent"]))
    assert established["mean_count"].min() > 10


def test_segments_scale_series_count() -> None:
    frame, truth = generate_series(n_skills=50, months=36, segments=4)
    series = frame.select("skill", "region").unique()
    assert series.height == 4 * 51
    assert set(frame["region"]) == {"Region 01", "Region 02", "Region 03", "Region 04"}
    assert truth.height == 50


def test_fast() -> None:
    t0 = time.perf_counter()
    generate_series()
    assert time.perf_counter() - t0 < 1.0
    t0 = time.perf_counter()
    frame, _ = generate_series(segments=30)
    assert frame.select(pl.struct("skill", "region").n_unique()).item() > 9000
    assert time.perf_counter() - t0 < 5.0
