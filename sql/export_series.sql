-- export series: every observation with its skill and segment (contract columns, period as date).
-- $first..$last (skill names; NULL = all): one part of the skills, for exports in parts.
SELECT k.name AS skill, k.category, s.source, s.region, s.occupation, s.measure,
       o.period, o.value, o.total
FROM observation o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE $first IS NULL OR k.name BETWEEN $first AND $last
ORDER BY k.name, s.source, s.region, s.occupation, s.measure, o.period;
