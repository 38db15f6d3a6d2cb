"""skillpulse data layer: settings, DuckDB store, SQL loader, ingest adapters, taxonomy, demo data."""
