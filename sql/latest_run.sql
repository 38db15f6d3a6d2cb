-- The newest forecast run (highest id), or no row.
SELECT run_id, as_of, horizon, created_at, settings, seconds
FROM forecast_run ORDER BY run_id DESC LIMIT 1;
