-- forecast: series with their skill and segment (the market series is flagged by category), in
-- series_id order: those after series id $after ($market: only market / only other series, NULL:
-- all), at most $n (NULL: all) — a run reads its series one bucket-sized page at a time.
SELECT s.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       (k.category = 'market') AS is_market
FROM series s
JOIN skill k USING (skill_id)
WHERE s.series_id > $after
  AND ($market IS NULL OR (k.category = 'market') = $market)
ORDER BY s.series_id
LIMIT $n;
