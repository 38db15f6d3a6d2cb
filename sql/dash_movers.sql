-- Dashboard overview: the $n series of run $run_id whose status is one of $statuses (rising or
-- emerging for the risers, declining or obsolescent for the decliners), most confident first:
-- $sign = 1 ranks by the highest lower 80% bound of growth, $sign = -1 by the lowest upper bound.
-- Stable or uncertain series never fill the list, however few movers there are; the market
-- excluded. A series without a growth figure (its level is indistinguishable from zero) ranks last.
-- The growth interval shown is that of the forecast itself (its 80% bounds at the horizon over
-- the level growth_pct starts from), so it always brackets growth_pct; the outlook's own
-- growth_lower/upper_80 may be judged on another quantity (a count's share of postings, said in
-- note). Bounds that do not bracket the forecast give no interval (and rank last).
WITH g AS (
    SELECT o.*,
           CASE WHEN o.growth_pct > -100 AND o.lower_80 <= o.forecast * (1 + 1e-9)
                     AND o.upper_80 >= o.forecast * (1 - 1e-9)
                THEN o.forecast / (1 + o.growth_pct / 100) END AS level
    FROM outlook o
    WHERE o.run_id = $run_id AND list_contains($statuses, o.status)
)
SELECT g.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       g.status, g.last_period, g.last_value, g.forecast, g.growth_pct,
       (g.lower_80 / nullif(g.level, 0) - 1) * 100 AS growth_lower_80,
       (g.upper_80 / nullif(g.level, 0) - 1) * 100 AS growth_upper_80,
       g.q_value, g.half_life_months, g.note
FROM g
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE k.category <> $market
ORDER BY (CASE WHEN $sign > 0 THEN g.lower_80 / nullif(g.level, 0)
               ELSE -g.upper_80 / nullif(g.level, 0) END) DESC NULLS LAST,
         g.growth_pct * $sign DESC NULLS LAST, k.name
LIMIT $n;
