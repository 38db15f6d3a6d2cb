-- forecast: observations up to $as_of (NULL = all), ordered for packing into contiguous arrays.
SELECT series_id, period, value, total
FROM observation
WHERE $as_of IS NULL OR period <= CAST($as_of AS DATE)
ORDER BY series_id, period;
