"""Rolling-origin backtest, per-series choice of the headline combination, interval calibration.

* **Origins.** Expanding window; up to ``N_ORIGINS`` (40) origins every ``ORIGIN_STEP`` months back
  from the last month (so up to ten years are tested), each scored on horizons
  ``1..min(12, months left)``, keeping at least ``MIN_TRAIN`` months of training. A long record
  matters: ten origins over the last 30 months judged a trend by the one regime that produced
  it, and a rise that had held for three years was extrapolated just as it ended.
* **MASE.** Absolute errors in the published unit of the analysed quantity, scaled per origin
  by the in-sample MAE of the seasonal naive forecast (period 12) of the training data; the
  naive (lag 1) MAE when the training data holds fewer than two seasons or the seasonal MAE is 0.
* **Coverage.** Share of backtest actuals inside the 80% / 95% interval (modelling scale).
* **Headline.** Every candidate and every equal-weight pair is scored by the mean absolute
  backtest error on the modelling scale (log / logit: scale-free, every origin weighs the same;
  the MASE's per-origin scale is degenerate for a series that sat at zero for years and would
  let one origin decide). The best pair is the challenger unless a single candidate beats it by
  more than ``SINGLE_MARGIN`` (10%). The default is ``DEFAULT_MEMBERS`` — the robust level
  (``median``, the ``ANCHOR``) with Theta on the last 36 months (a trend shrunk to a quarter of
  the recent OLS slope) — or, for an *intermittent* series, ``INTERMITTENT_MEMBERS`` (the
  robust level alone): average interval between non-zero months of at least
  ``INTERMITTENT_ADI`` = 1.32 over the last ``INTERMITTENT_WINDOW`` months (the Syntetos-Boylan
  cut-off), where smoothing log values mostly measures the zero offset. Pairs of the anchor with
  anything but the default's partner are not challengers (they would be another hedge of the
  same level). The challenger replaces the default only when it is **consistently** better:
  the per-origin loss differences have a paired t statistic above ``CONSISTENCY_T`` (1.645,
  one-sided 5%; Newey-West variance over ``HAC_LAGS`` = 4 origins, since 12-month horizons
  from origins 3 months apart overlap) — a few lucky origins do not make a mean win — and it is
  no worse than the default over the last ``RECENT_ORIGINS`` (10) origins, so a record won in
  an earlier regime (years of rise before today's plateau) does not overrule the current one.
  A steady trend wins that test and keeps its slope. With fewer than 4 origins (histories under
  about three years) there is no such evidence and the default stands.
  Rationale, measured out of sample on the real HN histories (``bench/bench_forecast_accuracy``,
  mean MASE relative to naive): free choice among pairs over ten origins was 4.6% better than
  naive; the earlier rule (SES + Theta default, a 15% margin, free choice under a clear
  Mann-Kendall trend, ten origins) 7.7% — trend extrapolation chosen on the last 30 months
  did not hold for the next 12 on real data. The robust level, the intermittent default, the
  40-origin record and the consistency test bring it past 10% while the demo life cycles keep
  their trends (see the README's performance table).
  Members, window and damping (through the window's fitted φ and the ETS/Theta/SES/naive
  choice) therefore follow each series' own track record when that record is decisive.
  The headline's *reported* backtest is leave-one-origin-out: at each origin the combination
  and the interval calibration are chosen from the other origins only, so the published score
  is not the in-sample minimum.
* **Calibration.** The combination's standard deviation is the weighted mean of its members'
  (errors of members are highly correlated; this is the conservative combination). The
  half-width at level L is ``q_L(h) · sd_h``, ``q_L`` a conformal-style quantile of the
  normalised backtest errors ``|e / sd_h|`` of the last ``RECENT_ORIGINS`` origins only (the
  error scale of today's regime: calibrated on all 40 origins, the out-of-sample 80% coverage
  on the HN histories fell to 69%), shrunk towards the Gaussian ``z_L`` with weight
  ``PRIOR_ORIGINS / (origins + PRIOR_ORIGINS)`` because a dozen correlated origins are few (12-
  month horizons from origins 3 months apart overlap: ten origins hold about three independent
  years; ``PRIOR_ORIGINS`` = 8 — with 3, the out-of-sample 80% coverage on the HN histories fell
  to 75%, below nominal by the tolerance, once bounds beyond the clamp shrink proportionally),
  and refined per horizon band (``calibrate``).
* **Beyond 12 months.** Forecasts are published to the run's horizon (24 months by default); the
  backtest scores 1..12, but the candidate paths reach the run's horizon at every origin, so the
  origins with actuals 13..24 months later hold errors beyond the backtest horizon. Model
  variances grow too slowly with the horizon: with the 7-12 multiplier held beyond 12 months the
  95% interval covered 91.5% at 13-24 months and 89.6% at 24 on the HN histories, out of sample.
  The 13-24 band's multiplier (``LONG_BAND``, held beyond ``LONG_H``) is the 7-12 one times a
  growth ``g >= 1`` (``long_growth``): per level, the calibrated quantile of the normalised
  errors at 13-24 months of the ``RECENT_ORIGINS`` latest origins that have them (today's
  regime, as for the bands), shrunk with weight ``PRIOR_ORIGINS / (origins + PRIOR_ORIGINS)``
  towards a prior — the larger of the 4-6 → 7-12 growth continued linearly to the 13-24 band's
  mid-horizon (``long_prior``) and the ratio of the 13-24 to the 7-12 error quantiles over every
  origin with actuals beyond 12 months (the shape of the growth over the whole record, not its
  level; shrunk towards 1 the same way) — over the 7-12 multiplier. Only origins with
  ``MIN_TRAIN`` months since the series first rose above zero count: before that the model sd
  is about 0 and errors in its units are meaningless. One growth, the larger of
  the two levels', widens both levels: the 80/95 ratio of the band holds, so a 95% bound beyond
  the clamp (``models.series``) does not pull the 80% bound in. Without such errors (histories
  under about three years and a half) the prior alone. The published backtest stays horizons
  1..12, leave-one-origin-out; the 13-24 band is checked out of sample by
  ``bench/bench_interval_horizon.py``.
* **Which side beyond 12 months.** The growth alone moved the HN coverage beyond 12 months by a
  fraction of a point (80/95% at 24 months: 74.3/89.6%): those misses are low-side (at 24
  months 17.8% of actuals below the lower 80% bound, 8.0% above the upper one — forecasts above
  the broad decline of term shares after 2018). So the 13-24 band also moves down where a
  series' own long errors fell short of its forecasts (``long_low_side``): the one-sided
  conformal quantiles (90%) of the signed errors of the recent origins, shrunk towards the
  symmetric half-width like the bands, give ``s`` = the lower over their mean, within
  ``[1, LOW_SIDE_MAX]``; the lower half-widths grow by ``s`` and the upper ones shrink by
  ``2 - s``, so the band keeps its calibrated width. An upper bound never widens: widening it
  on the same evidence made Svelte's 24-month upper 95% bound 2.5 times its 12-month one (on
  the log/logit scale a wider upper side is a multiple of the level). Horizons 1..12, the
  point forecast and the verdict's evidence are unchanged. Measured there: HN 76.0/91.2% at
  24 months and 78.4/92.5% at 13-24; the demo's 80% band stays over-covered at 13-24 (86.5%,
  1.5 points beyond the tolerance): its errors are symmetric and the growth is held at 1 or
  more — letting it fall below 1 fixed the demo and cost HN 3 points at 24 months. A run-wide
  calibration from the record would not resolve it: the 13-24 band tested forward in time (each
  origin's band calibrated on the origins before it, pooled over every series of the run)
  covered 86-89% of HN's record at 80% and 79-84% of the demo's — the opposite of what their
  next 24 months gave (HN 72-82%, demo 85-88%).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from scipy import stats
from skillpulse.models.fast import SEASON, Paths
from skillpulse.models.transform import Prepared

N_ORIGINS = 40
ORIGIN_STEP = 3
MIN_TRAIN = 24
BACKTEST_H = 12
PRIOR_ORIGINS = 8.0
RECENT_ORIGINS = 10
BAND_PRIOR = 10.0
SINGLE_MARGIN = 0.10
CONSISTENCY_T = 1.645
HAC_LAGS = BACKTEST_H // ORIGIN_STEP
INTERMITTENT_ADI = 1.32
INTERMITTENT_WINDOW = 24
BANDS = ((0, 3), (3, 6), (6, BACKTEST_H))
LONG_H = 24
LONG_BAND = (BACKTEST_H, LONG_H)
LEVELS = (80, 95)
LOW_SIDE_TAIL = 0.9
LOW_SIDE_MIN_ERRORS = 10
LOW_SIDE_MAX = 1.5
Z = {lv: float(stats.norm.ppf(0.5 + lv / 200)) for lv in LEVELS}


def backtest_origins(n: int, *, n_origins: int = N_ORIGINS, step: int = ORIGIN_STEP,
                     min_train: int = MIN_TRAIN) -> np.ndarray:
    """Backtest origins (index of the last training month), ascending."""
    o = n - 1 - step * np.arange(1, n_origins + 1)
    return np.sort(o[o >= min_train - 1])


def _mase_scale(y: np.ndarray, origins: np.ndarray) -> np.ndarray:
    d12 = np.abs(y[SEASON:] - y[:-SEASON]) if y.size > SEASON else np.zeros(0)
    d1 = np.abs(np.diff(y))
    c12 = np.concatenate([[0.0], np.cumsum(d12)])
    c1 = np.concatenate([[0.0], np.cumsum(d1)])
    out = np.empty(origins.size)
    for k, o in enumerate(origins):
        m12 = o + 1 - SEASON
        s12 = c12[m12] / m12 if (o + 1 >= 2 * SEASON and m12 > 0) else 0.0
        s1 = c1[o] / o if o > 0 else 0.0
        out[k] = s12 if s12 > 0 else s1
    out[~(out > 0)] = np.nan
    return out


def combinations(names: list[str]) -> list[tuple[str, ...]]:
    """Every candidate alone and every equal-weight pair — except pairs with the robust level
    (``ANCHOR``) other than ``DEFAULT_MEMBERS``: the anchor plus a trend is the default's own
    role (a hedge of the trend), so challengers are the alternatives to it, not copies of it."""
    out: list[tuple[str, ...]] = [(n,) for n in names]
    out += [c for c in itertools.combinations(names, 2)
            if ANCHOR not in c or set(c) == set(DEFAULT_MEMBERS)]
    return out


def combine(paths: dict[str, Paths], members: tuple[str, ...]) -> Paths:
    """Equal-weight combination: mean of members' means; sd = mean of members' sds."""
    mean = np.mean([paths[m].mean for m in members], axis=0)
    sd = np.mean([paths[m].sd for m in members], axis=0)
    return Paths(mean=mean, sd=sd)


def _quantile(a: np.ndarray, level: int) -> float:
    """Conformal rank quantile (``ceil((m + 1) L / 100)``-th smallest) of ``|a|``; NaN when
    empty."""
    a = np.abs(a[np.isfinite(a)])
    if a.size == 0:
        return float("nan")
    rank = min(a.size, int(np.ceil((a.size + 1) * level / 100.0)))
    return float(np.partition(a, rank - 1)[rank - 1])


def calibrated_quantile(norm_err: np.ndarray, n_origins: int, level: int,
                        prior: float | None = None) -> float:
    """Conformal-style quantile of ``|e/sd|`` shrunk towards ``prior`` (default: the Gaussian z;
    see module doc)."""
    z = Z[level] if prior is None else prior
    q_emp = _quantile(norm_err, level)
    if not np.isfinite(q_emp) or n_origins <= 0:
        return z
    w = n_origins / (n_origins + PRIOR_ORIGINS)
    return w * q_emp + (1 - w) * z


def calibrate(norm_err: np.ndarray, h_idx: np.ndarray, n_origins: int, level: int) -> np.ndarray:
    """Multipliers of sd per horizon 1..BACKTEST_H: a pooled quantile, refined per horizon band
    (1-3, 4-6, 7-12 months: model variances tend to grow too slowly with the horizon) with
    weight ``m / (m + BAND_PRIOR)`` for a band holding ``m`` errors."""
    pooled = calibrated_quantile(norm_err, n_origins, level)
    out = np.full(BACKTEST_H, pooled)
    for lo, hi in BANDS:
        sel = (h_idx >= lo) & (h_idx < hi)
        m = int(sel.sum())
        if m:
            band = calibrated_quantile(norm_err[sel], n_origins, level)
            w = m / (m + BAND_PRIOR)
            out[lo:hi] = w * band + (1 - w) * pooled
    return out


def long_prior(q: np.ndarray) -> float:
    """The 7-12 band's multiplier extrapolated to the 13-24 band: the growth of the multiplier
    from the 4-6 band's mid-horizon (5) to the 7-12 band's (9.5), continued linearly to the 13-24
    band's (18.5); never below the 7-12 multiplier."""
    mid = [(lo + 1 + hi) / 2 for lo, hi in (BANDS[1], BANDS[2], LONG_BAND)]
    q46, q712 = float(q[BANDS[1][0]]), float(q[BANDS[2][0]])
    return q712 + max(0.0, q712 - q46) * (mid[2] - mid[1]) / (mid[1] - mid[0])


def long_growth(q: np.ndarray, norm_err: np.ndarray, h_idx: np.ndarray, origin: np.ndarray,
                level: int) -> float:
    """Growth of the sd multiplier from the 7-12 band to the 13-24 band at one level (see the
    module doc). ``q``: the multipliers 1..BACKTEST_H (``calibrate``); ``norm_err``: normalised
    errors at horizons 7..LONG_H (``h_idx`` 0-based) of the origins with actuals beyond
    ``BACKTEST_H`` (``origin``: the origin of each)."""
    long = h_idx >= BACKTEST_H
    q712 = float(q[-1])
    if not long.any() or q712 <= 0:
        return max(1.0, long_prior(q) / q712) if q712 > 0 else 1.0
    q_long, q_band = _quantile(norm_err[long], level), _quantile(norm_err[~long], level)
    ratio = q_long / q_band if q_band > 0 and np.isfinite(q_long) else 1.0
    n_all = int(np.unique(origin[long]).size)
    w = n_all / (n_all + PRIOR_ORIGINS)
    prior = max(long_prior(q), q712 * (w * ratio + (1 - w)))
    sel, n_recent = _recent_long(h_idx, origin)
    return max(1.0, calibrated_quantile(norm_err[sel], n_recent, level, prior=prior) / q712)


def _recent_long(h_idx: np.ndarray, origin: np.ndarray) -> tuple[np.ndarray, int]:
    """Which errors are beyond ``BACKTEST_H`` at the ``RECENT_ORIGINS`` latest origins that have
    such errors (today's regime, as for the bands), and how many origins those are."""
    long = h_idx >= BACKTEST_H
    recent_o = np.unique(origin[long])[-RECENT_ORIGINS:]
    return long & np.isin(origin, recent_o), int(recent_o.size)


@dataclass
class Choice:
    """The headline choice for one series and its honest (leave-one-origin-out) backtest."""

    members: tuple[str, ...]
    q: dict[int, np.ndarray]  # multipliers of sd per level, horizons 1..BACKTEST_H (..LONG_H)
    mase: float
    coverage: dict[int, float]
    candidate_mase: dict[str, float]
    candidate_coverage: dict[str, dict[int, float]]
    n_origins: int
    low_side: float = 1.0  # multiplier of the lower half-widths beyond BACKTEST_H


def long_low_side(norm_err: np.ndarray, h_idx: np.ndarray, origin: np.ndarray,
                  q_long: float) -> float:
    """How far the 13-24 band moves down (see the module doc): ``s`` widens its lower side and
    ``2 - s`` narrows its upper side (``models.series``). From the one-sided conformal
    quantiles (``LOW_SIDE_TAIL``) of the signed normalised errors beyond ``BACKTEST_H`` of the
    ``RECENT_ORIGINS`` latest origins that have them, each shrunk towards the symmetric
    half-width ``q_long`` with weight ``origins / (origins + PRIOR_ORIGINS)``; the lower one
    over their mean, within ``[1, LOW_SIDE_MAX]``. 1 with fewer than ``LOW_SIDE_MIN_ERRORS``
    such errors."""
    sel, n_recent = _recent_long(h_idx, origin)
    e = norm_err[sel]
    e = e[np.isfinite(e)]
    if e.size < LOW_SIDE_MIN_ERRORS or not q_long > 0:
        return 1.0

    def one_sided(a: np.ndarray) -> float:
        rank = min(a.size, int(np.ceil((a.size + 1) * LOW_SIDE_TAIL)))
        return max(0.0, float(np.partition(a, rank - 1)[rank - 1]))

    w = n_recent / (n_recent + PRIOR_ORIGINS)
    lo = w * one_sided(-e) + (1 - w) * q_long
    hi = w * one_sided(e) + (1 - w) * q_long
    return float(np.clip(2 * lo / (lo + hi), 1.0, LOW_SIDE_MAX))


def _long_errors(prep: Prepared, z: np.ndarray, origins: np.ndarray, paths: dict[str, Paths],
                 members: tuple[str, ...], width: int, grown: np.ndarray
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Normalised errors ``e / sd`` of the combination ``members`` at horizons
    ``BANDS[-1]`` start..``width``, their horizon index (0-based) and origin, from the origins
    with an observed month beyond ``BACKTEST_H`` whose training data holds ``MIN_TRAIN`` months
    since the series first rose above zero (``grown``). An origin still at zero, or just after
    the first mentions, has a model sd of about 0: its errors in units of that sd are
    meaningless (Kubernetes on HN: a 24-month upper 80% bound of 68% of postings for a skill
    never above 10.6%)."""
    n = z.size
    comb = combine(paths, members)
    lo = BANDS[-1][0] + 1
    errs: list[np.ndarray] = []
    hs: list[np.ndarray] = []
    orig: list[np.ndarray] = []
    for k, o in enumerate(origins.tolist()):
        h = np.arange(lo, min(width, n - 1 - o) + 1)
        h = h[prep.observed[o + h]] if h.size else h
        if not (h > BACKTEST_H).any() or not grown[k]:
            continue
        errs.append((z[o + h] - comb.mean[k, h - 1]) / np.maximum(comb.sd[k, h - 1], 1e-9))
        hs.append(h - 1)
        orig.append(np.full(h.size, k))
    if not errs:
        return np.zeros(0), np.zeros(0, dtype=int), np.zeros(0, dtype=int)
    return np.concatenate(errs), np.concatenate(hs), np.concatenate(orig)


ANCHOR = "median"
DEFAULT_MEMBERS = (ANCHOR, "theta_w36")
INTERMITTENT_MEMBERS = (ANCHOR,)
FALLBACK_MEMBERS = ("ets", "theta")


def intermittent(y: np.ndarray, observed: np.ndarray) -> bool:
    """Average interval between non-zero months >= ``INTERMITTENT_ADI`` over the last
    ``INTERMITTENT_WINDOW`` observed months (published values; gaps do not count)."""
    recent = y[observed][-INTERMITTENT_WINDOW:]
    nonzero = int(np.count_nonzero(recent > 0))
    return recent.size > 0 and (nonzero == 0 or recent.size / nonzero >= INTERMITTENT_ADI)


def _nanmean(x: np.ndarray) -> float:
    """Mean over the points with a defined MASE scale (NaN when none has one)."""
    x = x[np.isfinite(x)]
    return float(x.mean()) if x.size else float("nan")


def consistency_t(diff: np.ndarray) -> float:
    """t statistic of the mean of per-origin loss differences (default minus challenger), with
    a Bartlett (Newey-West) variance over ``HAC_LAGS`` lags: 12-month horizons from origins
    ``ORIGIN_STEP`` months apart share target months, so neighbouring origins are correlated."""
    d = diff[np.isfinite(diff)]
    if d.size < 4:
        return 0.0
    x = d - d.mean()
    var = float(np.mean(x * x))
    for lag in range(1, min(HAC_LAGS, d.size - 1) + 1):
        var += 2 * (1 - lag / (HAC_LAGS + 1)) * float(np.mean(x[lag:] * x[:-lag]))
    return float(d.mean() / np.sqrt(var / d.size)) if var > 0 else 0.0


def _pick(loss: np.ndarray, pair: np.ndarray, default: int | None = None,
          per_origin: np.ndarray | None = None, recent: np.ndarray | None = None) -> int:
    """Best pair, unless a single candidate beats it by more than ``SINGLE_MARGIN``; the
    ``default`` combination unless that choice is consistently better across origins
    (``per_origin`` mean losses, (combinations, origins): paired t statistic above
    ``CONSISTENCY_T``) and no worse than the default over the ``recent`` origins (mask over
    ``per_origin``'s columns): a record won in an earlier regime (years of rise before today's
    plateau) does not overrule the current one. Without ``per_origin`` the best choice wins."""
    bp = int(np.argmin(np.where(pair, loss, np.inf)))
    bs = int(np.argmin(np.where(pair, np.inf, loss)))
    best = bs if loss[bs] < (1 - SINGLE_MARGIN) * loss[bp] else bp
    if default is None or best == default or per_origin is None:
        return best
    if consistency_t(per_origin[default] - per_origin[best]) <= CONSISTENCY_T:
        return default
    if recent is not None and recent.any() and (
            float(per_origin[best, recent].mean()) > float(per_origin[default, recent].mean())):
        return default
    return best


def choose(prep: Prepared, origins: np.ndarray, paths: dict[str, Paths],
           horizon: int = BACKTEST_H) -> Choice:
    """Score every candidate and combination at the backtest origins; pick the headline.

    ``paths`` rows are the backtest ``origins`` (same order); columns horizons 1..>=horizon.
    """
    names = list(paths)
    nan = float("nan")
    z = prep.z_raw if prep.z_raw is not None else prep.z
    n = z.size
    y = prep.inverse(z)
    scale = _mase_scale(y, origins)
    rows, hs = [], []
    for k, o in enumerate(origins):
        for h in range(1, min(horizon, n - 1 - int(o)) + 1):
            if prep.observed[o + h]:
                rows.append(k)
                hs.append(h)
    preferred = INTERMITTENT_MEMBERS if intermittent(y, prep.observed) else DEFAULT_MEMBERS
    if not rows:
        members = next((c for c in (preferred, DEFAULT_MEMBERS, FALLBACK_MEMBERS)
                        if all(m in paths for m in c)), (names[0],))
        return Choice(members, {lv: np.full(BACKTEST_H, Z[lv]) for lv in LEVELS}, nan,
                      {lv: nan for lv in LEVELS},
                      {m: nan for m in names}, {m: {lv: nan for lv in LEVELS} for m in names}, 0)
    ri, hi = np.array(rows, dtype=int), np.array(hs, dtype=int) - 1
    actual_z = z[origins[ri] + hi + 1]
    actual_y = y[origins[ri] + hi + 1]
    M = np.stack([paths[m].mean[ri, hi] for m in names])      # (C, pts)
    S = np.stack([np.maximum(paths[m].sd[ri, hi], 1e-9) for m in names])
    combos = combinations(names)
    selectable = np.array([len(c) > 1 for c in combos])
    idx_a = np.array([names.index(c[0]) for c in combos])
    idx_b = np.array([names.index(c[-1]) for c in combos])
    Mc = (M[idx_a] + M[idx_b]) / 2
    Sc = (S[idx_a] + S[idx_b]) / 2
    # MASE points need a defined scale (NaN otherwise: origins still at zero); selection and
    # calibration use every observed point
    err = np.abs(prep.inverse(Mc) - actual_y[None, :]) / scale[ri][None, :]   # (P, pts)
    nerr = (actual_z[None, :] - Mc) / Sc
    n_o = origins.size
    onehot = np.zeros((ri.size, n_o))
    onehot[np.arange(ri.size), ri] = 1.0
    loss_o = np.abs(actual_z[None, :] - Mc) @ onehot   # (P, origins): selection loss
    cnt_o = onehot.sum(axis=0)              # (origins,)
    total, cnt = loss_o.sum(axis=1), cnt_o.sum()
    default = next((i for i, c in enumerate(combos) if set(c) == set(preferred)), None)
    present = np.flatnonzero(cnt_o > 0)
    mean_o = loss_o[:, present] / cnt_o[present]      # (P, origins with points)
    recent_o = present >= n_o - RECENT_ORIGINS
    best = _pick(total / cnt, selectable, default, mean_o, recent_o)
    # leave-one-origin-out: choose and calibrate without the origin being scored
    # intervals are calibrated on the recent origins only: the error scale of today's regime
    recent = ri >= n_o - RECENT_ORIGINS
    head_err = np.empty(ri.size)
    head_in = {lv: np.zeros(ri.size, dtype=bool) for lv in LEVELS}
    n_recent = int(np.unique(ri[recent]).size)
    # an older origin left out does not change the (recent-only) calibration: one per combination
    shared_q: dict[int, dict[int, np.ndarray]] = {}
    for j, k in enumerate(present.tolist()):
        at = ri == k
        others = cnt - cnt_o[k]
        c = _pick((total - loss_o[:, k]) / others, selectable, default,
                  np.delete(mean_o, j, axis=1), np.delete(recent_o, j)) if others > 0 else best
        head_err[at] = err[c, at]
        if recent_o[j]:
            use = recent & ~at
            q_k = {lv: calibrate(nerr[c, use], hi[use], n_recent - 1, lv) for lv in LEVELS}
        else:
            if c not in shared_q:
                shared_q[c] = {lv: calibrate(nerr[c, recent], hi[recent], n_recent, lv)
                               for lv in LEVELS}
            q_k = shared_q[c]
        for lv in LEVELS:
            head_in[lv][at] = np.abs(nerr[c, at]) <= q_k[lv][hi[at]]
    single = {name: i for i, name in enumerate(names)}
    cand_mase = {m: _nanmean(err[single[m]]) for m in names}
    cand_cov = {m: {lv: float(np.mean(np.abs(nerr[single[m]]) <= Z[lv])) for lv in LEVELS}
                for m in names}
    q_final = {lv: calibrate(nerr[best, recent], hi[recent], n_recent, lv) for lv in LEVELS}
    low_side = 1.0
    width = min(paths[m].mean.shape[1] for m in names)
    if width > BACKTEST_H:
        ln_err, ln_h, ln_o = _long_errors(prep, z, origins, paths, combos[best], min(width, LONG_H),
                                          origins - int(np.argmax(y > 0)) + 1 >= MIN_TRAIN)
        # one growth for both levels: the error scale grows, the 80/95 ratio of the band stays
        g = max(long_growth(q_final[lv], ln_err, ln_h, ln_o, lv) for lv in LEVELS)
        low_side = long_low_side(ln_err, ln_h, ln_o, float(q_final[80][-1]) * g)
        q_final = {lv: np.concatenate([q, np.full(LONG_H - BACKTEST_H, float(q[-1]) * g)])
                   for lv, q in q_final.items()}
    return Choice(combos[best], q_final, _nanmean(head_err),
                  {lv: float(head_in[lv].mean()) for lv in LEVELS},
                  cand_mase, cand_cov, int(present.size), low_side)
