"""Vectorised candidate forecasters evaluated at many forecast origins in one pass (numpy only).

Why this exists: a statsmodels ``ETSModel`` fit costs ~21 ms; refitting every candidate at every
backtest origin and window would cost seconds per series. Here one exponential-smoothing filter
runs over *all* parameter sets of a grid at once (columns of a matrix). With an expanding window
all origins share the same start, so one pass gives every origin its in-sample sum of squared
one-step errors (the cumulative SSE up to the origin) and its states: the maximum-likelihood
choice of parameters on the grid at each origin is an ``argmin`` — a genuine refit per origin,
with no look-ahead, at the price of a filter pass. Windowed variants (last ``W`` months) run one
pass per window length over all origins at once.

Models (all on the modelling scale, additive errors, Hyndman et al. 2008 class-1 variances):

* ``ets``: damped additive trend ETS(A,Ad,N) — ``l_t = l_{t-1} + φ b_{t-1} + α e_t``,
  ``b_t = φ b_{t-1} + β e_t``; forecast ``l_T + (φ + … + φ^h) b_T``; variance
  ``σ² (1 + Σ_{j<h} (α + β φ (1-φ^j)/(1-φ))²)``. The same equations and parametrisation as
  statsmodels ``ETSModel(error="add", trend="add", damped_trend=True)``; the grid replaces the
  continuous optimiser and the initial states are heuristic (first value, mean first slope).
* ``theta``: the standard Theta method (θ = 2) in closed form: SES forecast plus half the OLS
  slope times ``h - 1 + 1/α - (1-α)^T/α`` (as statsmodels ``ThetaModel`` without
  deseasonalising); SES variance ``σ² (1 + α² (h-1))``.
* ``ses``: simple exponential smoothing, level only (no trend, no drift) — the Theta method's
  SES line without its drift, with the SES variance. On long histories whose trends come and
  go it is the candidate that does not extrapolate a slope that has already ended.
* ``trend_w36``: a straight line (on the modelling scale) fitted by OLS to the last 36 months,
  extrapolated, with the OLS prediction variance — the candidate that carries a persistent
  regime (a steady decline) when the backtest says it forecasts well.
* ``median``: a robust level, flat — the exponentially weighted median (weight ``(1-α)^lag``)
  of the last ``MEDIAN_LOOKBACK`` months, each month first carried to today along the
  Theil-Sen slope of the last ``TREND_WINDOW`` months (``z[t-lag] + lag·b``), so the level does
  not lag a trend; the forecast does not extrapolate it. The point forecast that minimises the
  absolute error of a locally constant level; unlike a mean of log values it does not depend on
  the zero offset (a series that is zero in most months has a zero Sen slope), so such a series
  is forecast near its typical month, not pulled towards the offset. ``α`` is chosen per origin
  from ``MEDIAN_ALPHAS`` by the in-sample absolute error at horizons 1..``MEDIAN_SELECT_H``
  (targets up to the origin only: a level for a year ahead, not the month-to-month tracker a
  one-step fit picks); variance as SES, ``σ² (1 + α² (h-1))``, ``σ²`` the in-sample one-step
  mean squared error.
* ``naive`` (random walk, ``σ √h``) and ``seasonal_naive`` (period 12, ``σ_12 √⌈h/12⌉``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from skillpulse.data import statuses

SEASON = 12
ALPHAS = np.array([0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95])
BETA_RATIOS = np.array([0.01, 0.05, 0.15, 0.4])
PHIS = np.array([0.8, 0.9, 0.95, 0.98])
SES_ALPHAS = np.array([0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
INIT_SLOPE_STEPS = 6
TREND_WINDOW = statuses.TREND_WINDOW  # the trend test's window, quoted in half-life sentences
SMOOTHERS = ("ets", "theta", "ses")
MEDIAN_ALPHAS = np.array([0.05, 0.1, 0.15, 0.2, 0.3, 0.45, 0.6])
MEDIAN_LOOKBACK = 60
MEDIAN_SELECT_H = 12


def _grid() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    a, r, p = np.meshgrid(ALPHAS, BETA_RATIOS, PHIS, indexing="ij")
    ets_a, ets_b, ets_p = a.ravel(), (a * r).ravel(), p.ravel()
    k_ses = SES_ALPHAS.size
    alpha = np.concatenate([ets_a, SES_ALPHAS])
    beta = np.concatenate([ets_b, np.zeros(k_ses)])
    phi = np.concatenate([ets_p, np.ones(k_ses)])
    trend = np.concatenate([np.ones(ets_a.size), np.zeros(k_ses)])
    return alpha, beta, phi, trend


GRID_ALPHA, GRID_BETA, GRID_PHI, GRID_TREND = _grid()
N_ETS = ALPHAS.size * BETA_RATIOS.size * PHIS.size
ETS_COLS = slice(0, N_ETS)
SES_COLS = slice(N_ETS, GRID_ALPHA.size)


@dataclass
class Paths:
    """Forecasts of one candidate at every origin: ``mean`` and ``sd`` of shape (origins, H)."""

    mean: np.ndarray
    sd: np.ndarray


def _filter(Z: np.ndarray, record: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the smoothing recursion on rows of ``Z`` (m, L) for every grid column.

    Returns level, slope and SSE recorded after steps ``record`` (indices into 0..L-1), each of
    shape (len(record), m, K).
    """
    m, length = Z.shape
    k = min(INIT_SLOPE_STEPS, max(1, length - 1))
    level = np.repeat(Z[:, :1], GRID_ALPHA.size, axis=1)
    b0 = (Z[:, k] - Z[:, 0]) / k if length > 1 else np.zeros(m)
    slope = b0[:, None] * GRID_TREND[None, :]
    sse = np.zeros((m, GRID_ALPHA.size))
    out_l = np.empty((record.size, m, GRID_ALPHA.size))
    out_b = np.empty_like(out_l)
    out_s = np.empty_like(out_l)
    want = {int(r): i for i, r in enumerate(record)}
    alpha, beta, phi = GRID_ALPHA[None, :], GRID_BETA[None, :], GRID_PHI[None, :]
    if 0 in want:
        i = want[0]
        out_l[i], out_b[i], out_s[i] = level, slope, sse
    for t in range(1, length):
        damped = phi * slope
        fc = level + damped
        err = Z[:, t:t + 1] - fc
        level = fc + alpha * err
        slope = damped + beta * err
        sse += err * err
        if t in want:
            i = want[t]
            out_l[i], out_b[i], out_s[i] = level, slope, sse
    return out_l, out_b, out_s


def _ets_forecast(level: np.ndarray, slope: np.ndarray, sigma2: np.ndarray, cols: np.ndarray,
                  H: int) -> Paths:
    """Damped-trend forecasts for chosen grid columns (one per origin)."""
    a, b, p = GRID_ALPHA[cols], GRID_BETA[cols], GRID_PHI[cols]
    h = np.arange(1, H + 1)[None, :]
    pp = p[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        cum = np.where(pp < 1.0, pp * (1 - pp ** h) / (1 - pp), h.astype(float))
    mean = level[:, None] + slope[:, None] * cum
    # c_j for j = 1..H-1 (the first step has no c term)
    j = np.arange(1, H)[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        cj = a[:, None] + b[:, None] * np.where(pp < 1.0, pp * (1 - pp ** j) / (1 - pp), j.astype(float))
    var_mult = np.concatenate([np.ones((cols.size, 1)), 1 + np.cumsum(cj * cj, axis=1)], axis=1)
    return Paths(mean=mean, sd=np.sqrt(sigma2[:, None] * var_mult))


def _theta_forecast(level: np.ndarray, sigma2: np.ndarray, cols: np.ndarray, b0: np.ndarray,
                    n_train: np.ndarray, H: int) -> Paths:
    a = GRID_ALPHA[cols]
    h = np.arange(1, H + 1)[None, :]
    drift = h - 1 + 1 / a[:, None] - ((1 - a[:, None]) ** n_train[:, None]) / a[:, None]
    mean = level[:, None] + 0.5 * b0[:, None] * drift
    sd = np.sqrt(sigma2[:, None] * (1 + a[:, None] ** 2 * (h - 1)))
    return Paths(mean=mean, sd=sd)


def _ols_slopes(z: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """OLS slope of z on time over [start, end] (inclusive) for each pair, via cumulative sums."""
    t = np.arange(z.size, dtype=float)
    c0 = np.concatenate([[0.0], np.cumsum(np.ones_like(z))])
    c1 = np.concatenate([[0.0], np.cumsum(t)])
    c2 = np.concatenate([[0.0], np.cumsum(t * t)])
    cz = np.concatenate([[0.0], np.cumsum(z)])
    ctz = np.concatenate([[0.0], np.cumsum(t * z)])
    e = ends + 1
    n = c0[e] - c0[starts]
    st, stt = c1[e] - c1[starts], c2[e] - c2[starts]
    sz, stz = cz[e] - cz[starts], ctz[e] - ctz[starts]
    den = n * stt - st * st
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, (n * stz - st * sz) / den, 0.0)


def _smoothing_paths(z: np.ndarray, origins: np.ndarray, window: int | None, H: int
                     ) -> tuple[Paths, Paths, Paths]:
    """ETS, Theta and SES paths at every origin for one window choice (None = expanding)."""
    n_o = origins.size
    if window is None:
        starts = np.zeros(n_o, dtype=int)
        lv, sl, ss = _filter(z[None, :], origins)
        lv, sl, ss = lv[:, 0, :], sl[:, 0, :], ss[:, 0, :]
    else:
        starts = np.maximum(origins - window + 1, 0)
        length = int((origins - starts).min()) + 1
        starts = origins - length + 1
        idx = starts[:, None] + np.arange(length)[None, :]
        lv, sl, ss = _filter(z[idx], np.array([length - 1]))
        lv, sl, ss = lv[0], sl[0], ss[0]
    steps = (origins - starts).astype(float)
    steps = np.maximum(steps, 1.0)
    rows = np.arange(n_o)
    e_col = np.argmin(ss[:, ETS_COLS], axis=1)
    s_col = np.argmin(ss[:, SES_COLS], axis=1) + N_ETS
    ets = _ets_forecast(lv[rows, e_col], sl[rows, e_col], ss[rows, e_col] / steps, e_col, H)
    b0 = _ols_slopes(z, starts, origins)
    n_train = (origins - starts + 1).astype(float)
    s_level, s_var = lv[rows, s_col], ss[rows, s_col] / steps
    theta = _theta_forecast(s_level, s_var, s_col, b0, n_train, H)
    ses = _theta_forecast(s_level, s_var, s_col, np.zeros_like(b0), n_train, H)
    return ets, theta, ses


def _trend_paths(z: np.ndarray, origins: np.ndarray, window: int, H: int) -> Paths:
    """Log-linear trend fitted by OLS over the last ``window`` months, extrapolated; OLS
    prediction variance ``s² (1 + 1/n + (t - t̄)² / Sxx)``."""
    starts = np.maximum(origins - window + 1, 0)
    n = (origins - starts + 1).astype(float)
    slope = _ols_slopes(z, starts, origins)
    cz = np.concatenate([[0.0], np.cumsum(z)])
    czz = np.concatenate([[0.0], np.cumsum(z * z)])
    sz = cz[origins + 1] - cz[starts]
    szz = czz[origins + 1] - czz[starts]
    tbar = (starts + origins) / 2.0
    zbar = sz / n
    sxx = n * (n * n - 1) / 12.0
    syy = szz - n * zbar * zbar
    rss = np.maximum(syy - slope * slope * sxx, 0.0)
    s2 = rss / np.maximum(n - 2, 1)
    h = np.arange(1, H + 1)[None, :]
    tf = origins[:, None] + h
    mean = zbar[:, None] + slope[:, None] * (tf - tbar[:, None])
    sd = np.sqrt(s2[:, None] * (1 + 1 / n[:, None] + (tf - tbar[:, None]) ** 2 / sxx[:, None]))
    return Paths(mean=mean, sd=sd)


def _naive_paths(z: np.ndarray, origins: np.ndarray, H: int) -> tuple[Paths, Paths]:
    h = np.arange(1, H + 1)[None, :]
    d1 = np.diff(z)
    c1 = np.concatenate([[0.0], np.cumsum(d1 * d1)])
    n1 = np.maximum(origins, 1).astype(float)
    sig1 = np.sqrt(c1[origins] / n1)
    naive = Paths(mean=np.repeat(z[origins][:, None], H, axis=1), sd=sig1[:, None] * np.sqrt(h))
    if z.size > SEASON:
        d12 = z[SEASON:] - z[:-SEASON]
        c12 = np.concatenate([[0.0], np.cumsum(d12 * d12)])
        n12 = np.maximum(origins - SEASON + 1, 0)
        sig12 = np.where(n12 > 0, np.sqrt(c12[np.maximum(n12, 0)] / np.maximum(n12, 1)), sig1)
    else:
        n12 = np.zeros_like(origins)
        sig12 = sig1
    lag = origins[:, None] - SEASON + 1 + (h - 1) % SEASON
    ok = (n12 > 0)[:, None] & (lag >= 0)
    smean = np.where(ok, z[np.clip(lag, 0, z.size - 1)], z[origins][:, None])
    ssd = np.where(ok, sig12[:, None] * np.sqrt(np.ceil(h / SEASON)), sig1[:, None] * np.sqrt(h))
    return naive, Paths(mean=smean, sd=ssd)


def sen_slopes(z: np.ndarray, window: int = TREND_WINDOW) -> np.ndarray:
    """``out[t]``: Theil-Sen slope (median of pairwise slopes) of ``z[t-window+1 .. t]``;
    0 with fewer than 3 months."""
    n = z.size
    pad = np.concatenate([np.full(window - 1, np.nan), z])
    win = sliding_window_view(pad, window)                      # (n, window), oldest first
    i, j = np.triu_indices(window, 1)
    slopes = (win[:, j] - win[:, i]) / (j - i)
    ok = np.isfinite(slopes)
    slopes = np.where(ok, slopes, np.inf)
    cnt = ok.sum(axis=1)
    srt = np.sort(slopes, axis=1)
    rows = np.arange(n)
    lo = srt[rows, np.maximum((cnt - 1) // 2, 0)]
    hi = srt[rows, np.maximum(cnt // 2, 0)]
    return np.where(cnt >= 3, (lo + hi) / 2, 0.0)


def weighted_medians(z: np.ndarray, slopes: np.ndarray | None = None,
                     alphas: np.ndarray = MEDIAN_ALPHAS,
                     lookback: int = MEDIAN_LOOKBACK) -> np.ndarray:
    """``out[a, t]``: median of ``z[t-lag] + lag * slopes[t]`` over lags ``0..lookback-1``,
    weighted ``(1-alphas[a])^lag`` — the level at ``t`` (``slopes`` None: plain values).

    One sort per month serves every ``α`` (the order does not depend on the weights).
    """
    n = z.size
    pad = np.concatenate([np.full(lookback - 1, np.nan), z])
    win = sliding_window_view(pad, lookback)[:, ::-1]          # (n, lookback), lag 0 first
    if slopes is not None:
        win = win + slopes[:, None] * np.arange(lookback)[None, :]
    order = np.argsort(np.where(np.isnan(win), np.inf, win), axis=1, kind="stable")
    vals = np.take_along_axis(win, order, axis=1)
    w = (1.0 - alphas[:, None, None]) ** order[None, :, :]      # (A, n, lookback)
    w = np.where(np.isnan(vals)[None], 0.0, w)
    cw = np.cumsum(w, axis=2)
    idx = (cw < cw[:, :, -1:] / 2).sum(axis=2)                  # first point past half the weight
    vals_a = np.broadcast_to(vals, (alphas.size, n, lookback))
    return np.take_along_axis(vals_a, idx[:, :, None], axis=2)[:, :, 0]


def _median_paths(z: np.ndarray, origins: np.ndarray, H: int) -> Paths:
    """The ``median`` candidate at every origin (see the module doc)."""
    wm = weighted_medians(z, sen_slopes(z))                     # level at t, forecast from t
    n_a = MEDIAN_ALPHAS.size
    # loss[a, s]: absolute errors of the forecasts whose target month is s (h = 1..SELECT_H)
    loss = np.zeros((n_a, z.size))
    for lag in range(1, min(MEDIAN_SELECT_H, z.size - 1) + 1):
        loss[:, lag:] += np.abs(z[lag:][None, :] - wm[:, :-lag])
    at = np.argmin(np.cumsum(loss, axis=1)[:, origins], axis=0)
    e1 = (z[1:][None, :] - wm[:, :-1]) ** 2
    c1 = np.concatenate([np.zeros((n_a, 1)), np.cumsum(e1, axis=1)], axis=1)
    sigma2 = c1[at, origins] / np.maximum(origins, 1)
    h = np.arange(1, H + 1)[None, :]
    a = MEDIAN_ALPHAS[at][:, None]
    mean = np.repeat(wm[at, origins][:, None], H, axis=1)
    return Paths(mean=mean, sd=np.sqrt(sigma2[:, None] * (1 + a * a * (h - 1))))


def candidate_paths(z: np.ndarray, origins: np.ndarray, H: int,
                    windows: tuple[int | None, ...] = (None, 60, 36)) -> dict[str, Paths]:
    """Every candidate's forecasts (modelling scale) from every origin.

    Args:
        z: the prepared series (no NaN).
        origins: indices of the last training month, ascending (the final fit is ``len(z)-1``).
        H: horizons 1..H.
        windows: fitting windows of the smoothing models (None = all history). A window not
            shorter than the history at an origin is the expanding fit itself.

    Returns:
        ``{name: Paths}`` with names ``naive``, ``seasonal_naive``, ``trend_w36``, ``median``,
        ``ets``, ``theta``, ``ses`` and ``ets_w60``, ``theta_w60``, ``ses_w60``… for windows.
    """
    origins = np.asarray(origins, dtype=int)
    naive, snaive = _naive_paths(z, origins, H)
    out = {"naive": naive, "seasonal_naive": snaive,
           f"trend_w{TREND_WINDOW}": _trend_paths(z, origins, TREND_WINDOW, H),
           "median": _median_paths(z, origins, H)}
    full = dict(zip(SMOOTHERS, _smoothing_paths(z, origins, None, H), strict=True))
    out.update(full)
    for w in windows:
        if w is None:
            continue
        use = origins + 1 > w
        if not use.any():
            out.update({f"{k}_w{w}": full[k] for k in SMOOTHERS})
            continue
        part = dict(zip(SMOOTHERS, _smoothing_paths(z, origins[use], w, H), strict=True))
        for k in SMOOTHERS:
            mean, sd = full[k].mean.copy(), full[k].sd.copy()
            mean[use], sd[use] = part[k].mean, part[k].sd
            out[f"{k}_w{w}"] = Paths(mean, sd)
    return out
