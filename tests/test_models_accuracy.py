"""Headline accuracy rules: the level-only SES and robust-level (median) candidates, the default
and intermittent combinations, the consistency and recent-regime tests that let a challenger
replace them, the scale-free selection loss (series that sat at zero for years) and
out-of-sample accuracy."""
from __future__ import annotations

import numpy as np
import pytest
from skillpulse.models import backtest, fast
from skillpulse.models.series import analyse
from skillpulse.models.transform import prepare
from statsmodels.tsa.holtwinters import SimpleExpSmoothing


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


def test_default_kept_unless_consistently_beaten_and_not_worse_lately() -> None:
    pair = np.array([False, False, True, True])          # default = index 3
    rng = np.random.default_rng(0)
    base = 1.0 + 0.2 * rng.standard_normal(20)
    recent = np.arange(20) >= 10

    def per_origin(challenger: np.ndarray) -> np.ndarray:
        return np.stack([base + 0.5, base + 0.4, challenger, base])

    # better by 10% on average, at every origin: consistent, and no worse lately -> challenger
    steady = per_origin(base * 0.9)
    assert backtest._pick(steady.mean(axis=1), pair, 3, steady, recent) == 2
    # better on average by the same 10%, but from two lucky origins: not consistent -> default
    lucky = per_origin(base + np.where(np.arange(20) < 2, -1.0, 0.0))
    assert lucky[2].mean() < lucky[3].mean()
    assert backtest._pick(lucky.mean(axis=1), pair, 3, lucky, recent) == 3
    # consistently better over an old regime, worse over the last origins -> default
    recent = np.arange(20) >= 16
    old = per_origin(np.where(recent, base + 0.05, base - 0.5))
    assert backtest.consistency_t(old[3] - old[2]) > backtest.CONSISTENCY_T
    assert backtest._pick(old.mean(axis=1), pair, 3, old, recent) == 3
    # no default, or no per-origin record: the plain rule
    assert backtest._pick(steady.mean(axis=1), pair, None) == 2


def test_consistency_t_accounts_for_overlapping_origins() -> None:
    """Origins whose errors move in runs of 4 (overlapping 12-month horizons) hold a quarter of
    the evidence: the t statistic stays near that of the distinct values, not twice it."""
    for seed in range(6):
        distinct = 0.5 + np.random.default_rng(seed).standard_normal(10)
        plain = distinct.mean() / (distinct.std() / np.sqrt(distinct.size))
        assert backtest.consistency_t(np.repeat(distinct, 4)) < 1.5 * plain
    rng = np.random.default_rng(4)
    assert backtest.consistency_t(np.full(40, 0.1) + 1e-3 * rng.standard_normal(40)) > 10
    assert backtest.consistency_t(rng.standard_normal(3)) == 0.0   # too few origins: no evidence


def test_noisy_flat_series_gets_no_direction_and_a_clear_trend_is_carried() -> None:
    """The default is kept unless a challenger is consistently better across the origins; on
    white noise the SES-type challengers can be (a median is the less efficient level there), so
    what must hold is the outcome: no direction for a flat series, the slope for a clear trend."""
    from skillpulse.models.outlook import classify
    for seed in range(5, 9):
        flat = _local_level(120, seed=seed, drift_sd=0.0)
        r = analyse(flat, None, "share", horizon=12)
        assert abs(r.mean[-1] / r.mean[0] - 1) < 0.05      # no trend is extrapolated
        status, _ = classify(r.evidence, r.evidence.p_value)
        assert status in ("stable", "uncertain")
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


def _brute_weighted_median(x: np.ndarray, alpha: float) -> float:
    """Smallest value whose cumulative weight (sorted order) reaches half the total."""
    w = (1 - alpha) ** np.arange(x.size)[::-1]            # the last month weighs 1
    order = np.argsort(x, kind="stable")
    cw = np.cumsum(w[order])
    return float(x[order][np.searchsorted(cw, cw[-1] / 2)])


def test_weighted_medians_match_a_brute_force_median_over_the_lookback() -> None:
    rng = np.random.default_rng(8)
    z = rng.normal(0, 1, 90)
    wm = fast.weighted_medians(z, lookback=24)
    for a, alpha in enumerate(fast.MEDIAN_ALPHAS):
        for t in (0, 5, 23, 24, 60, 89):
            window = z[max(0, t - 23): t + 1]
            assert wm[a, t] == pytest.approx(_brute_weighted_median(window, float(alpha)))


def test_sen_slopes_match_scipy_theil_sen_over_the_trailing_window() -> None:
    from scipy.stats import theilslopes
    z = np.cumsum(np.random.default_rng(10).normal(0.02, 0.3, 70))
    b = fast.sen_slopes(z, window=36)
    for t in (2, 10, 35, 36, 69):
        seg = z[max(0, t - 35): t + 1]
        assert b[t] == pytest.approx(theilslopes(seg, np.arange(seg.size))[0])
    assert b[0] == 0.0 and b[1] == 0.0


def test_median_level_does_not_lag_a_trend() -> None:
    t = np.arange(90)
    z = -4.0 - 0.03 * t + np.random.default_rng(11).normal(0, 0.05, 90)
    level = fast.candidate_paths(z, np.array([89]), 12)["median"].mean[0, 0]
    assert level == pytest.approx(-4.0 - 0.03 * 89, abs=0.035)   # today's level, not last year's


def test_median_candidate_has_no_look_ahead_and_ignores_the_zero_offset() -> None:
    rng = np.random.default_rng(9)
    y = np.where(rng.random(80) < 0.6, 0.0, rng.uniform(0.1, 0.3, 80))   # zero in most months
    origins = np.array([40, 55, 79])
    forecasts = []
    for offset in (1e-4, 1e-2):
        z = np.log(y + offset)
        paths = fast.candidate_paths(z, origins, 12)
        forecasts.append(np.exp(paths["median"].mean) - offset)
        # what happens after an origin does not change the forecast made there
        z2 = z.copy()
        z2[41:] += 3.0
        assert np.array_equal(fast.candidate_paths(z2, origins[:1], 12)["median"].mean,
                              paths["median"].mean[:1])
        assert np.all(np.diff(paths["median"].sd, axis=1) >= 0)
    # a median is one of the months: the same month whatever the offset (a log-mean is not)
    np.testing.assert_allclose(forecasts[0], forecasts[1], atol=1e-9)
    np.testing.assert_allclose(forecasts[0][:, 0], 0.0, atol=1e-9)      # a typical month: zero


@pytest.mark.parametrize(("nonzero", "expected"), [(24, False), (19, False), (18, True), (6, True),
                                                   (0, True)])
def test_intermittent_uses_the_syntetos_boylan_interval(nonzero: int, expected: bool) -> None:
    y = np.zeros(40)
    y[-24:][:nonzero] = 1.0          # 24 / 19 = 1.26 < 1.32 <= 24 / 18 = 1.33
    assert backtest.intermittent(y, np.ones(40, dtype=bool)) is expected


def test_intermittent_series_gets_the_robust_level_and_a_dense_one_does_not() -> None:
    rng = np.random.default_rng(12)
    sparse = np.where(rng.random(96) < 0.75, 0.0, rng.uniform(0.1, 0.4, 96))
    r = analyse(sparse, None, "share", horizon=12)
    assert r.model == "median"
    assert np.all(r.mean == 0.0)            # zero in three months of four: a typical month is 0
    assert np.all(r.bounds["upper_95"] > 0)  # and the interval still allows a mention
    dense = _local_level(96, seed=3, drift_sd=0.0)
    assert analyse(dense, None, "share", horizon=12).model != "median"
