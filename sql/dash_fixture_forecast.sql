-- Test/bench fixtures only: forecast rows from tmp_fx_forecast for run $run_id.
INSERT INTO forecast (run_id, series_id, period, mean, lower_80, upper_80, lower_95, upper_95)
SELECT $run_id, series_id, period, mean, lower_80, upper_80, lower_95, upper_95
FROM tmp_fx_forecast;
