-- Dashboard: how fresh the data is (last and first month, observations) and what it covers:
-- skill series and skills (category <> $market) apart from the whole-market series.
WITH s AS (
    SELECT s.series_id, s.skill_id, k.category = $market AS is_market
    FROM series s JOIN skill k USING (skill_id)
)
SELECT max(period) AS last_period, min(period) AS first_period, count(*) AS observations,
       (SELECT count(*) FROM s) AS series,
       (SELECT count(*) FROM s WHERE NOT is_market) AS skill_series,
       (SELECT count(*) FROM s WHERE is_market) AS market_series,
       (SELECT count(DISTINCT skill_id) FROM s WHERE NOT is_market) AS skills
FROM observation;
