-- Test fixtures only: stored 80% bounds of one series that do not bracket its forecast.
UPDATE outlook SET lower_80 = forecast * 1.1, upper_80 = forecast * 1.3
WHERE run_id = $run_id AND series_id = $series_id;
