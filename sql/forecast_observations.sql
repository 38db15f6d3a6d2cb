-- forecast: observations of series $lo..$hi up to $as_of (NULL = all), ordered for packing
-- into contiguous arrays (one bucket of series at a time: memory grows with the bucket).
SELECT series_id, period, value, total
FROM observation
WHERE series_id BETWEEN $lo AND $hi
  AND ($as_of IS NULL OR period <= CAST($as_of AS DATE))
ORDER BY series_id, period;
