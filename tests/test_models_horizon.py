"""Intervals beyond the backtest horizon (13-24 months) and the upper bounds of sparse series."""
from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl
import pytest
from skillpulse.models import backtest, fast, series
from skillpulse.models.series import analyse
from skillpulse.models.transform import prepare

from tests.conftest import real_file


def _sparse_share(seed: int = 7, n: int = 150) -> np.ndarray:
    """A share (percent) near zero: postings mentioning it are Poisson, 1 a month lately out of
    250-900, so a third of the months have none; about 2% at its start."""
    rng = np.random.default_rng(seed)
    tot = rng.integers(250, 900, n).astype(float)
    lam = np.concatenate([np.linspace(8, 2, 60), np.full(n - 60, 1.0)]) * tot / 600
    return np.round(100 * rng.poisson(lam) / tot, 2)


def _recent_record(y: np.ndarray) -> float:
    return float(np.nanmax(y[np.isfinite(y)][-series.SPARSE_WINDOW:]))


def test_sparse_share_bounds_stay_within_twice_the_recent_record(monkeypatch: pytest.MonkeyPatch
                                                                 ) -> None:
    """Twice the record of the last three years, not of all time (about 2% at its start)."""
    y = _sparse_share()
    record = _recent_record(y)
    assert record < y.max() / 2  # the all-time record would allow twice as much
    monkeypatch.setattr(series, "SPARSE_CAP", math.inf)
    loose = analyse(y, None, "share", horizon=24)
    monkeypatch.undo()
    r = analyse(y, None, "share", horizon=24)
    assert loose.bounds["upper_95"].max() > series.SPARSE_CAP * record  # the cap binds here
    assert any(n.startswith("sparse_cap=") for n in r.notes)
    assert r.bounds["upper_95"].max() <= series.SPARSE_CAP * record * (1 + 1e-9)
    assert np.all(r.bounds["upper_80"] <= r.bounds["upper_95"] + 1e-12)
    assert np.all(r.bounds["lower_80"] <= r.mean) and np.all(r.mean <= r.bounds["upper_80"])
    np.testing.assert_allclose(r.mean, loose.mean)  # the point forecast is far below the cap


def _hn_term(term: str) -> tuple[np.ndarray, np.ndarray]:
    """One HN term's monthly share (percent; NaN for a month missing from the file) from its
    first month, and the month's postings."""
    df = pl.read_csv(real_file("hn_whoishiring", "hn_whoishiring_terms_monthly.csv"),
                     try_parse_dates=True)
    first, last = df["month"].min(), df["month"].max()
    assert isinstance(first, dt.date) and isinstance(last, dt.date)
    months = pl.DataFrame({"month": pl.date_range(first, last, "1mo", eager=True)})
    d = months.join(df.filter(pl.col("term") == term), on="month", how="left").sort("month")
    y = d["percentage"].to_numpy().astype(float)
    start = int(np.flatnonzero(np.isfinite(y))[0])
    return y[start:], d["num_comments"].to_numpy().astype(float)[start:]


@pytest.mark.integration
@pytest.mark.parametrize("term", ["Celery", "SQS", "Julia", "statistics", "Cloudflare"])
def test_sparse_hn_terms_get_no_bound_many_times_their_record(term: str) -> None:
    """HN terms near zero (a month without a posting lately): as of 2024-05, Celery (never above
    2.02% of postings) had a 24-month upper 80% bound of 17.5%."""
    y, total = _hn_term(term)
    r = analyse(y, total, "share", horizon=24)
    for lv in backtest.LEVELS:
        assert r.bounds[f"upper_{lv}"].max() <= series.SPARSE_CAP * _recent_record(y) * (1 + 1e-9)


@pytest.mark.integration
def test_a_collapsed_hn_term_is_bounded_by_its_recent_record_not_its_old_peak() -> None:
    """Objective-C: 6.3% of postings in 2011, at most about 1% in its last three years; its
    12-month upper 95% bound was 9.2% under the all-time record."""
    y, total = _hn_term("Objective-C")
    recent = _recent_record(y)
    assert recent < np.nanmax(y) / 4
    r = analyse(y, total, "share", horizon=24)
    assert r.bounds["upper_95"].max() <= series.SPARSE_CAP * recent * (1 + 1e-9)


@pytest.mark.integration
@pytest.mark.parametrize("term", ["Kubernetes", "Svelte"])
def test_origins_before_a_term_existed_do_not_set_the_13_24_band(term: str) -> None:
    """Kubernetes and Svelte were at zero for years before they appeared on HN: origins still at
    (or just after) zero have a model sd of about 0, and their errors must not set the growth
    beyond 12 months (Kubernetes had a 24-month upper 80% bound of 68% against 9% at 12)."""
    y, total = _hn_term(term)
    r = analyse(y, total, "share", horizon=24)
    for lv in backtest.LEVELS:
        up = r.bounds[f"upper_{lv}"]
        assert up[-1] <= 2 * up[backtest.BACKTEST_H - 1], lv


def test_sparse_count_series_is_capped_on_its_own_unit() -> None:
    rng = np.random.default_rng(8)
    y = rng.poisson(0.8, 120).astype(float)
    y[3] = 6.0
    r = analyse(y, None, "count", horizon=24)
    assert r.bounds["upper_95"].max() <= series.SPARSE_CAP * _recent_record(y) * (1 + 1e-9)


def test_a_dense_series_is_not_capped_at_its_record() -> None:
    """No zero month lately: a rising share is forecast beyond its record, without the cap."""
    t = np.arange(120)
    y = 0.5 * np.exp(0.03 * t + np.random.default_rng(1).normal(0, 0.05, 120))
    r = analyse(y, None, "share", horizon=24)
    assert not any(n.startswith("sparse_cap=") for n in r.notes)
    assert r.bounds["upper_95"][-1] > 1.5 * y.max()


def test_long_band_grows_with_the_errors_beyond_12_months() -> None:
    """Errors at 13-24 months twice as large (relative to the model sd) as at 7-12 months widen
    the 13-24 multiplier; errors of the same size leave it at the 7-12 multiplier."""
    rng = np.random.default_rng(0)
    origins = np.repeat(np.arange(20), 18)
    h_idx = np.tile(np.arange(6, 24), 20)
    base = rng.normal(0, 1, origins.size)
    for lv in backtest.LEVELS:
        # the 7-12 multiplier the band's own errors give
        q = np.full(backtest.BACKTEST_H, backtest.calibrated_quantile(base[h_idx < 12], 20, lv))
        same = backtest.long_growth(q, base, h_idx, origins, lv)
        grown = backtest.long_growth(q, np.where(h_idx >= 12, 2 * base, base), h_idx, origins, lv)
        assert 1.0 <= same < 1.15
        assert grown > 1.5
    # no errors beyond 12 months (a short history): the extrapolation of the bands alone
    short = h_idx < 12
    q_up = np.concatenate([np.full(6, 1.0), np.full(6, 1.2)])
    assert backtest.long_growth(q_up, base[short], h_idx[short], origins[short], 80) == (
        pytest.approx(backtest.long_prior(q_up) / 1.2))


def _drifting(n: int, seed: int) -> np.ndarray:
    """A share whose logit level drifts in long swings: errors grow faster than the model sd."""
    rng = np.random.default_rng(seed)
    slope = np.repeat(rng.normal(0, 0.03, n // 24 + 1), 24)[:n]
    z = -3 + np.cumsum(slope) + rng.normal(0, 0.1, n)
    return 100 / (1 + np.exp(-z))


def test_choice_multipliers_cover_the_published_horizon_and_never_shrink_beyond_12() -> None:
    prep = prepare(_drifting(132, 3), None, "share")
    origins = backtest.backtest_origins(prep.z.size)
    for width, size in ((12, backtest.BACKTEST_H), (24, backtest.LONG_H)):
        paths = fast.candidate_paths(prep.z, origins, width)
        choice = backtest.choose(prep, origins, paths)
        for lv in backtest.LEVELS:
            q = choice.q[lv]
            assert q.size == size and np.all(np.isfinite(q))
            assert np.all(q[backtest.BACKTEST_H:] >= q[backtest.BACKTEST_H - 1])
    # one growth for both levels: the 80/95 ratio of the 7-12 band holds beyond it
    ratio = choice.q[95] / choice.q[80]
    assert ratio[-1] == pytest.approx(ratio[backtest.BACKTEST_H - 1])



def test_lower_side_widens_when_errors_beyond_12_months_fell_short() -> None:
    """Errors beyond 12 months mostly below the forecast widen the lower side of the 13-24 band
    (the HN misses at 24 months were low-side: forecasts above a broad decline of term shares);
    symmetric or high-side errors leave it alone, and so do too few errors or errors at 7-12
    months only."""
    rng = np.random.default_rng(4)
    origins = np.repeat(np.arange(20), 18)
    h_idx = np.tile(np.arange(6, 24), 20)
    sym = rng.normal(0, 1, origins.size)
    q_long = backtest.calibrated_quantile(sym[h_idx >= 12], 10, 80)
    assert backtest.long_low_side(sym, h_idx, origins, q_long) < 1.1
    below = np.where(h_idx >= 12, sym - 0.6, sym)  # actuals fell short of the forecast
    low = backtest.long_low_side(below, h_idx, origins, q_long)
    assert 1.15 < low < backtest.LOW_SIDE_MAX
    above = np.where(h_idx >= 12, sym + 0.6, sym)
    assert backtest.long_low_side(above, h_idx, origins, q_long) == 1.0
    # shrunk towards symmetry: fewer origins move it less
    few = origins >= 17
    assert 1.0 < backtest.long_low_side(below[few], h_idx[few], origins[few], q_long) < low
    # held within LOW_SIDE_MAX however lopsided
    extreme = np.where(h_idx >= 12, sym - 50, sym)
    assert backtest.long_low_side(extreme, h_idx, origins, q_long) == backtest.LOW_SIDE_MAX
    short = h_idx < 12
    assert backtest.long_low_side(below[short], h_idx[short], origins[short], q_long) == 1.0
    assert backtest.long_low_side(below[:9] - 9, np.full(9, 12), np.zeros(9, int), q_long) == 1.0


def test_lower_side_moves_only_the_lower_bounds_beyond_12_months(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The band moves down at 13-24 months only — lower bounds lower, upper bounds no higher —
    while horizons 1-12, the point forecast and the verdict's evidence are those of symmetric
    bounds."""
    y = _drifting(132, 3)
    monkeypatch.setattr(backtest, "long_low_side", lambda *a: 1.0)
    sym = analyse(y, None, "share", horizon=24)
    monkeypatch.setattr(backtest, "long_low_side", lambda *a: 1.4)
    wide = analyse(y, None, "share", horizon=24)
    np.testing.assert_allclose(wide.mean, sym.mean)
    for lv in backtest.LEVELS:
        lo, up = f"lower_{lv}", f"upper_{lv}"
        np.testing.assert_allclose(wide.bounds[lo][:12], sym.bounds[lo][:12])
        np.testing.assert_allclose(wide.bounds[up][:12], sym.bounds[up][:12])
        assert np.all(wide.bounds[lo][12:] < sym.bounds[lo][12:])
        assert np.all(wide.bounds[up][12:] <= sym.bounds[up][12:] + 1e-12)
        assert np.any(wide.bounds[up][12:] < sym.bounds[up][12:])
    assert np.all(wide.bounds["lower_95"] <= wide.bounds["lower_80"] + 1e-12)
    assert np.all(wide.bounds["upper_80"] <= wide.bounds["upper_95"] + 1e-12)
    assert np.all(wide.bounds["lower_80"] <= wide.mean) and np.all(wide.mean <= wide.bounds["upper_80"])
    assert wide.evidence.growth_lo80 == sym.evidence.growth_lo80
    assert wide.evidence.growth_hi80 == sym.evidence.growth_hi80
