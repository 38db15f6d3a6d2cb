"""Outlook status: the documented rules that turn a series' evidence into one verdict.

Rules, applied in order (the analysed quantity is the share of postings for count series with
totals, the series itself otherwise; "trend" is the modified Mann-Kendall test over the last
36 months, significant when its Benjamini-Hochberg ``q_value`` across all series of the run is
below ``FDR``):

1. ``insufficient-history``: fewer than ``min_history`` months.
2. ``stable``: a constant series.
3. ``obsolescent`` (collapse): the 12-month mean fell below ``COLLAPSE_RATIO`` of its peak, the
   peak is at least ``COLLAPSE_MONTHS`` ago, the fall since the peak is a significant decline
   (Mann-Kendall p < 0.01 from the peak on) and there is no significant recovery (the recent
   trend is not significantly upward). Flat-at-the-bottom still counts: the market moved on.
4. ``emerging``: significant upward trend, low base (the level at the start of the trend window
   was at most ``1/EMERGING_BASE_RATIO`` of today's and below the run's ``LOW_BASE_QUANTILE``
   quantile of current levels of comparable series) and significant acceleration (quadratic term
   of demand over the window, t ≥ ``ACCEL_T``, autocorrelation-inflated).
5. ``rising`` / ``declining``: a material change at the horizon (|growth| ≥ ``MATERIAL``), the
   80% interval of the horizon forecast excludes "no change", and a significant trend in the
   same direction. A declining series whose half-life is at most ``SHORT_HALF_LIFE`` months
   is ``obsolescent``.
6. ``uncertain``: the two kinds of evidence disagree (a significant trend the forecast does not
   carry, or a material forecast change without a significant trend), or the 80% interval at the
   horizon spans more than a factor ``WIDE_RATIO``.
7. ``stable``: otherwise.
"""
from __future__ import annotations

import math

from models.series import Evidence

STATUSES = ("emerging", "rising", "stable", "declining", "obsolescent", "uncertain",
            "insufficient-history")
FDR = 0.05
MATERIAL = 0.10
WIDE_RATIO = 4.0
SHORT_HALF_LIFE = 18.0
COLLAPSE_RATIO = 0.25
COLLAPSE_MONTHS = 12
COLLAPSE_P = 0.01
EMERGING_BASE_RATIO = 4.0
LOW_BASE_QUANTILE = 0.25
ACCEL_T = 2.0


def classify(ev: Evidence | None, q_value: float | None, *, min_history: int = 24,
             low_base_level: float | None = None) -> tuple[str, str]:
    """Return (status, reason) for one series given its evidence and its BH q-value.

    ``low_base_level``: the run's ``LOW_BASE_QUANTILE`` of current levels among comparable
    series (same kind); a base above it is not "low" whatever the growth. None = not used.
    """
    if ev is None or ev.n_months < min_history:
        return "insufficient-history", f"fewer than {min_history} months"
    if ev.constant:
        return "stable", "constant series"
    q = q_value if q_value is not None and math.isfinite(q_value) else 1.0
    up = q < FDR and ev.slope > 0
    down = q < FDR and ev.slope < 0
    if (math.isfinite(ev.peak_ratio) and ev.peak_ratio < COLLAPSE_RATIO
            and ev.months_since_peak >= COLLAPSE_MONTHS
            and math.isfinite(ev.collapse_p) and ev.collapse_p < COLLAPSE_P and ev.collapse_slope < 0
            and not up):
        return "obsolescent", (f"12-month level at {100 * ev.peak_ratio:.0f}% of its peak "
                               f"{ev.months_since_peak} months ago, no significant recovery")
    low_base = ev.base_ratio >= EMERGING_BASE_RATIO and (
        low_base_level is None or ev.start_level <= low_base_level)
    if up and low_base and ev.quad_t >= ACCEL_T:
        return "emerging", (f"×{ev.base_ratio:.1f} over the trend window, accelerating "
                            f"(t={ev.quad_t:.1f}), q={q:.3g}")
    material_up = ev.growth >= MATERIAL and ev.growth_lo80 > 0
    material_down = ev.growth <= -MATERIAL and ev.growth_hi80 < 0
    if material_up and up:
        return "rising", f"growth {100 * ev.growth:+.0f}% (80% interval above 0), q={q:.3g}"
    if material_down and down:
        hl = ev.half_life[0]
        if hl is not None and hl <= SHORT_HALF_LIFE:
            return "obsolescent", f"declining with half-life {hl:.0f} months, q={q:.3g}"
        return "declining", f"growth {100 * ev.growth:+.0f}% (80% interval below 0), q={q:.3g}"
    if up or down or material_up or material_down:
        return "uncertain", "trend test and forecast interval disagree"
    if math.isfinite(ev.width_ratio) and ev.width_ratio > WIDE_RATIO:
        return "uncertain", f"80% interval spans a factor {ev.width_ratio:.1f}"
    return "stable", "no material, significant change"
