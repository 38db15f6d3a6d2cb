"""One typed settings object for skillpulse; the only place that reads ``SKILLPULSE_*`` variables."""
from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

ENV_PREFIX = "SKILLPULSE_"


@dataclass(frozen=True)
class Settings:
    """Tunable limits and defaults. Each field can be overridden by ``SKILLPULSE_<FIELD>``.

    Attributes:
        db: default database path (``--db`` falls back to it).
        keep_versions: how many published database versions to keep on disk.
        min_history: months of history below which a series is ``insufficient-history``.
        horizon: default forecast horizon in months.
        max_upload_bytes: largest upload the dashboard server accepts.
        max_skill_name: longest skill name accepted from input files.
        cache_size: entries in the dashboard's per-process query cache (0 disables it).
        response_cache_mb: megabytes of rendered read-only callback responses each dashboard
            server process keeps (0 disables it; ``dashboard.responses``).
        progress: show progress bars on a terminal.
        lock_timeout: seconds a writer waits for another skillpulse writer before giving up.
        alert_timeout: seconds ``skillpulse alerts`` waits for the webhook to answer, per attempt.
        alert_retries: further attempts after a failed delivery (timeouts, 5xx, 429).
        alert_backoff: seconds before the first retry; doubled before each next one.
        chromium: the headless browser ``skillpulse report --pdf`` prints with.
        dask_connect_timeout: seconds to wait for a ``--scheduler`` to answer (``--engine dask``).
        max_table_bytes: largest input file of a format read whole into memory (every format
            but job postings, which are streamed).
        max_upload_rows: most rows a dashboard upload (catalogue, inventory) may have.
        upload_wait: seconds an upload waits for another one in the same server process.
        run_duckdb_memory: DuckDB's memory cap (e.g. ``64MB``) for a forecast run's reads and
            inserts and for ``skillpulse export`` (``data.store.Memory``: it evicts and spills
            beyond it), so their memory does not grow with the database; raise it if a run
            stops on DuckDB's "Out of Memory".
        summary_duckdb_memory: DuckDB's memory cap while a run writes the dashboard summaries
            (their medians hold a slice of values that cannot spill; see ``data.summaries``).
    """

    db: str = "skillpulse.duckdb"
    keep_versions: int = 3
    min_history: int = 24
    horizon: int = 24
    max_upload_bytes: int = 5 * 1024 * 1024
    max_skill_name: int = 200
    cache_size: int = 256
    response_cache_mb: int = 32
    progress: bool = True
    lock_timeout: float = 30.0
    alert_timeout: float = 10.0
    alert_retries: int = 3
    alert_backoff: float = 2.0
    chromium: str = "/usr/bin/chromium"
    dask_connect_timeout: float = 20.0
    max_table_bytes: int = 512 * 1024 * 1024
    max_upload_rows: int = 5_000
    upload_wait: float = 20.0
    run_duckdb_memory: str = "64MB"
    summary_duckdb_memory: str = "256MB"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is None or raw == "":
                continue
            if f.type in ("int", int):
                values[f.name] = int(raw)
            elif f.type in ("float", float):
                values[f.name] = float(raw)
            elif f.type in ("bool", bool):
                values[f.name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                values[f.name] = raw
        return cls(**values)  # type: ignore[arg-type]

    @property
    def db_path(self) -> Path:
        return Path(self.db)


def get_settings() -> Settings:
    return Settings.from_env()
