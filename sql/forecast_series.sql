-- forecast: series with their skill and segment (the market series is flagged by category), in
-- series_id order ($market: only market / only other series, NULL: all), the first $n (NULL:
-- all). A run streams the non-market ones a bucket at a time (store.stream).
SELECT s.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       (k.category = 'market') AS is_market
FROM series s
JOIN skill k USING (skill_id)
WHERE $market IS NULL OR (k.category = 'market') = $market
ORDER BY s.series_id
LIMIT $n;
