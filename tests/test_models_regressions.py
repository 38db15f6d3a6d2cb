"""Regression tests for QA findings: growth at a zero level, judged interval, units, growth base,
all-zero histories, and verdicts on steady noisy trends (general shapes, never names)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from click.testing import CliRunner
from skillpulse.models import batch, outlook, series
from skillpulse.models.series import analyse


def _status(r: series.SeriesResult, q: float | None = None) -> tuple[str, str]:
    ev = r.evidence
    return outlook.classify(ev, ev.p_value if q is None else q)


def _faded_to_zero_share(seed: int = 0) -> np.ndarray:
    """A share that was present for years and has been exactly 0 for the last 20 months."""
    rng = np.random.default_rng(seed)
    early = np.clip(0.3 * np.exp(rng.normal(0, 0.4, 100)), 0, None).round(2)
    early[rng.random(100) < 0.3] = 0.0
    return np.concatenate([early, np.zeros(20)])


def test_level_at_zero_gives_no_absurd_growth_and_a_clean_zero_forecast() -> None:
    """QA #1: growth of 1e15 % against a 1e-19 leftover level."""
    for seed in range(4):
        r = analyse(_faded_to_zero_share(seed), None, "share", horizon=24)
        assert r.level == 0.0 or r.level >= 0.005  # never a floating-point leftover
        assert r.growth_pct is None or abs(r.growth_pct) < 1e4
        leftovers = [v for v in [r.level, *r.mean, *r.bounds["lower_80"]] if 0 < v < 1e-9]
        assert not leftovers


def test_tiny_leftovers_are_cleaned_in_counts_and_relative_counts() -> None:
    y = np.concatenate([np.arange(1.0, 41.0), np.zeros(24)])
    r = analyse(y, None, "count", horizon=12)
    assert np.all((r.mean == 0) | (r.mean > 1e-6))
    totals = np.full(y.size, 500.0)
    rr = analyse(y, totals, "count", horizon=12)
    assert np.all((rr.mean == 0) | (rr.mean > 1e-6))
    assert rr.growth_pct is None or abs(rr.growth_pct) < 1e4


@pytest.mark.parametrize("measure", ["count", "share", "index"])
def test_all_zero_history_is_insufficient_history_forecast_zero(measure: str) -> None:
    """QA #5: a skill that never appeared is not 'stable'."""
    r = analyse(np.zeros(60), None, measure, horizon=12)
    status, reason = _status(r)
    assert status == "insufficient-history" and "zero" in reason
    assert np.all(r.mean == 0.0) and np.all(r.bounds["upper_95"] == 0.0)
    assert r.growth_pct is None


def test_results_do_not_depend_on_the_unit() -> None:
    """QA #3: a count series in thousands must not be flattened."""
    rng = np.random.default_rng(11)
    t = np.arange(72)
    y = np.round(40 * np.exp(-0.02 * t + rng.normal(0, 0.1, 72)))
    y[[5, 17]] = 0.0  # zeros too
    base = analyse(y, None, "count", horizon=24)
    base_status = _status(base)[0]
    assert base_status in ("declining", "obsolescent")
    for k in (1e-4, 1e-3, 1e-2, 10.0, 1e4):
        r = analyse(y * k, None, "count", horizon=24)
        assert _status(r)[0] == base_status, k
        assert r.growth_pct == pytest.approx(base.growth_pct, rel=1e-6, abs=1e-6), k
        np.testing.assert_allclose(r.mean, base.mean * k, rtol=1e-6)


def test_growth_is_forecast_over_the_model_level_with_a_consistent_sign() -> None:
    """QA #4: growth_pct = forecast / level - 1 (level: the de-noised level at last_period)."""
    for seed in range(6):
        rng = np.random.default_rng(seed)
        y = 100 * np.exp(np.cumsum(rng.normal(0, 0.05, 80)))
        for totals in (None, np.full(80, 5000.0)):
            r = analyse(y, totals, "count", horizon=24)
            assert r.growth_pct == pytest.approx(100 * (r.mean[-1] / r.level - 1))
            assert math.copysign(1, r.growth_pct) == math.copysign(1, r.mean[-1] - r.level)


def test_forecast_help_says_what_growth_and_the_status_interval_are() -> None:
    """QA #2/#4: a user must be able to tell what the verdict and growth are measured against."""
    from skillpulse.dashboard.commands.forecast import forecast_cmd

    text = " ".join(CliRunner().invoke(forecast_cmd, ["--help"]).output.split())
    assert "last_value" in text and "growth_pct" in text
    assert "growth_lower_80" in text  # the judged interval is named
    assert "one month" in text        # and why it differs from the exported monthly interval


def _noisy_trend(slope: float, noise: float, n: int = 72, seed: int = 0, level: float = 5.0
                 ) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return level * np.exp(slope * t + rng.normal(0, noise, n))


@pytest.mark.parametrize("sign", [1, -1])
def test_steady_trend_under_heavy_monthly_noise_gets_a_direction(sign: int) -> None:
    """QA #6: +/-1.5% a month for years, 30% monthly noise (a survey share): the trend is clear
    though one month's 24-month prediction interval spans a factor of 3+."""
    hits = 0
    for seed in range(6):
        r = analyse(_noisy_trend(sign * 0.015, 0.3, seed=seed), None, "share", horizon=24)
        status, reason = _status(r)
        ev = r.evidence
        if (sign > 0 and status == "rising") or (sign < 0 and status in ("declining", "obsolescent")):
            hits += 1
            # the verdict is verifiable from what is published: judged interval and the note
            assert (ev.judged_lo80 > 0) if sign > 0 else (ev.judged_hi80 < 0)
            assert ev.judged_lo80 <= ev.growth <= ev.judged_hi80  # it brackets the growth
            assert sign * r.growth_pct > 0 and "expected level" in reason
        assert status not in (("declining", "obsolescent") if sign > 0 else ("rising", "emerging"))
    assert hits >= 4


def test_rise_then_flat_plateau_is_not_rising() -> None:
    """A skill that rose for years and has been flat for two years is no longer rising."""
    rng = np.random.default_rng(21)
    level = np.concatenate([np.geomspace(2.0, 15.0, 60), np.full(26, 15.0)])
    y = level * np.exp(rng.normal(0, 0.08, level.size))
    r = analyse(y, None, "share", horizon=24)
    assert _status(r)[0] in ("stable", "uncertain")


def test_pure_noise_with_heavy_monthly_noise_stays_put() -> None:
    rng = np.random.default_rng(31)
    results = [analyse(3 * np.exp(rng.normal(0, 0.3, 96)), None, "share", horizon=24)
               for _ in range(80)]
    statuses = [s for s, _ in batch.run_statuses(results, [False] * len(results), min_history=24)[2]]
    assert sum(s not in ("stable", "uncertain") for s in statuses) / len(statuses) <= 0.05
