-- Dashboard explorer: the whole-market series (category $market), history and, for run $run_id,
-- forecast means; kind = 'history' | 'forecast'. Used for the market-relative view.
SELECT s.series_id, s.source, s.region, s.occupation, s.measure, o.period, o.value,
       'history' AS kind
FROM series s
JOIN skill k USING (skill_id)
JOIN observation o USING (series_id)
WHERE k.category = $market
UNION ALL
SELECT s.series_id, s.source, s.region, s.occupation, s.measure, f.period, f.mean AS value,
       'forecast' AS kind
FROM series s
JOIN skill k USING (skill_id)
JOIN forecast f USING (series_id)
WHERE k.category = $market AND f.run_id = $run_id
ORDER BY series_id, kind DESC, period;
