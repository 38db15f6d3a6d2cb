-- Dashboard overview: the $n series of run $run_id that most confidently rise ($sign = 1: highest
-- lower 80% bound of growth) or decline ($sign = -1: lowest upper bound); the market and
-- too-short histories excluded.
SELECT o.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       o.status, o.last_period, o.last_value, o.forecast, o.growth_pct, o.growth_lower_80,
       o.growth_upper_80, o.q_value, o.half_life_months
FROM outlook o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE o.run_id = $run_id AND k.category <> $market AND o.growth_pct IS NOT NULL
  AND o.status <> 'insufficient-history'
  AND (o.growth_pct * $sign) > 0
ORDER BY (CASE WHEN $sign > 0 THEN o.growth_lower_80 ELSE -o.growth_upper_80 END) DESC NULLS LAST,
         o.growth_pct * $sign DESC, k.name
LIMIT $n;
