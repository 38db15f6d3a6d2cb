-- Changes: every month the earlier run $from_run forecast that the later run $to_run has
-- observed (after $from_run's as_of, up to $to_run's as_of): the observed value against the
-- 95% interval $from_run published for that month. One row per (series, month).
SELECT f.series_id, f.period, ob.value AS actual, f.mean, f.lower_95, f.upper_95
FROM forecast f
JOIN observation ob ON ob.series_id = f.series_id AND ob.period = f.period
WHERE f.run_id = $from_run
  AND f.period <= (SELECT as_of FROM forecast_run WHERE run_id = $to_run)
ORDER BY f.series_id, f.period;
