-- Changes: the outlook of run $run_id, one row per skill series (the market excluded), with the
-- demand behind it: `volume` = mean monthly mentions over the 12 months up to the run's as_of
-- (the outlook's mentions_12m / 12 when the run stored it; else a count as stored, or a share
-- times the month's postings when the total is known), else the mean stored level
-- (`volume_is_mentions` says which). Growth and its 80% interval as the dashboard
-- shows them: the forecast's own bounds at the horizon over the level growth starts from.
WITH r AS (
    SELECT as_of FROM forecast_run WHERE run_id = $run_id
), o AS (
    SELECT *, CASE WHEN growth_pct > -100 THEN forecast / (1 + growth_pct / 100) END AS level,
           lower_80 <= forecast * (1 + 1e-9) AND upper_80 >= forecast * (1 - 1e-9) AS brackets
    FROM outlook
    WHERE run_id = $run_id
), vol AS (
    SELECT ob.series_id,
           avg(CASE WHEN s.measure = 'count' THEN ob.value
                    WHEN s.measure = 'share' AND ob.total IS NOT NULL THEN ob.value * ob.total / 100
               END) AS mentions,
           avg(ob.value) AS mean_level
    FROM observation ob
    JOIN o USING (series_id)
    JOIN series s USING (series_id)
    CROSS JOIN r
    WHERE ob.period > r.as_of - INTERVAL 12 MONTH AND ob.period <= r.as_of
    GROUP BY ob.series_id
)
SELECT o.series_id, k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       o.status, o.last_period, o.last_value, o.horizon, o.growth_pct,
       CASE WHEN brackets THEN (o.lower_80 / nullif(o.level, 0) - 1) * 100 END AS growth_lower_80,
       CASE WHEN brackets THEN (o.upper_80 / nullif(o.level, 0) - 1) * 100 END AS growth_upper_80,
       coalesce(o.mentions_12m / 12.0, v.mentions, v.mean_level, 0.0) AS volume,
       o.mentions_12m IS NOT NULL OR v.mentions IS NOT NULL AS volume_is_mentions
FROM o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
LEFT JOIN vol v USING (series_id)
WHERE k.category <> $market
ORDER BY o.series_id;
