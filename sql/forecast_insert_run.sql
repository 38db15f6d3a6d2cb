-- forecast: record one run (its id is returned).
INSERT INTO forecast_run (as_of, horizon, settings, seconds)
VALUES (CAST($as_of AS DATE), $horizon, $settings, $seconds)
RETURNING run_id;
