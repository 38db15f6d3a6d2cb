-- Dashboard overview: the $n series of run $run_id whose status is one of $statuses (rising or
-- emerging for the risers, declining or obsolescent for the decliners), ranked by the demand at
-- stake: postings a month gained ($sign = 1) or lost ($sign = -1) at the horizon =
-- mentions a month (mentions_12m / 12) × growth_pct; series without counts rank by growth_pct
-- after them (their level is in another unit). Stable or uncertain series never fill the list;
-- the market excluded. The interval shown is the one the status was judged on (growth_lower/
-- upper_80, on growth_basis, like growth_pct); runs without it fall back to the forecast's own
-- 80% bounds over the level growth_pct starts from.
WITH g AS (
    SELECT o.*,
           CASE WHEN o.growth_pct > -100 AND o.lower_80 <= o.forecast * (1 + 1e-9)
                     AND o.upper_80 >= o.forecast * (1 - 1e-9)
                THEN o.forecast / (1 + o.growth_pct / 100) END AS level,
           o.mentions_12m / 12 * o.growth_pct / 100 AS stake
    FROM outlook o
    WHERE o.run_id = $run_id AND list_contains($statuses, o.status)
)
SELECT g.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       g.status, g.last_period, g.last_value, g.forecast, g.growth_pct,
       coalesce(g.growth_lower_80, (g.lower_80 / nullif(g.level, 0) - 1) * 100) AS growth_lower_80,
       coalesce(g.growth_upper_80, (g.upper_80 / nullif(g.level, 0) - 1) * 100) AS growth_upper_80,
       g.q_value, g.half_life_months, g.note, g.growth_basis, g.mentions_12m,
       g.mentions_12m / 12 AS mentions_month, g.stake
FROM g
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE k.category <> $market
ORDER BY g.stake * $sign DESC NULLS LAST, g.growth_pct * $sign DESC NULLS LAST, k.name
LIMIT $n;
