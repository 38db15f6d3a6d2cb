"""Known-answer tests of the per-series analysis and the outlook rules."""
from __future__ import annotations

import math

import numpy as np
import pytest
from skillpulse.data.statuses import STATUSES
from skillpulse.models import batch, fast, outlook, series
from skillpulse.models.series import analyse
from skillpulse.models.transform import prepare


def _run(y: np.ndarray, measure: str = "count", horizon: int = 24, totals: np.ndarray | None = None
         ) -> tuple[series.SeriesResult, str]:
    r = analyse(y, totals, measure, horizon=horizon)
    status, _ = outlook.classify(r.evidence, r.evidence.p_value if r.evidence else None)
    return r, status


def test_known_slope_is_rising_with_the_right_growth() -> None:
    expected = 100 * (math.exp(0.02 * 25) - 1)  # 24 months past a level centred a month back
    growths = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        t = np.arange(60)
        y = 1000 * np.exp(0.02 * t + rng.normal(0, 0.05, 60))
        r, status = _run(y)
        assert status == "rising"
        assert r.growth_pct is not None and 0.6 * expected < r.growth_pct < 1.3 * expected
        growths.append(r.growth_pct)
    # the headline may damp a trend (a combination with damped ETS), but not on average by much
    assert abs(float(np.median(growths)) - expected) < 10


def test_known_exponential_decay_has_the_right_half_life() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(60)
    y = 1000 * np.exp(-math.log(2) / 18 * t + rng.normal(0, 0.05, 60))
    r, status = _run(y)
    assert status in ("declining", "obsolescent")
    hl = r.evidence.half_life
    assert hl[0] is not None and abs(hl[0] - 18) < 2.5
    assert hl[1] <= hl[0] <= hl[2]


def test_slow_decline_is_declining_not_obsolescent() -> None:
    rng = np.random.default_rng(2)
    t = np.arange(72)
    y = 1000 * np.exp(-math.log(2) / 60 * t + rng.normal(0, 0.03, 72))
    _, status = _run(y)
    assert status == "declining"


def test_collapsed_then_flat_is_obsolescent() -> None:
    rng = np.random.default_rng(3)
    level = np.concatenate([np.full(30, 8.0), np.geomspace(8.0, 0.2, 36), np.full(40, 0.2)])
    y = level * np.exp(rng.normal(0, 0.1, level.size))
    _, status = _run(y, measure="share")
    assert status == "obsolescent"


def test_pure_noise_is_never_rising_beyond_the_false_positive_rate() -> None:
    rng = np.random.default_rng(4)
    results = [analyse(100 * np.exp(rng.normal(0, 0.15, 96)), None, "count", horizon=24)
               for _ in range(120)]
    statuses = [s for s, _ in batch.run_statuses(results, [False] * len(results), min_history=24)[2]]
    moving = sum(s in ("rising", "emerging", "declining", "obsolescent") for s in statuses)
    assert moving / len(statuses) <= 0.05
    assert all(s in ("stable", "uncertain") for s in statuses if s not in ("declining", "rising"))


@pytest.mark.parametrize("measure", ["count", "share"])
def test_interval_sanity(measure: str) -> None:
    rng = np.random.default_rng(5)
    y = 20 * np.exp(np.cumsum(rng.normal(0, 0.05, 80)))
    r = analyse(y, None, measure, horizon=24)
    b = r.bounds
    assert np.all(b["lower_95"] <= b["lower_80"] + 1e-12)
    assert np.all(b["lower_80"] <= r.mean + 1e-12) and np.all(r.mean <= b["upper_80"] + 1e-12)
    assert np.all(b["upper_80"] <= b["upper_95"] + 1e-12)
    width = np.log(b["upper_80"] + 1) - np.log(b["lower_80"] + 1)
    assert width[-1] > width[0]
    assert np.all(np.diff(width) > -1e-9)
    if measure == "share":
        assert np.all(b["upper_95"] <= 100)


def test_determinism() -> None:
    rng = np.random.default_rng(6)
    y = 50 * np.exp(np.cumsum(rng.normal(0.01, 0.08, 90)))
    a = analyse(y, None, "count", horizon=12)
    b = analyse(y.copy(), None, "count", horizon=12)
    assert a.model == b.model
    np.testing.assert_array_equal(a.mean, b.mean)
    for k in a.bounds:
        np.testing.assert_array_equal(a.bounds[k], b.bounds[k])
    assert a.backtest_rows == b.backtest_rows


def test_constant_series_rule() -> None:
    r, status = _run(np.full(40, 7.0))
    assert status == "stable" and r.model == "constant"
    np.testing.assert_allclose(r.mean, 7.0)
    np.testing.assert_allclose(r.bounds["lower_95"], 7.0)


def test_short_series_is_insufficient_history_with_a_naive_forecast() -> None:
    r, status = _run(np.array([5.0, 6, 7, 8, 9, 10, 11, 12, 13, 14]))
    assert status == "insufficient-history"
    assert r.model == "naive" and r.mean is not None and not r.backtest_rows
    r2, status2 = _run(np.array([5.0, 6.0]))
    assert status2 == "insufficient-history" and r2.mean is None


def test_gaps_and_zeros_do_not_break_the_analysis() -> None:
    rng = np.random.default_rng(7)
    y = rng.poisson(3, 60).astype(float)
    y[[10, 11, 30]] = np.nan
    r, status = _run(y)
    assert "gaps=3" in r.notes
    assert np.all(np.isfinite(r.mean)) and np.all(r.mean >= 0)
    assert status in STATUSES


def test_failing_candidates_fall_back_to_naive(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(z, origins, H, windows=(None, 60, 36)):  # type: ignore[no-untyped-def]
        bad = fast.Paths(np.full((len(origins), H), np.nan), np.full((len(origins), H), np.nan))
        return {"ets": bad, "theta": bad}

    monkeypatch.setattr(fast, "candidate_paths", broken)
    rng = np.random.default_rng(8)
    r = analyse(100 * np.exp(rng.normal(0, 0.1, 60)), None, "count", horizon=6)
    assert r.model == "naive" and "fallback=naive" in r.notes
    assert "dropped=ets" in r.notes
    assert np.all(np.isfinite(r.mean))


def test_explosive_forecasts_are_clamped() -> None:
    y = np.concatenate([np.full(40, 10.0), [10.0, 20, 80, 640, 10240]])
    y = y * np.exp(np.random.default_rng(9).normal(0, 0.01, y.size))
    r = analyse(y, None, "count", horizon=24)
    assert np.all(np.isfinite(r.bounds["upper_95"]))
    c = prepare(y, None, "count").offset
    # within max + span on the log scale
    assert r.bounds["upper_95"].max() <= (y.max() + c) ** 2 / (y.min() + c) * (1 + 1e-9)


def test_backtest_rows_cover_every_candidate_and_the_headline() -> None:
    rng = np.random.default_rng(10)
    r = analyse(100 * np.exp(np.cumsum(rng.normal(0, 0.05, 100))), None, "count", horizon=24)
    names = {row[0] for row in r.backtest_rows}
    assert {"headline", "naive", "seasonal_naive", "ets", "theta", "ets_w36", "theta_w60"} <= names
    for _, mase, c80, c95, origins in r.backtest_rows:
        assert mase > 0 and 0 <= c80 <= c95 <= 1 and origins >= 6


def test_low_base_acceleration_is_emerging_and_a_high_base_is_rising() -> None:
    rng = np.random.default_rng(12)
    t = np.arange(48)
    y = 5 * np.exp(0.07 * t + rng.normal(0, 0.05, 48))  # ×12 in three years, from a small base
    r = analyse(y, None, "count", horizon=24)
    ev = r.evidence
    status, _ = outlook.classify(ev, ev.p_value, low_base_level=ev.start_level * 2)
    assert status == "emerging"
    # the same shape from a base that is not low among the run's series is merely rising
    status_high, _ = outlook.classify(ev, ev.p_value, low_base_level=ev.start_level / 2)
    assert status_high == "rising"
