-- Changes: the outlook of run $run_id, one row per skill series (the market excluded), with the
-- demand behind it: `volume` = mean monthly mentions over the 12 months up to the run's as_of
-- (the outlook's mentions_12m / 12 when the run stored it; else a count as stored, or a share
-- times the month's postings when the total is known), else the mean stored level
-- (`volume_is_mentions` says which). Growth and its 80% interval as every other table shows
-- them: the interval the status was judged on (`growth_lower_80`/`growth_upper_80` of the
-- outlook; empty for a run stored before it), not the monthly prediction interval at the
-- horizon (HN's AWS read "-29% (-34% to -23%)" among the movers and "-29% (80%: -73% to +14%)"
-- among the changes of the same brief).
WITH r AS (
    SELECT as_of FROM forecast_run WHERE run_id = $run_id
), o AS (
    SELECT * FROM outlook
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
       o.growth_lower_80, o.growth_upper_80,
       coalesce(o.mentions_12m / 12.0, v.mentions, v.mean_level, 0.0) AS volume,
       o.mentions_12m IS NOT NULL OR v.mentions IS NOT NULL AS volume_is_mentions
FROM o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
LEFT JOIN vol v USING (series_id)
WHERE k.category <> $market
ORDER BY o.series_id;
