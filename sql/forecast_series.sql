-- forecast: every series with its skill and segment (the market series is flagged by category).
SELECT s.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       (k.category = 'market') AS is_market
FROM series s
JOIN skill k USING (skill_id)
ORDER BY s.series_id;
