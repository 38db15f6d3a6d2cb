-- Dashboard overview: the $n series of run $run_id that most confidently rise ($sign = 1: highest
-- lower 80% bound of growth) or decline ($sign = -1: lowest upper bound); the market and
-- too-short histories excluded.
-- The growth interval shown is that of the forecast itself (its 80% bounds at the horizon over
-- the level growth_pct starts from), so it always brackets growth_pct; the outlook's own
-- growth_lower/upper_80 may be judged on another quantity (a count's share of postings).
WITH g AS (
    SELECT o.*, o.forecast / (1 + o.growth_pct / 100) AS level
    FROM outlook o
    WHERE o.run_id = $run_id AND o.growth_pct IS NOT NULL AND o.growth_pct > -100
      AND o.status <> 'insufficient-history'
)
SELECT g.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       g.status, g.last_period, g.last_value, g.forecast, g.growth_pct,
       (g.lower_80 / nullif(g.level, 0) - 1) * 100 AS growth_lower_80,
       (g.upper_80 / nullif(g.level, 0) - 1) * 100 AS growth_upper_80,
       g.q_value, g.half_life_months
FROM g
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE k.category <> $market AND (g.growth_pct * $sign) > 0
ORDER BY (CASE WHEN $sign > 0 THEN g.lower_80 / nullif(g.level, 0)
               ELSE -g.upper_80 / nullif(g.level, 0) END) DESC NULLS LAST,
         g.growth_pct * $sign DESC, k.name
LIMIT $n;
