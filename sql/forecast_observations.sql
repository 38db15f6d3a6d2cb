-- forecast: observations of the series $ids (all within $lo..$hi: the range lets DuckDB skip row
-- groups) up to $as_of (NULL = all), ordered for packing into contiguous arrays (one bucket of
-- series at a time: memory grows with the bucket).
SELECT series_id, period, value, total
FROM observation
WHERE series_id BETWEEN $lo AND $hi
  AND series_id IN (SELECT unnest(CAST($ids AS INTEGER[])))
  AND ($as_of IS NULL OR period <= CAST($as_of AS DATE))
ORDER BY series_id, period;
