-- Test/bench fixtures only: a forecast run row, returning its id.
INSERT INTO forecast_run (as_of, horizon, settings, seconds)
VALUES ($as_of, $horizon, '{"synthetic": true}', $seconds)
RETURNING run_id;
