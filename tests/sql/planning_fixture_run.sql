-- Test fixtures only: record a forecast run without fitting (as_of $as_of, horizon $horizon).
INSERT INTO forecast_run (as_of, horizon, settings, seconds)
VALUES ($as_of, $horizon, '{"fixture": true}', 0);
