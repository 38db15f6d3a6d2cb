"""Shares near or above 50%, proportional clamping of bounds, and steady rises near the threshold."""
from __future__ import annotations

import numpy as np
import pytest
from skillpulse.models import outlook
from skillpulse.models.series import analyse


def _status(r) -> str:  # type: ignore[no-untyped-def]
    return outlook.classify(r.evidence, r.evidence.p_value)[0]


@pytest.mark.parametrize("level", [45.0, 55.0, 80.0, 95.0])
def test_flat_high_share_is_forecast_near_its_level_with_real_intervals(level: float) -> None:
    rng = np.random.default_rng(int(level))
    y = np.clip(level + rng.normal(0, 1.0, 96), 0, 100)
    r = analyse(y, None, "share", horizon=24)
    assert r.model != "constant"
    assert abs(r.mean[-1] - level) < 4.0
    assert r.bounds["upper_95"][-1] - r.bounds["lower_95"][-1] > 0.5
    assert _status(r) in ("stable", "uncertain")


@pytest.mark.parametrize(("start", "end", "expected"), [(40.0, 80.0, "rising"), (70.0, 40.0, "declining")])
def test_high_share_trends_are_not_flattened(start: float, end: float, expected: str) -> None:
    """QA: shares above ~40% were clipped to the logit bound and looked constant (forecast 50.0)."""
    rng = np.random.default_rng(3)
    y = np.clip(np.linspace(start, end, 96) + rng.normal(0, 0.8, 96), 0, 100)
    r = analyse(y, None, "share", horizon=24)
    assert r.model != "constant"
    assert abs(r.mean[0] - end) < 3.0  # the forecast starts where the data ends
    assert r.bounds["lower_80"][-1] < r.bounds["upper_80"][-1]
    status = _status(r)
    assert status != "stable"
    assert status in (expected, "uncertain", "obsolescent" if expected == "declining" else expected)


def test_clamped_bounds_keep_the_80_interval_strictly_inside_the_95() -> None:
    """An intermittent, collapsing count series has huge calibrated widths that hit the clamp."""
    rng = np.random.default_rng(5)
    y = np.concatenate([rng.poisson(400, 60), rng.poisson(30, 30), rng.poisson(2, 30)]).astype(float)
    y[rng.random(120) < 0.2] = 0.0
    r = analyse(y, None, "count", horizon=24)
    up80, up95 = r.bounds["upper_80"], r.bounds["upper_95"]
    lo80, lo95 = r.bounds["lower_80"], r.bounds["lower_95"]
    assert np.all(lo95 <= lo80) and np.all(lo80 <= r.mean) and np.all(r.mean <= up80)
    assert np.all(up80 <= up95)
    wide = up95 > r.mean * 1.01
    assert np.all(up80[wide] < up95[wide])


def test_steady_rise_with_headline_above_threshold_is_rising() -> None:
    """A linear share rise whose trend line lands just under 10% but whose headline is above."""
    rng = np.random.default_rng(11)
    months = 168
    y = np.linspace(8.0, 30.0, months) + rng.normal(0, 0.25, months)
    r = analyse(y, None, "share", horizon=24)
    assert _status(r) == "rising"
