"""skillpulse: which microcompetencies are gaining demand and which are decaying, with honest uncertainty.

One import package assembled from the repository's top-level folders:

    skillpulse.data        settings, DuckDB store, SQL loader, ingest adapters, taxonomy, demo data
    skillpulse.models      forecasting, backtests, outlook, batch runs, L&D planning (never imports Dash)
    skillpulse.services    use cases both faces call (triage, gap plans, extraction, changes, alerts, brief)
    skillpulse.dashboard   the Dash app and the ``skillpulse`` command line
    skillpulse.sql         every SQL statement, loaded by name
"""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("skillpulse")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"
