-- export series: every observation with its skill and segment (contract columns, period as date).
SELECT k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       o.period, o.value, o.total
FROM observation o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
ORDER BY k.name, s.source, s.region, s.occupation, s.measure, o.period;
