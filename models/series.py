"""The per-series analysis: one pure function from a series' numbers to its forecast and evidence.

``analyse`` has no global state and no I/O: the batch runner can call it in any process (or on a
distributed engine) and get identical results for identical input.

Steps: prepare (``models.transform``) → candidates at every backtest origin and the final origin
in one vectorised pass (``models.fast``) → headline choice and calibration (``models.backtest``)
→ forecast on the modelling scale, clamped (below) → back-transform → trend evidence
(``models.trend``) for the outlook rules (``models.outlook``), which run after the run-wide
Benjamini-Hochberg step.

Rules:
* **Clamp.** Forecasts and bounds on the modelling scale are kept within
  ``[min - span, max + span]`` of the history, ``span = max(range, ln 2)`` (at most a doubling
  beyond the record for a nearly flat series). A clamped point forecast is noted (``clamped``).
* **Sparse series.** A series with a zero month among its last 24 observed months (sparse,
  near zero) has an upper clamp of ``SPARSE_CAP`` (2) times its record month: on the log /
  logit scale its range is mostly the distance from the zero offset (half its smallest
  observation) to its positive months, so the clamp above and the model's variance (the one-step
  errors jump between the offset and the positive months) let an upper bound reach many times
  anything the series ever did (on HN as of 2024-05, Celery, never above 2.02% of postings, had a
  24-month upper 80% bound of 17.5%). Noted ``sparse_cap=2x_record`` when it binds. On the HN
  histories an actual beyond twice the record of a sparse history happens in about 2.5% of
  months of the next 24 (``bench/bench_interval_horizon.py``).
* **Fallback.** A candidate whose final forecast is not finite is dropped (noted
  ``dropped=<name>``); if the chosen combination fails, the naive forecast is used
  (``fallback=naive``). Never an exception for numeric reasons, never a non-finite number.
* **Short series.** Fewer than ``min_history`` months: status ``insufficient-history``; a naive
  forecast with random-walk intervals when at least 3 months exist, no backtest.
* **Level now and growth.** The level at ``last_period`` is the model's de-noised level: the
  back-transformed mean of the last 3 months on the modelling scale (one noisy month does not
  swing the verdict; ``last_value`` is the raw observation and can differ).
  ``growth_pct = 100 · (forecast at the horizon / level − 1)``, so its sign is always the sign of
  ``forecast − level``. When the level is below the zero offset (half the smallest observation —
  demand now is indistinguishable from zero) there is no base to grow from: ``growth_pct`` is
  null (never a division by a floating-point leftover).
* **Judged interval.** The outlook judges the change of the expected demand level, not of one
  noisy future month: the headline's growth at the horizon ± the estimation uncertainty of the
  trend over the horizon (80%: ``1.28 × se(slope) × horizon`` on the log scale, the OLS slope of
  log demand over the last ``fast.TREND_WINDOW`` months with its standard error inflated by the
  Mann-Kendall autocorrelation factor). It brackets the headline growth and is published as
  ``growth_lower_80``/``growth_upper_80``. ``trend_growth`` is the trend line's own change to the
  horizon (materiality of the trend).
* **Counts are evidence.** When the series carries mentions (counts; or a share with the month's
  postings, mentions = share × postings) the trend over the window is also fitted as a GLM of the
  mentions (``trend.count_trend``: binomial with the postings, else Poisson; HAC-robust errors).
  The trend's p-value is the larger of the GLM's and the Mann-Kendall test's (both must hold: a
  handful of mentions, or one burst of them, cannot make a trend significant), the trend line is
  the GLM's slope and the judged interval uses the GLM's robust standard error.
  ``mentions_12m`` and the mean mentions a month over the last 6 months (the volume gate of
  ``models.outlook``) come from the same counts.
* **Basis.** ``basis`` is what growth and the verdict are on: ``share`` (shares, and counts with
  the month's postings), ``count`` or ``index``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from skillpulse.models import backtest, fast, trend
from skillpulse.models.transform import CLEAN_FRACTION, Prepared, prepare

DECISION_HORIZON = 120  # judge the change at the run's horizon (capped at 10 years)
LEVEL_MONTHS = 3
SPARSE_CAP = 2.0  # bounds of a sparse series: at most this multiple of its recent record month
# … its record over the last SPARSE_WINDOW observed months (the trend window): Objective-C on HN,
# 6.3% of postings in 2011 and at most 1% in its last three years, had a 12-month upper 95% bound
# of 9.2% under its all-time record; a sparse series' plausible extreme is a return to twice what
# it reached lately (HN coverage beyond 12 months moved by 0.1-0.4 points, the demo's not at all)
SPARSE_WINDOW = fast.TREND_WINDOW


@dataclass
class MarketPath:
    """The whole market's forecast on the log scale for the months after the skill's last month."""

    log_mean: np.ndarray
    log_hw: dict[int, np.ndarray]  # half-widths per level (80, 95)
    log_level: float               # log of the market level at the last month


@dataclass
class Evidence:
    """What the outlook rules look at (analysed quantity: share when ``relative``)."""

    n_months: int
    constant: bool
    all_zero: bool = False              # never observed above zero
    growth: float = math.nan            # analysed quantity, at the horizon (as growth_pct)
    growth_lo80: float = math.nan       # level interval of the headline (no one-month noise)
    growth_hi80: float = math.nan
    trend_growth: float = math.nan      # change of the trend line to the horizon
    judged_lo80: float = math.nan       # 80% interval of the expected level's change (outlook)
    judged_hi80: float = math.nan
    width_ratio: float = math.nan       # hi80 / lo80 at the horizon
    p_value: float = math.nan           # modified Mann-Kendall over the trend window
    slope: float = 0.0                  # Sen's slope (modelling scale per month)
    inflation: float = 1.0
    half_life: tuple[float | None, float | None, float | None] = (None, None, None)
    peak_ratio: float = math.nan
    peak_index: int | None = None       # centre of the peak 12-month window (month index)
    months_since_peak: int = 0
    collapse_p: float = math.nan
    collapse_slope: float = 0.0
    quad_t: float = 0.0                 # acceleration t statistic (published scale)
    base_ratio: float = math.nan        # level now / level at the start of the trend window
    level_now: float = math.nan         # demand level (offset included) over the last 3 months
    start_level: float = math.nan       # the same at the start of the trend window
    kind: str = ""                      # ``logit`` (shares) or ``log``: levels compare within a kind
    relative: bool = False              # a count series judged as its share of postings
    basis: str = ""                     # share | count | index: what growth and the verdict are on
    mentions_12m: float = math.nan      # postings mentioning the skill, last 12 months (NaN: no counts)
    mentions_rate: float = math.nan     # mean mentions per month over the last 6 observed months
    counted: bool = False               # trend test and judged interval from the GLM of the counts
    measure: str = ""                   # the published series' measure: count | share | index
    has_base: bool = False              # demand now above the zero offset: growth_pct is defined


@dataclass
class SeriesResult:
    """Everything one series contributes to a run (published units unless said otherwise)."""

    n_months: int
    last_value: float
    level: float                        # published level at the last month (see module doc)
    mean: np.ndarray | None = None
    bounds: dict[str, np.ndarray] = field(default_factory=dict)  # lower_80, upper_80, …
    growth_pct: float | None = None
    model: str = ""
    backtest_rows: list[tuple[str, float, float, float, int]] = field(default_factory=list)
    mase: float | None = None
    coverage: dict[int, float | None] = field(default_factory=dict)
    evidence: Evidence | None = None
    notes: list[str] = field(default_factory=list)
    market_path: MarketPath | None = None


def _finite(x: float) -> float | None:
    return float(x) if x is not None and np.isfinite(x) else None


def _naive_only(prep: Prepared, H: int) -> tuple[np.ndarray, dict[int, np.ndarray]]:
    z = prep.z
    d = np.diff(z)
    sig = float(np.sqrt(np.mean(d * d))) if d.size else 0.0
    h = np.arange(1, H + 1)
    mean = np.full(H, z[-1])
    return mean, {lv: backtest.Z[lv] * sig * np.sqrt(h) for lv in backtest.LEVELS}


def _headline(prep: Prepared, H: int, notes: list[str]
              ) -> tuple[np.ndarray, dict[int, np.ndarray], str, backtest.Choice | None]:
    """Final forecast (modelling scale): mean and half-widths per level; model label; choice."""
    z = prep.z
    n = z.size
    origins = backtest.backtest_origins(n)
    all_origins = np.concatenate([origins, [n - 1]])
    Hc = max(H, backtest.BACKTEST_H)
    with np.errstate(all="ignore"):
        paths = fast.candidate_paths(z, all_origins, Hc)
    usable = {}
    for name, p in paths.items():
        if np.all(np.isfinite(p.mean[-1])) and np.all(np.isfinite(p.sd[-1])):
            usable[name] = p
        else:
            notes.append(f"dropped={name}")
    if not usable:
        notes.append("fallback=naive")
        mean, hw = _naive_only(prep, H)
        return mean, hw, "naive", None
    bt_paths = {k: fast.Paths(v.mean[:-1], v.sd[:-1]) for k, v in usable.items()}
    with np.errstate(all="ignore"):
        choice = backtest.choose(prep, origins, bt_paths)
    final = backtest.combine({k: fast.Paths(v.mean[-1:], v.sd[-1:]) for k, v in usable.items()},
                             choice.members)
    mean = final.mean[0, :H]
    hw = {}
    for lv in backtest.LEVELS:
        q = choice.q[lv]
        q_h = np.concatenate([q, np.full(max(0, H - q.size), q[-1])])[:H]
        # half-widths never shrink with the horizon
        hw[lv] = np.maximum.accumulate(q_h * final.sd[0, :H])
    hw[95] = np.maximum(hw[95], hw[80])  # separately calibrated levels must stay nested
    if not (np.all(np.isfinite(mean)) and all(np.all(np.isfinite(v)) for v in hw.values())):
        notes.append("fallback=naive")
        mean, hw = _naive_only(prep, H)
        return mean, hw, "naive", choice
    return mean, hw, "+".join(choice.members), choice


def _counts(values: np.ndarray, totals: np.ndarray | None, measure: str, prep: Prepared,
            is_market: bool) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Monthly mentions and, when known, the month's postings (exposure); (None, None) when the
    series carries no counts (an index, or a share without the month's total)."""
    if measure == "index" or is_market:
        return None, None
    tot = None if totals is None else np.asarray(totals, dtype=float)
    if measure == "share":
        if tot is None or not np.isfinite(tot[np.isfinite(values)]).any():
            return None, None
        return np.round(values * tot / 100.0), tot
    return values, (tot if prep.relative else None)


def _basis(measure: str, prep: Prepared) -> str:
    return "share" if prep.relative or measure == "share" else measure


def _evidence(prep: Prepared, z_mean: np.ndarray, hw: dict[int, np.ndarray],
              counts: tuple[np.ndarray | None, np.ndarray | None] = (None, None),
              basis: str = "", measure: str = "") -> Evidence:
    z = prep.z
    n = z.size
    ev = Evidence(n_months=n, constant=prep.constant, kind=prep.kind, relative=prep.relative,
                  all_zero=prep.all_zero, basis=basis, measure=measure)
    k, exposure = counts
    ct = None
    if k is not None:
        window = slice(max(0, k.size - fast.TREND_WINDOW), k.size)
        ct = trend.count_trend(k[window], None if exposure is None else exposure[window])
        ev.mentions_12m, ev.mentions_rate = ct.mentions_12m, ct.mentions_rate
    zl = float(np.mean(z[-LEVEL_MONTHS:]))
    ratio = _ratio_fn(prep)
    d = min(z_mean.size, DECISION_HORIZON) - 1
    ev.growth = ratio(z_mean[d], zl) - 1  # offset included: defined even at a zero level
    published = (lambda v: float(_share(prep, np.array([v]))[0])) if prep.relative else (
        lambda v: float(prep.inverse(np.array([v]))[0]))
    base = published(zl)
    if base >= (prep.offset if prep.relative else prep.floor) > 0:
        ev.growth = published(float(z_mean[d])) / base - 1  # what growth_pct reports
        ev.has_base = True
    # interval of the demand *level* at the horizon: the prediction interval without the one-month
    # noise (the 1-step forecast variance), since the question is whether demand changes
    lvl_hw = math.sqrt(max(float(hw[80][d]) ** 2 - float(hw[80][0]) ** 2, 0.0))
    ev.growth_lo80 = ratio(z_mean[d] - lvl_hw, zl) - 1
    ev.growth_hi80 = ratio(z_mean[d] + lvl_hw, zl) - 1
    ev.width_ratio = ratio(z_mean[d] + hw[80][d], z_mean[d] - hw[80][d])
    if prep.constant:
        ev.p_value = 1.0
        return ev
    recent = z[-fast.TREND_WINDOW:]
    mk = trend.mann_kendall(recent)
    ev.p_value, ev.slope, ev.inflation = mk.p_value, mk.slope, mk.inflation
    log_y = _log_demand(prep, recent)
    hl = trend.half_life(log_y, mk.inflation)
    ev.half_life = (hl.months, hl.lower, hl.upper)
    tb, tse = trend.ols_slope(log_y, mk.inflation)
    if ct is not None and math.isfinite(ct.se):
        # Counts are evidence: the trend must hold in the GLM of the mentions (a handful of
        # mentions cannot make it significant) and in the rank test of the share (one burst of
        # mentions cannot either); the trend line and its interval are the GLM's.
        ev.counted = True
        ev.p_value = max(mk.p_value, ct.p_value)
        tb, tse = ct.slope, ct.se
        ev.slope = ct.slope
    if math.isfinite(tse) and ev.growth > -1:  # a flat trend window has no trend to judge
        ev.trend_growth = math.exp(min(tb * (d + 1), 700.0)) - 1
        half = backtest.Z[80] * tse * (d + 1)
        g = math.log1p(ev.growth)
        ev.judged_lo80 = math.expm1(min(g - half, 700.0))
        ev.judged_hi80 = math.expm1(min(g + half, 700.0))
    y = prep.inverse(z) if not prep.relative else _share(prep, z)
    ma = trend.trailing_mean(y, 12)
    valid = ma[min(11, n - 1):]
    p_idx = int(np.argmax(valid)) + min(11, n - 1)
    peak = float(ma[p_idx])
    ev.peak_ratio = float(ma[-1] / peak) if peak > 0 else math.nan
    ev.peak_index = max(0, p_idx - 5)
    ev.months_since_peak = n - 1 - p_idx
    if ev.months_since_peak >= 6:
        post = trend.mann_kendall(z[max(0, p_idx - 6):])
        ev.collapse_p, ev.collapse_slope = post.p_value, post.slope
    ev.quad_t = trend.quadratic_t(np.exp(log_y), mk.inflation)
    ev.start_level = float(np.mean(np.exp(log_y[:LEVEL_MONTHS])))
    ev.level_now = float(np.mean(np.exp(log_y[-LEVEL_MONTHS:])))
    ev.base_ratio = ev.level_now / ev.start_level if ev.start_level > 0 else math.inf
    return ev


def _ratio_fn(prep: Prepared):  # type: ignore[no-untyped-def]
    """Ratio of two modelling-scale values on the offset-included demand scale."""
    if prep.kind == "logit":
        def r(a: float, b: float) -> float:
            return float(math.exp(min(float(_log_expit(a) - _log_expit(b)), 700.0)))
        return r

    def r_log(a: float, b: float) -> float:
        return float(math.exp(min(a - b, 700.0)))
    return r_log


def _log_expit(x: float | np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -np.asarray(x, dtype=float))


def _log_demand(prep: Prepared, z: np.ndarray) -> np.ndarray:
    """log of demand (offset included): log p for logit series, z itself for log series."""
    return np.asarray(_log_expit(z)) if prep.kind == "logit" else z


def _share(prep: Prepared, z: np.ndarray) -> np.ndarray:
    return np.maximum(np.exp(_log_expit(z)) - prep.offset, 0.0)


def analyse(values: np.ndarray, totals: np.ndarray | None, measure: str, *, horizon: int,
            min_history: int = 24, is_market: bool = False,
            market: MarketPath | None = None) -> SeriesResult:
    """Forecast, backtest and collect trend evidence for one monthly series.

    Args:
        values: one value per month from the first to the last month (NaN = missing month).
        totals: market denominator per month (NaN unknown) or None.
        measure: ``count``, ``share`` or ``index``.
        horizon: months to forecast.
        min_history: fewer months → ``insufficient-history`` (no backtest).
        is_market: the whole-market series (its log-scale path is returned in ``market_path``).
        market: the market's forecast path for count series analysed as shares; when None a
            flat market at the geometric mean of the last 12 totals is assumed (noted).

    Returns:
        A ``SeriesResult``; forecasts in the series' own unit.
    """
    values = np.asarray(values, dtype=float)
    prep = prepare(values, totals, measure, is_market=is_market)
    notes = list(prep.notes)
    obs = values[np.isfinite(values)]
    last_value = float(values[-1]) if np.isfinite(values[-1]) else float(obs[-1]) if obs.size else math.nan
    n = prep.z.size
    H = int(horizon)
    res = SeriesResult(n_months=n, last_value=last_value, level=math.nan, notes=notes)
    if n == 0:
        return res
    if prep.constant:
        z_mean, hw = np.full(H, prep.z[-1]), {lv: np.zeros(H) for lv in backtest.LEVELS}
        res.model = "constant"
        choice = None
    elif n < min_history:
        if n < 3:
            res.evidence = Evidence(n_months=n, constant=False, measure=measure)
            res.level = float(prep.inverse(np.array([prep.z[-1]]))[0]) if not prep.relative else math.nan
            return res
        z_mean, hw = _naive_only(prep, H)
        res.model = "naive"
        choice = None
    else:
        z_mean, hw, res.model, choice = _headline(prep, H, notes)
    # clamp on the modelling scale
    zmin, zmax = float(prep.z.min()), float(prep.z.max())
    span = max(zmax - zmin, math.log(2.0))
    lo_c, hi_c = zmin - span, zmax + span
    cap = _sparse_cap(prep)
    if cap < hi_c:
        hi_c = cap
        notes.append(f"sparse_cap={SPARSE_CAP:g}x_record")
    clamped = np.clip(z_mean, lo_c, hi_c)
    if np.any(clamped != z_mean):
        notes.append("clamped")
    z_mean = clamped
    # Bounds beyond the clamp shrink proportionally across levels (not clipped one by one), so a
    # clamped 95% bound never swallows the 80% bound: both keep their ratio of half-widths.
    # Beyond the backtest horizon the band moves down where the long errors fell short of the
    # forecast (``backtest.long_low_side``): the lower side widens by ``s``, the upper narrows by
    # ``2 - s`` (the width holds; an upper bound never widens); half-widths never shrink with the
    # horizon on either side.
    low_side = choice.low_side if choice is not None else 1.0
    beyond = np.arange(1, z_mean.size + 1) > backtest.BACKTEST_H
    hw_lo = {lv: np.maximum.accumulate(hw[lv] * np.where(beyond, low_side, 1.0))
             for lv in backtest.LEVELS}
    hw_hi = {lv: np.maximum.accumulate(hw[lv] * np.where(beyond, 2.0 - low_side, 1.0))
             for lv in backtest.LEVELS}
    top = max(backtest.LEVELS)
    with np.errstate(divide="ignore", invalid="ignore"):
        f_hi = np.where(hw_hi[top] > 0, np.minimum(1.0, (hi_c - z_mean) / hw_hi[top]), 1.0)
        f_lo = np.where(hw_lo[top] > 0, np.minimum(1.0, (z_mean - lo_c) / hw_lo[top]), 1.0)
    f_hi, f_lo = np.clip(f_hi, 0.0, 1.0), np.clip(f_lo, 0.0, 1.0)
    zb = {lv: (z_mean - f_lo * hw_lo[lv], z_mean + f_hi * hw_hi[lv]) for lv in backtest.LEVELS}
    counts = _counts(values, totals, measure, prep, is_market)
    if n >= min_history or prep.constant:
        res.evidence = _evidence(prep, z_mean, {lv: hw[lv] for lv in backtest.LEVELS}, counts,
                                 _basis(measure, prep), measure)
    else:
        res.evidence = Evidence(n_months=n, constant=False, basis=_basis(measure, prep),
                                measure=measure)
        if counts[0] is not None:
            ct = trend.count_trend(counts[0][-fast.TREND_WINDOW:], None if counts[1] is None
                                   else counts[1][-fast.TREND_WINDOW:])
            res.evidence.mentions_12m, res.evidence.mentions_rate = ct.mentions_12m, ct.mentions_rate
    zl = float(np.mean(prep.z[-LEVEL_MONTHS:]))
    floor = prep.floor
    if prep.relative:
        floor = _publish_relative(res, prep, totals, z_mean, zb, zl, market, notes)
    else:
        res.mean = prep.inverse(z_mean)
        for lv in backtest.LEVELS:
            res.bounds[f"lower_{lv}"] = prep.inverse(zb[lv][0])
            res.bounds[f"upper_{lv}"] = prep.inverse(zb[lv][1])
        res.level = float(prep.inverse(np.array([zl]))[0])
        if is_market:
            res.market_path = MarketPath(
                log_mean=z_mean.copy(),
                log_hw={lv: (zb[lv][1] - zb[lv][0]) / 2 for lv in backtest.LEVELS},
                log_level=zl)
    if res.mean is not None and math.isfinite(res.level) and res.level >= floor > 0:
        res.growth_pct = _finite(100.0 * (res.mean[-1] / res.level - 1.0))
    if choice is not None:
        for name in choice.candidate_mase:
            res.backtest_rows.append((name, choice.candidate_mase[name],
                                      choice.candidate_coverage[name][80],
                                      choice.candidate_coverage[name][95], choice.n_origins))
        res.backtest_rows.append(("headline", choice.mase, choice.coverage[80], choice.coverage[95],
                                  choice.n_origins))
        res.mase = _finite(choice.mase)
        res.coverage = {lv: _finite(choice.coverage[lv]) for lv in backtest.LEVELS}
    return res


def _sparse_cap(prep: Prepared) -> float:
    """Upper clamp of a sparse series (modelling scale): ``SPARSE_CAP`` times its record month
    over its last ``SPARSE_WINDOW`` observed months; infinite for a series without a zero month
    among its last ``backtest.INTERMITTENT_WINDOW`` observed months."""
    z = prep.z_raw if prep.z_raw is not None else prep.z
    y = prep.inverse(z)[prep.observed]
    if y.size == 0 or not np.any(y[-backtest.INTERMITTENT_WINDOW:] == 0):
        return math.inf
    return float(prep.forward(np.array([SPARSE_CAP * float(y[-SPARSE_WINDOW:].max())]))[0])


def _publish_relative(res: SeriesResult, prep: Prepared, totals: np.ndarray | None,
                      z_mean: np.ndarray, zb: dict[int, tuple[np.ndarray, np.ndarray]], zl: float,
                      market: MarketPath | None, notes: list[str]) -> float:
    """Count forecast = share forecast × market forecast (log half-widths in quadrature).
    Returns the zero offset in counts (the growth floor)."""
    H = z_mean.size
    if market is not None and market.log_mean.size >= H:
        m_mean, m_level = market.log_mean[:H], market.log_level
        m_hw = {lv: market.log_hw[lv][:H] for lv in backtest.LEVELS}
    else:
        tot = np.asarray(totals, dtype=float)
        recent = tot[np.isfinite(tot) & (tot > 0)][-12:]
        m_level = float(np.mean(np.log(recent))) if recent.size else 0.0
        m_mean = np.full(H, m_level)
        m_hw = {lv: np.zeros(H) for lv in backtest.LEVELS}
        notes.append("flat_market")
    lp = _log_expit(z_mean)
    off = prep.offset
    res.mean = _clean(np.exp(lp + m_mean) - off * np.exp(m_mean), off * np.exp(m_mean))
    for lv in backtest.LEVELS:
        lo = lp - np.sqrt((lp - _log_expit(zb[lv][0])) ** 2 + m_hw[lv] ** 2)
        hi = lp + np.sqrt((_log_expit(zb[lv][1]) - lp) ** 2 + m_hw[lv] ** 2)
        res.bounds[f"lower_{lv}"] = _clean(np.exp(lo + m_mean) - off * np.exp(m_mean),
                                           off * np.exp(m_mean))
        res.bounds[f"upper_{lv}"] = _clean(np.exp(hi + m_mean) - off * np.exp(m_mean),
                                           off * np.exp(m_mean))
    floor = off * math.exp(m_level)
    res.level = float(_clean(np.array([math.exp(float(_log_expit(zl)) + m_level) - floor]),
                             np.array([floor]))[0])
    return floor


def _clean(y: np.ndarray, floor: np.ndarray) -> np.ndarray:
    """Non-negative, floating-point leftovers far below the zero offset set to exactly 0."""
    y = np.maximum(np.asarray(y, dtype=float), 0.0)
    return np.where(y < CLEAN_FRACTION * np.asarray(floor), 0.0, y)
