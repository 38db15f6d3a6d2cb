"""Trend evidence: modified Mann-Kendall test, Benjamini-Hochberg q-values, half-life, changepoint.

References:
    Hamed, K. H. & Rao, A. R. (1998). A modified Mann-Kendall trend test for autocorrelated data.
    Journal of Hydrology 204, 182-196. (Variance of S inflated by the effective-sample-size
    factor from the significant autocorrelations of the ranks of the Sen-detrended series.)
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57, 289-300.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats
from statsmodels.genmod import families
from statsmodels.genmod.generalized_linear_model import GLM
from statsmodels.stats.multitest import multipletests
from statsmodels.tools.sm_exceptions import PerfectSeparationError

_Z975 = float(stats.norm.ppf(0.975))


@dataclass(frozen=True)
class TrendTest:
    """Modified Mann-Kendall result: ``p_value`` (two-sided), Sen's ``slope`` per month, the
    variance-inflation factor ``n/n*`` (>= 1) used to widen other standard errors too."""

    p_value: float
    slope: float
    z: float
    inflation: float


def mann_kendall(x: np.ndarray) -> TrendTest:
    """Hamed-Rao modified Mann-Kendall test on ``x`` (numpy, O(n²); n is a few dozen here)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    if n < 4 or np.ptp(x) <= 1e-12:
        return TrendTest(1.0, 0.0, 0.0, 1.0)
    i, j = np.triu_indices(n, 1)
    s = float(np.sign(x[j] - x[i]).sum())
    _, counts = np.unique(x, return_counts=True)
    ties = counts[counts > 1].astype(float)
    var_s = (n * (n - 1) * (2 * n + 5) - float((ties * (ties - 1) * (2 * ties + 5)).sum())) / 18.0
    slope = float(np.median((x[j] - x[i]) / (j - i)))
    detrended = x - slope * np.arange(n)
    ranks = stats.rankdata(detrended)
    r = ranks - ranks.mean()
    denom = float(r @ r)
    factor = 1.0
    if denom > 0:
        full = np.correlate(r, r, mode="full")[n:] / denom  # lags 1..n-1
        lags = np.arange(1, n)
        sig = np.abs(full) > _Z975 / math.sqrt(n)
        k = lags[sig]
        total = float(((n - k) * (n - k - 1) * (n - k - 2) * full[sig]).sum())
        factor = max(1.0, 1.0 + 2.0 / (n * (n - 1) * (n - 2)) * total)
    var_s *= factor
    if var_s <= 0:
        return TrendTest(1.0, slope, 0.0, factor)
    z = (s - math.copysign(1.0, s)) / math.sqrt(var_s) if s != 0 else 0.0
    p = float(2.0 * stats.norm.sf(abs(z)))
    return TrendTest(min(1.0, p), slope, z, factor)


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """BH-adjusted q-values (statsmodels ``multipletests``, ``fdr_bh``; NaN stays NaN)."""
    p = np.asarray(p, dtype=float)
    q = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if not ok.any():
        return q
    q[ok] = multipletests(p[ok], method="fdr_bh")[1]
    return q


@dataclass(frozen=True)
class CountTrend:
    """Trend of mention counts from a GLM: ``slope`` per month on the log-odds (binomial, with
    the month's postings) or log (Poisson) scale, its robust standard error ``se`` and the
    two-sided ``p_value``; ``mentions_rate``: mean mentions per month over the last
    ``VOLUME_MONTHS`` observed months; ``mentions_12m``: mentions over the last 12 months."""

    p_value: float
    slope: float
    se: float
    mentions_rate: float
    mentions_12m: float


VOLUME_MONTHS = 6


def count_trend(counts: np.ndarray, exposure: np.ndarray | None) -> CountTrend:
    """Log-linear trend of monthly mention counts (statsmodels GLM).

    With ``exposure`` (postings that month) a binomial GLM of mentions out of postings, else a
    Poisson GLM. Standard errors are heteroskedasticity-and-autocorrelation robust (HAC sandwich,
    Newey-West lags ``floor(4 (n/100)^(2/9))``, small-sample corrected, t reference): they absorb
    over-dispersion (mentions cluster by employer and month) and serial correlation, so a count
    series is not "significant" just because it has many postings. Months without a count
    (NaN) are left out. No mention at all, or every posting a mention: p = 1 (no trend to test).
    """
    k = np.asarray(counts, dtype=float)
    ok = np.isfinite(k)
    if exposure is not None:
        e = np.asarray(exposure, dtype=float)
        ok &= np.isfinite(e) & (e > 0)
    t = np.arange(k.size, dtype=float)
    kk = np.maximum(k[ok], 0.0)
    recent = kk[-VOLUME_MONTHS:]
    rate = float(recent.mean()) if recent.size else math.nan
    last12 = k[-12:]
    m12 = float(np.nansum(np.maximum(last12, 0.0)))
    n = int(ok.sum())
    nothing = CountTrend(1.0, 0.0, math.inf, rate, m12)
    if n < 6 or kk.sum() <= 0:
        return nothing
    X = np.column_stack([np.ones(n), (t[ok] - t[ok].mean()) / 12.0])
    lags = max(1, int(4 * (n / 100.0) ** (2.0 / 9.0)))
    if exposure is not None:
        ee = np.maximum(np.asarray(exposure, dtype=float)[ok], kk)
        if np.all(kk >= ee):
            return nothing
        model = GLM(np.column_stack([kk, ee - kk]), X, family=families.Binomial())
    else:
        model = GLM(kk, X, family=families.Poisson())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True},
                            use_t=True)
        b, se = float(fit.params[1]) / 12.0, float(fit.bse[1]) / 12.0
        p = float(fit.pvalues[1])
    except (ValueError, np.linalg.LinAlgError, PerfectSeparationError):
        return nothing
    if not (math.isfinite(b) and math.isfinite(se) and math.isfinite(p)):
        return nothing
    return CountTrend(min(1.0, p), b, se, rate, m12)


@dataclass(frozen=True)
class HalfLife:
    """Months for demand to halve on the fitted log-linear decay, with a 95% interval
    (``upper`` is inf when the slope's interval reaches zero). None fields when not decaying."""

    months: float | None
    lower: float | None
    upper: float | None
    slope: float


def half_life(log_y: np.ndarray, inflation: float = 1.0) -> HalfLife:
    """OLS of log demand on time; half-life ``ln 2 / -slope`` when the slope is negative.

    The slope's standard error is multiplied by ``sqrt(inflation)`` (the Mann-Kendall
    autocorrelation factor) so serial correlation does not make the interval falsely narrow.
    """
    y = np.asarray(log_y, dtype=float)
    n = y.size
    if n < 3 or np.ptp(y) <= 1e-12:
        return HalfLife(None, None, None, 0.0)
    t = np.arange(n, dtype=float)
    tc = t - t.mean()
    sxx = float(tc @ tc)
    slope = float(tc @ (y - y.mean()) / sxx)
    resid = y - y.mean() - slope * tc
    se = math.sqrt(float(resid @ resid) / (n - 2) / sxx) * math.sqrt(max(inflation, 1.0))
    crit = float(stats.t.ppf(0.975, n - 2))
    lo_s, hi_s = slope - crit * se, slope + crit * se
    if slope >= 0:
        return HalfLife(None, None, None, slope)
    ln2 = math.log(2.0)
    return HalfLife(ln2 / -slope, ln2 / -lo_s, (ln2 / -hi_s) if hi_s < 0 else math.inf, slope)


def ols_slope(log_y: np.ndarray, inflation: float = 1.0) -> tuple[float, float]:
    """OLS slope of ``log_y`` on time and its standard error, inflated by ``sqrt(inflation)``
    (the Mann-Kendall autocorrelation factor). (0, inf) when there is nothing to fit."""
    y = np.asarray(log_y, dtype=float)
    n = y.size
    if n < 3 or np.ptp(y) <= 1e-12:
        return 0.0, math.inf
    tc = np.arange(n, dtype=float) - (n - 1) / 2.0
    sxx = float(tc @ tc)
    slope = float(tc @ (y - y.mean()) / sxx)
    resid = y - y.mean() - slope * tc
    se = math.sqrt(float(resid @ resid) / (n - 2) / sxx) * math.sqrt(max(inflation, 1.0))
    return slope, se


def quadratic_t(y: np.ndarray, inflation: float = 1.0) -> float:
    """t statistic of the quadratic term of an OLS fit ``y ~ 1 + t + t²`` (acceleration > 0)."""
    y = np.asarray(y, dtype=float)
    n = y.size
    if n < 6 or np.ptp(y) <= 1e-12:
        return 0.0
    t = np.linspace(-1.0, 1.0, n)
    X = np.column_stack([np.ones(n), t, t * t])
    coef, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ coef
    s2 = float(resid @ resid) / (n - 3)
    cov = s2 * np.linalg.inv(X.T @ X) * max(inflation, 1.0)
    se = math.sqrt(max(float(cov[2, 2]), 1e-300))
    return float(coef[2] / se)


def trailing_mean(y: np.ndarray, window: int = 12) -> np.ndarray:
    """Trailing ``window``-month means (the first ``window-1`` months use what exists)."""
    c = np.cumsum(np.concatenate([[0.0], y]))
    idx = np.arange(1, y.size + 1)
    start = np.maximum(idx - window, 0)
    return (c[idx] - c[start]) / (idx - start)
