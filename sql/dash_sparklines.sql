-- Dashboard: the last $months months of history for the series in $series_ids (sparklines).
WITH last AS (SELECT max(period) AS p FROM observation WHERE list_contains($series_ids, series_id))
SELECT o.series_id, o.period, o.value
FROM observation o, last
WHERE list_contains($series_ids, o.series_id)
  AND o.period > last.p - to_months($months)
ORDER BY o.series_id, o.period;
