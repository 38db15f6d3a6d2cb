-- Dashboard: every forecast run, newest first (the "as of" picker).
SELECT run_id, as_of, horizon, created_at, seconds
FROM forecast_run
ORDER BY run_id DESC;
