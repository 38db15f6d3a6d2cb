-- Dashboard: the last $months months of history for the series in $series_ids (sparklines).
-- `IN (SELECT unnest(...))`, not list_contains: the semi join hands the scan the ids as a filter
-- it applies itself, so the other columns are read for those rows only (list_contains only
-- pruned row groups, then read every row of them; tests/test_dash_lookups.py).
WITH last AS (SELECT max(period) AS p FROM observation WHERE series_id IN (SELECT unnest($series_ids)))
SELECT o.series_id, o.period, o.value
FROM observation o, last
WHERE o.series_id IN (SELECT unnest($series_ids))
  AND o.period > last.p - to_months($months)
ORDER BY o.series_id, o.period;
