"""Trend evidence: modified Mann-Kendall, Benjamini-Hochberg, half-life, acceleration."""
from __future__ import annotations

import math

import numpy as np
from skillpulse.models import trend


def test_mann_kendall_detects_a_clear_slope() -> None:
    rng = np.random.default_rng(0)
    x = 0.05 * np.arange(36) + rng.normal(0, 0.1, 36)
    res = trend.mann_kendall(x)
    assert res.p_value < 1e-6 and res.slope > 0
    assert abs(res.slope - 0.05) < 0.01


def test_mann_kendall_false_positive_rate_on_white_noise() -> None:
    rng = np.random.default_rng(1)
    p = np.array([trend.mann_kendall(rng.normal(size=36)).p_value for _ in range(400)])
    rate = float(np.mean(p < 0.05))
    assert rate < 0.09  # nominal 5%


def test_autocorrelation_correction_widens_the_test() -> None:
    rng = np.random.default_rng(2)
    fp_plain, fp_mod = 0, 0
    for _ in range(200):
        e = rng.normal(size=60)
        x = np.empty(60)
        x[0] = e[0]
        for t in range(1, 60):
            x[t] = 0.7 * x[t - 1] + e[t]
        res = trend.mann_kendall(x)
        fp_mod += res.p_value < 0.05
        fp_plain += abs(res.z * math.sqrt(res.inflation)) > 1.96
    assert fp_mod < fp_plain


def test_constant_and_tiny_inputs() -> None:
    assert trend.mann_kendall(np.ones(30)).p_value == 1.0
    assert trend.mann_kendall(np.array([1.0, 2.0])).p_value == 1.0


def test_benjamini_hochberg_matches_hand_computation() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.2, np.nan])
    q = trend.benjamini_hochberg(p)
    np.testing.assert_allclose(q[:4], [0.04, 0.16 / 3, 0.16 / 3, 0.2])
    assert np.isnan(q[4])


def test_half_life_of_a_known_exponential_decay() -> None:
    rng = np.random.default_rng(4)
    t = np.arange(36)
    log_y = np.log(1000) - math.log(2) / 12 * t + rng.normal(0, 0.05, 36)  # halves every 12 months
    hl = trend.half_life(log_y)
    assert hl.months is not None and abs(hl.months - 12) < 1.0
    assert hl.lower is not None and hl.upper is not None
    assert hl.lower < hl.months < hl.upper


def test_half_life_absent_when_growing() -> None:
    assert trend.half_life(np.linspace(0, 1, 24)).months is None


def test_quadratic_t_sees_acceleration() -> None:
    t = np.arange(36)
    assert trend.quadratic_t(np.exp(0.08 * t)) > 5
    assert trend.quadratic_t(1 + 0.1 * t + np.random.default_rng(5).normal(0, 0.1, 36)) < 2
