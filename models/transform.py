"""Series preparation: the modelling scale (log / logit), and the rules for gaps, zeros, outliers.

Every rule here is documented because it changes what the models see:

* **Scale.** Counts and indices are modelled as ``z = log(y + c)``; shares (measure ``share``, 0–100)
  and counts that come with the market denominator ``total`` are modelled as
  ``z = logit(p + c)`` with ``p`` the share as a fraction, clipped to ``(c, 1 - c)``; ``c`` is at
  most half the gap between the largest observed share and 1, so no observation is clipped. Demand relative
  to the whole market is what a skill's life cycle is about (a market crash is not the skill's
  decline), so a count series with totals is analysed as its share of postings; the count
  forecast is the share forecast times the market forecast (see ``models.series``).
* **Zeros (offset rule).** ``c`` is half the smallest positive value of the series itself (half
  an observation for integer counts; ``1e-6`` of the unit when the series is all zeros): for
  counts and indices with at least one zero month on the log scale, for shares (as fractions)
  on the logit scale. Counts and indices without a zero month use ``c = 0.001 ×`` their
  smallest value (practically a plain log: growth rates are not damped by the offset). Counts
  analysed as shares use ``min(0.5 / median total, half the smallest positive share)``. Because
  ``c`` scales with the data, the log-scale analysis is invariant to the unit: the same series
  in thousands or in units gets the same growth and status. The back-transform subtracts ``c``
  again, never returns negative values, and sets floating-point leftovers below ``1e-6 · c`` to
  exactly 0 (so a series at zero is forecast at 0, not at 1e-19).
* **All-zero series.** No positive observation: nothing is known about its demand; the forecast
  is 0 with zero-width intervals and the status is ``insufficient-history`` (``all_zero``).
* **Gaps.** Missing months strictly inside the observed span are filled by linear interpolation
  on the modelling scale (noted as ``gaps=N``); they count as history but are not observations.
* **Unreliable months.** A month whose ``total`` is tiny (below ``MIN_TOTAL`` postings or below
  ``LOW_TOTAL_FRACTION`` of the series' median total — e.g. 3 postings) carries a share that is
  mostly noise: it is treated as a gap (``low_total=N``).
* **Outliers.** A Hampel filter on the modelling scale: a point further than
  ``HAMPEL_K`` robust standard deviations (1.4826 × median absolute residual from a centred
  5-month running median, over the windows that vary) from its running median is winsorised to
  that bound (``winsorised=N``). Skipped when that scale is zero (sparse or constant series);
  a level shift of many months is never flattened, only isolated spikes.
* **Constant series.** All (transformed) values equal: no model is fitted; the forecast is the
  constant with zero-width intervals and the status is ``stable`` (``constant``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

MIN_TOTAL = 20.0
LOW_TOTAL_FRACTION = 0.2
HAMPEL_K = 5.0
HAMPEL_WINDOW = 5
NO_ZERO_OFFSET = 1e-3  # counts/indices without zeros: c is this fraction of the smallest value
CLEAN_FRACTION = 1e-6  # back-transformed values below this fraction of the offset are 0
SHARE_TOTAL_COVERAGE = 0.8  # fraction of months with a usable total to analyse a count as a share


@dataclass
class Prepared:
    """A series on its modelling scale.

    Attributes:
        z: transformed values, one per month from the first to the last observed month (no NaN).
        kind: ``log`` or ``logit``.
        offset: ``c`` of the zero rule (log) or the clip bound (logit).
        scale: multiplier from the fraction ``p`` to the published unit (100 for shares, 1 for
            counts modelled as shares — those are multiplied by the market forecast instead).
        relative: True when a count series is analysed as its share of the market.
        observed: mask of months that were observed (not gaps / unreliable months).
        constant: True when ``z`` has no variation.
        all_zero: True when no month is observed above zero.
        notes: rules applied, readable (``gaps=2``, ``winsorised=1``…).
    """

    z: np.ndarray
    kind: str
    offset: float
    scale: float
    relative: bool
    observed: np.ndarray
    constant: bool
    notes: list[str] = field(default_factory=list)
    z_raw: np.ndarray | None = None  # before winsorising: the actuals a backtest is scored on
    all_zero: bool = False

    def inverse(self, z: np.ndarray) -> np.ndarray:
        """Back-transform to the published unit (for ``relative`` series: the share, 0–1)."""
        z = np.asarray(z, dtype=float)
        if self.kind == "logit":
            with np.errstate(over="ignore"):
                p = 1.0 / (1.0 + np.exp(-z))
            return self.clean(np.maximum(p - self.offset, 0.0) * self.scale)
        with np.errstate(over="ignore"):
            return self.clean(np.maximum(np.exp(np.minimum(z, 700.0)) - self.offset, 0.0))

    @property
    def floor(self) -> float:
        """The zero offset in the published unit: half an observation (the smallest level a
        growth rate is computed against)."""
        return self.offset * (self.scale if self.kind == "logit" else 1.0)

    def clean(self, y: np.ndarray) -> np.ndarray:
        """Floating-point leftovers of ``exp(log(c)) - c`` (far below the offset) become 0."""
        y = np.asarray(y, dtype=float)
        return np.where(y < CLEAN_FRACTION * self.floor, 0.0, y)

    def forward(self, y: np.ndarray) -> np.ndarray:
        """The transform applied to values in the published unit (shares for relative series)."""
        y = np.asarray(y, dtype=float)
        if self.kind == "logit":
            p = np.clip(y / self.scale + self.offset, self.offset, 1.0 - self.offset)
            return np.log(p) - np.log1p(-p)
        return np.log(np.maximum(y, 0.0) + self.offset)


def _interpolate(z: np.ndarray) -> tuple[np.ndarray, int]:
    missing = ~np.isfinite(z)
    n_missing = int(missing.sum())
    if n_missing == 0:
        return z, 0
    idx = np.arange(z.size)
    good = ~missing
    out = z.copy()
    out[missing] = np.interp(idx[missing], idx[good], z[good])
    return out, n_missing


def _running_median(z: np.ndarray, window: int) -> np.ndarray:
    half = window // 2
    padded = np.pad(z, half, mode="edge")
    view = np.lib.stride_tricks.sliding_window_view(padded, window)
    return np.median(view, axis=1)


def hampel(z: np.ndarray, k: float = HAMPEL_K, window: int = HAMPEL_WINDOW) -> tuple[np.ndarray, int]:
    """Winsorise isolated spikes (see the module docstring). Returns (values, count clipped)."""
    if z.size < window:
        return z, 0
    med = _running_median(z, window)
    resid = z - med
    # scale from windows that vary: long runs of equal values (zeros before a skill appears)
    # would otherwise make the MAD ~0 and flag every ordinary month
    half = window // 2
    padded = np.pad(z, half, mode="edge")
    varying = np.ptp(np.lib.stride_tricks.sliding_window_view(padded, window), axis=1) > 1e-12
    if varying.sum() < window:
        return z, 0
    mad = float(np.median(np.abs(resid[varying])))
    if mad <= 1e-12:
        return z, 0
    bound = k * 1.4826 * mad
    out = np.clip(z, med - bound, med + bound)
    return out, int(np.count_nonzero(out != z))


def prepare(values: np.ndarray, totals: np.ndarray | None, measure: str, *, is_market: bool = False
            ) -> Prepared:
    """Transform one monthly series (NaN = missing month) to its modelling scale.

    Args:
        values: one entry per month from the first to the last observed month; NaN for gaps.
        totals: the market denominator per month (NaN when unknown), or None.
        measure: ``count``, ``share`` (0–100) or ``index``.
        is_market: the whole-market series itself (always modelled as log counts).
    """
    values = np.asarray(values, dtype=float)
    notes: list[str] = []
    observed = np.isfinite(values)
    relative = False
    if measure == "count" and not is_market and totals is not None:
        tot = np.asarray(totals, dtype=float)
        usable = observed & np.isfinite(tot) & (tot > 0)
        if observed.sum() and usable.sum() >= SHARE_TOTAL_COVERAGE * observed.sum():
            relative = True
    if relative:
        tot = np.asarray(totals, dtype=float)
        med = float(np.median(tot[np.isfinite(tot) & (tot > 0)]))
        low = ~(np.isfinite(tot) & (tot >= max(MIN_TOTAL, LOW_TOTAL_FRACTION * med)))
        low &= observed
        if low.sum() and (~low & observed).sum() >= 2:
            notes.append(f"low_total={int(low.sum())}")
            observed = observed & ~low
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(observed, np.minimum(values / tot, 1.0), np.nan)
        pos = p[observed & (p > 0)]
        offset = min(0.5 / med, float(pos.min() / 2)) if pos.size else 0.5 / med
        kind, scale = "logit", 1.0
    elif measure == "share":
        p = np.where(observed, np.clip(values / 100.0, 0.0, 1.0), np.nan)
        pos = p[observed & (p > 0)]
        offset = float(pos.min() / 2) if pos.size else 1e-6
        kind, scale = "logit", 100.0
    else:
        p = np.where(observed, np.maximum(values, 0.0), np.nan)
        pos = p[observed & (p > 0)]
        has_zero = bool(np.any(p[observed] == 0))
        offset = (float(pos.min() * (0.5 if has_zero else NO_ZERO_OFFSET)) if pos.size
                  else 1e-06)
        kind, scale = "log", 1.0
    all_zero = not bool(np.any(p[observed] > 0)) if observed.any() else False
    if kind == "logit" and observed.any():
        # The offset must also leave room below 1: with p + c clipped to 1 − c, a share series
        # above ~40% would otherwise be flattened to the clip bound (a survey share of 60–80%
        # looked constant). Half the gap to 1 keeps every observation inside the open interval.
        top = float(np.nanmax(p[observed]))
        if top < 1.0:
            offset = min(offset, (1.0 - top) / 2)
    offset = (float(min(max(offset, 1e-12), 0.25)) if kind == "logit"
              else float(max(offset, 1e-300)))
    if kind == "logit":
        q = np.clip(p + offset, offset, 1.0 - offset)
        z = np.log(q) - np.log1p(-q)
    else:
        z = np.log(p + offset)
    z = _interpolate(z)[0] if observed.any() else np.zeros(0)
    gaps = int((~np.isfinite(values)).sum())
    if gaps:
        notes.append(f"gaps={gaps}")
    constant = bool(z.size == 0 or np.ptp(z) < 1e-9)
    z_raw = z
    if all_zero:
        notes.append("all_zero")
    if constant:
        notes.append("constant")
    else:
        z, n_clip = hampel(z)
        if n_clip:
            notes.append(f"winsorised={n_clip}")
    return Prepared(z=z, kind=kind, offset=offset, scale=scale, relative=relative,
                    observed=observed, constant=constant, notes=notes, z_raw=z_raw,
                    all_zero=all_zero)
