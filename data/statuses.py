"""The status vocabulary and its groupings: defined once, used by the models, the pages, the demo
samples and (as bound parameters) the SQL.

The strings are part of the public contract (``export outlook``'s ``status`` column, DESIGN
"Forecast and outlook"); the schema's CHECK constraint lists the same seven.
"""
from __future__ import annotations

STATUSES = ("emerging", "rising", "stable", "declining", "obsolescent", "uncertain",
            "insufficient-history")
RISING = ("rising", "emerging")          # demand grows: build, acquire, deepen
DECLINING = ("declining", "obsolescent")  # demand shrinks: retire, refresh
# A collapse: the 12-month mean below this share of its peak (``models.outlook`` rule 3; the
# plans' sentences cite the fall from the peak of a skill declining for that reason).
COLLAPSE_RATIO = 0.25
# Months of the trend test and of the half-life's fitted decay (``models.fast.TREND_WINDOW``).
TREND_WINDOW = 36


def of_peak(ratio: float) -> str:
    """``at 13% of its peak``; ``below 1% of its peak`` rather than "at 0%" for a trickle."""
    return "below 1% of its peak" if ratio < 0.005 else f"at {100 * ratio:.0f}% of its peak"


def halving(months: float) -> str:
    """``halving every 26 months on its 3-year trend``. The half-life is the fitted decay of the
    last ``TREND_WINDOW`` months, not the forecast: a damped forecast may expect the fall to slow
    (MySQL on HN: halving every 26 months, -5% in the next 24), and a bare "half-life 26 months"
    beside "-5% in 24 months" reads as a contradiction."""
    span = f"{TREND_WINDOW // 12}-year" if TREND_WINDOW % 12 == 0 else f"{TREND_WINDOW}-month"
    return f"halving every {months:.0f} months on its {span} trend"

# The overview's market-context groups (one line each on the chart).
GROUP_RISING = "Rising & emerging"
GROUP_DECLINING = "Declining & obsolescent"
GROUP_OTHER = "Stable & other"
GROUP_ALL = "All skills"  # every skill, when there is no forecast run yet
GROUPS = (GROUP_RISING, GROUP_OTHER, GROUP_DECLINING, GROUP_ALL)
