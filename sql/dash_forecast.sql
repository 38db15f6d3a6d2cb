-- Dashboard explorer: forecast paths of run $run_id for the series in $series_ids.
-- `IN (SELECT unnest(...))`, not list_contains: the semi join hands the scan the ids as a filter
-- it applies itself, so the other columns are read for those rows only (list_contains only
-- pruned row groups, then read every row of them; tests/test_dash_lookups.py).
SELECT series_id, period, mean, lower_80, upper_80, lower_95, upper_95
FROM forecast
WHERE run_id = $run_id AND series_id IN (SELECT unnest($series_ids))
ORDER BY series_id, period;
