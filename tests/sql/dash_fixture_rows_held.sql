-- Tests: rows of the series in $ids, and all rows, per table a look-up reads (test_dash_lookups).
SELECT 'forecast' AS tbl, count(*) FILTER (WHERE list_contains($ids, series_id)) AS held, count(*) AS total FROM forecast
UNION ALL
SELECT 'outlook', count(*) FILTER (WHERE list_contains($ids, series_id)), count(*) FROM outlook
UNION ALL
SELECT 'observation', count(*) FILTER (WHERE list_contains($ids, series_id)), count(*) FROM observation
UNION ALL
SELECT 'series', count(*) FILTER (WHERE list_contains($ids, series_id)), count(*) FROM series;
