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

# The overview's market-context groups (one line each on the chart).
GROUP_RISING = "Rising & emerging"
GROUP_DECLINING = "Declining & obsolescent"
GROUP_OTHER = "Stable & other"
GROUP_ALL = "All skills"  # every skill, when there is no forecast run yet
GROUPS = (GROUP_RISING, GROUP_OTHER, GROUP_DECLINING, GROUP_ALL)
