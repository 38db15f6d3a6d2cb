"""Counts are evidence: synthetic binomial and Poisson series through the analysis and the
run-wide outlook (known trends at adequate volume are called, noise at low counts is not, a large
skill that collapsed is declining, not obsolescent)."""
from __future__ import annotations

import numpy as np
from skillpulse.models import batch, outlook, trend
from skillpulse.models.series import analyse

MONTHS = 60
POSTINGS = 800.0
UP = {"rising", "emerging"}
DIRECTIONAL = {"rising", "emerging", "declining", "obsolescent"}


def _shares(counts: np.ndarray, postings: np.ndarray) -> np.ndarray:
    return 100.0 * counts / postings


def _run(series: list[tuple[np.ndarray, np.ndarray | None, str]]) -> list[tuple[str, str]]:
    results = [analyse(v, t, m, horizon=24) for v, t, m in series]
    return batch.run_statuses(results, [False] * len(results), min_history=24)[2]


def test_known_binomial_trend_at_adequate_volume_is_called() -> None:
    rng = np.random.default_rng(11)
    postings = np.full(MONTHS, POSTINGS)
    p = 0.03 * np.exp(0.02 * np.arange(MONTHS))  # +27% a year, 24 → 80 mentions a month
    series = [(_shares(rng.binomial(800, p).astype(float), postings), postings, "share")
              for _ in range(20)]
    verdicts = _run(series)
    called = sum(s in UP for s, _ in verdicts)
    assert called >= 18, verdicts


def test_known_poisson_decline_is_called() -> None:
    rng = np.random.default_rng(12)
    lam = 60.0 * np.exp(-0.025 * np.arange(MONTHS))  # 60 → 14 mentions a month
    verdicts = _run([(rng.poisson(lam).astype(float), None, "count") for _ in range(20)])
    called = sum(s in {"declining", "obsolescent"} for s, _ in verdicts)
    assert called >= 18, verdicts


def test_noise_at_low_counts_gets_no_direction() -> None:
    rng = np.random.default_rng(13)
    postings = np.full(MONTHS, POSTINGS)
    series: list[tuple[np.ndarray, np.ndarray | None, str]] = []
    for i in range(60):
        rate = 0.5 + 2.5 * i / 60  # 0.5 to 3 mentions a month, no trend
        if i % 2:
            series.append((_shares(rng.binomial(800, rate / 800, MONTHS).astype(float), postings),
                           postings, "share"))
        else:
            series.append((rng.poisson(rate, MONTHS).astype(float), None, "count"))
    verdicts = _run(series)
    directional = [s for s, _ in verdicts if s in DIRECTIONAL]
    assert len(directional) <= outlook.FDR * len(series), verdicts


def test_a_rise_on_one_mention_a_month_is_not_called_and_says_why() -> None:
    postings = np.full(MONTHS, POSTINGS)
    counts = np.round(np.linspace(0.2, 1.6, MONTHS) + 0.3 * np.sin(np.arange(MONTHS)))
    status, reason = _run([(_shares(counts, postings), postings, "share")])[0]
    assert status not in UP
    assert status == "uncertain" and "too few mentions" in reason


def test_large_collapsed_skill_is_declining_not_obsolescent() -> None:
    rng = np.random.default_rng(14)
    postings = np.full(MONTHS, 2000.0)
    t = np.arange(MONTHS)
    big = np.where(t < 12, 0.20, np.maximum(0.20 * np.exp(-0.08 * (t - 12)), 0.04))
    small = [np.full(MONTHS, s) for s in np.linspace(0.002, 0.02, 30)]
    shares = [big, *small]
    series: list[tuple[np.ndarray, np.ndarray | None, str]] = [
        (_shares(rng.binomial(2000, p).astype(float), postings), postings, "share") for p in shares]
    status, reason = _run(series)[0]
    assert status == "declining", reason
    assert "of its peak" in reason and "not obsolescent" in reason


def test_count_trend_uses_exposure() -> None:
    # the same mentions out of twice as many postings each month: the share halves every month
    # from the start, so the binomial GLM sees a steep decline the Poisson GLM of counts does not
    counts = 40.0 + 4.0 * (-1.0) ** np.arange(36)
    postings = 400.0 * 1.03 ** np.arange(36)
    with_exposure = trend.count_trend(counts, postings)
    without = trend.count_trend(counts, None)
    assert with_exposure.slope < -0.02 and with_exposure.p_value < 0.01
    assert abs(without.slope) < 1e-3 and without.p_value > 0.2
    assert with_exposure.mentions_12m == 480 and with_exposure.mentions_rate == 40
