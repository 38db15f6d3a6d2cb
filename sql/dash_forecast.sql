-- Dashboard explorer: forecast paths of run $run_id for the series in $series_ids.
SELECT series_id, period, mean, lower_80, upper_80, lower_95, upper_95
FROM forecast
WHERE run_id = $run_id AND list_contains($series_ids, series_id)
ORDER BY series_id, period;
