"""Preparation rules: scale, gaps, zeros, unreliable months, outliers, constant series."""
from __future__ import annotations

import numpy as np
from skillpulse.models.transform import prepare


def test_log_scale_round_trip_for_counts() -> None:
    y = np.array([10.0, 20.0, 0.0, 40.0])
    prep = prepare(y, None, "count")
    assert prep.kind == "log" and prep.offset == 5.0  # half the smallest positive value
    np.testing.assert_allclose(prep.inverse(prep.z), y, atol=1e-9)


def test_share_logit_round_trip_and_bounds() -> None:
    y = np.array([0.0, 1.5, 3.0, 99.0])
    prep = prepare(y, None, "share")
    assert prep.kind == "logit"
    back = prep.inverse(prep.z)
    assert np.all(back >= 0) and np.all(back <= 100)
    np.testing.assert_allclose(back[1:3], y[1:3], rtol=1e-6)
    assert back[0] == 0.0  # a zero share maps back to zero (offset removed)


def test_zero_offset_is_half_the_smallest_positive_share() -> None:
    prep = prepare(np.array([0.0, 0.4, 0.8, 1.2]), None, "share")
    assert np.isclose(prep.offset, 0.002)
    assert np.all(np.isfinite(prep.z))


def test_all_zero_series_is_constant_not_a_crash() -> None:
    prep = prepare(np.zeros(30), None, "count")
    assert prep.constant and "constant" in prep.notes
    assert np.all(np.isfinite(prep.z))


def test_gaps_are_interpolated_on_the_model_scale_and_noted() -> None:
    y = np.array([100.0, np.nan, np.nan, 400.0, 800.0])
    prep = prepare(y, None, "count")
    assert "gaps=2" in prep.notes
    assert not prep.observed[1] and not prep.observed[2]
    # geometric interpolation between 100 and 400
    np.testing.assert_allclose(prep.inverse(prep.z[1:3]), [158.5, 251.8], rtol=0.01)


def test_month_with_a_tiny_total_is_treated_as_a_gap() -> None:
    values = np.array([10.0] * 10 + [3.0] + [10.0] * 10)
    totals = np.array([1000.0] * 10 + [3.0] + [1000.0] * 10)  # 3 postings: share 100%
    prep = prepare(values, totals, "count")
    assert prep.relative and "low_total=1" in prep.notes
    assert not prep.observed[10]
    assert np.isclose(prep.inverse(prep.z[10:11])[0], 0.01, rtol=0.01)


def test_isolated_spike_is_winsorised_but_level_shift_is_kept() -> None:
    rng = np.random.default_rng(3)
    base = 100 * np.exp(rng.normal(0, 0.05, 40))
    spike = base.copy()
    spike[20] *= 20
    prep = prepare(spike, None, "count")
    assert any(n.startswith("winsorised") for n in prep.notes)
    assert prep.inverse(prep.z[20:21])[0] < 3 * base[20]
    shift = base.copy()
    shift[20:] *= 3
    kept = prepare(shift, None, "count")
    assert np.median(kept.inverse(kept.z[25:])) > 2.5 * np.median(base[25:])


def test_count_with_totals_is_analysed_as_share() -> None:
    totals = np.linspace(1000, 2000, 30)
    values = 0.05 * totals
    prep = prepare(values, totals, "count")
    assert prep.relative and prep.kind == "logit"
    np.testing.assert_allclose(prep.inverse(prep.z), 0.05, rtol=1e-6)
