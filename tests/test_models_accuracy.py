"""Headline accuracy rules: the level-only SES candidate, the default combination and its margin,
the scale-free selection loss (series that sat at zero for years) and out-of-sample accuracy."""
from __future__ import annotations

import numpy as np
import pytest
from statsmodels.tsa.holtwinters import SimpleExpSmoothing

from models import backtest, fast
from models.series import analyse
from models.transform import prepare


def _local_level(n: int, seed: int, noise: float = 0.15, drift_sd: float = 0.04) -> np.ndarray:
    """A share (percent) whose logit level wanders slowly under heavy monthly noise."""
    rng = np.random.default_rng(seed)
    level = -3.0 + np.cumsum(rng.normal(0, drift_sd, n))
    z = level + rng.normal(0, noise, n)
    return 100 / (1 + np.exp(-z))


def test_ses_is_level_only_and_matches_statsmodels_at_the_grid_alpha() -> None:
    rng = np.random.default_rng(3)
    z = np.cumsum(rng.normal(0, 0.1, 80))
    paths = fast.candidate_paths(z, np.array([z.size - 1]), 12)
    ses = paths["ses"]
    assert np.ptp(ses.mean[0]) == 0.0                      # flat: no drift
    assert np.all(np.diff(ses.sd[0]) > 0)                  # uncertainty grows with the horizon
    # the same recursion as statsmodels' SES at the grid's alpha (initial level: first value)
    _, _, sse = fast._filter(z[None, :], np.array([z.size - 1]))
    alpha = float(fast.GRID_ALPHA[fast.SES_COLS][np.argmin(sse[0, 0, fast.SES_COLS])])
    ref = SimpleExpSmoothing(z, initialization_method="known", initial_level=z[0]).fit(
        smoothing_level=alpha, optimized=False).forecast(12)
    np.testing.assert_allclose(ses.mean[0], np.asarray(ref), atol=1e-9)
    # Theta = the same SES line plus half the OLS slope per month
    slope = np.polyfit(np.arange(z.size), z, 1)[0]
    np.testing.assert_allclose(np.diff(paths["theta"].mean[0] - ses.mean[0]), 0.5 * slope,
                               atol=1e-9)
    assert {"ses_w60", "ses_w36"} <= set(paths)


def test_default_kept_unless_clearly_beaten() -> None:
    pair = np.array([False, False, True, True])
    loss = np.array([1.0, 0.95, 0.9, 1.0])   # default = index 3
    # best pair 0.9 beats the default 1.0 by 10% < DEFAULT_MARGIN: the default stays
    assert backtest._pick(loss, pair, default=3) == 3
    loss2 = np.array([1.0, 0.95, 0.5, 1.0])
    assert backtest._pick(loss2, pair, default=3) == 2
    assert backtest._pick(loss, pair, default=None) == 2     # no default: the plain rule


def test_noisy_flat_series_gets_the_default_and_a_clear_trend_does_not() -> None:
    flat = _local_level(120, seed=5, drift_sd=0.0)
    r = analyse(flat, None, "share", horizon=12)
    assert set(r.model.split("+")) == set(backtest.DEFAULT_MEMBERS)
    t = np.arange(120)
    rising = 2.0 * np.exp(0.02 * t + np.random.default_rng(1).normal(0, 0.03, 120))
    r = analyse(rising, None, "share", horizon=12)
    assert set(r.model.split("+")) != set(backtest.DEFAULT_MEMBERS)
    # the trend is carried: at least half the true 12-month growth
    assert r.mean[-1] / r.level - 1 > 0.5 * (np.exp(0.02 * 12) - 1)


def test_series_at_zero_for_years_then_appearing_is_scored_without_nan_selection() -> None:
    """Origins whose training data is all zeros have no MASE scale: they still count for the
    selection (modelling-scale error) and the calibration; the MASE uses the other points."""
    y = np.zeros(96)
    y[70:] = np.linspace(0.05, 1.5, 26) * np.exp(np.random.default_rng(2).normal(0, 0.1, 26))
    prep = prepare(y, None, "share")
    origins = backtest.backtest_origins(prep.z.size)
    paths = fast.candidate_paths(prep.z, origins, 12)
    choice = backtest.choose(prep, origins, paths)
    assert all(m in paths for m in choice.members)
    assert np.isfinite(choice.mase)
    assert all(np.all(np.isfinite(q)) for q in choice.q.values())
    r = analyse(y, None, "share", horizon=12)
    assert np.all(np.isfinite(r.mean)) and np.all(r.bounds["lower_80"] <= r.mean)


@pytest.mark.parametrize("drift_sd", [0.0, 0.04])
def test_headline_beats_naive_out_of_sample_on_noisy_levels(drift_sd: float) -> None:
    """Rolling origins, each forecast from the truncated history only: on noisy shares whose
    level is flat or wanders slowly, the headline's MAE is clearly below the random walk's."""
    head, naive = [], []
    for seed in range(8):
        y = _local_level(108, seed=seed, drift_sd=drift_sd)
        for o in (71, 83, 95):
            hist, actual = y[:o + 1], y[o + 1:o + 13]
            r = analyse(hist, None, "share", horizon=12)
            head.append(np.abs(r.mean - actual).mean())
            naive.append(np.abs(hist[-1] - actual).mean())
    assert np.mean(head) < 0.9 * np.mean(naive)
