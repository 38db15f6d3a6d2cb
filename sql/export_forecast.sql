-- export forecast: every period of the horizon for every series of run $run_id.
-- $first..$last (skill names; NULL = all): one part of the skills, for exports in parts.
SELECT k.name AS skill, s.source, s.region, s.occupation, f.period,
       f.mean, f.lower_80, f.upper_80, f.lower_95, f.upper_95
FROM forecast f
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE f.run_id = $run_id
  AND ($first IS NULL OR k.name BETWEEN $first AND $last)
ORDER BY k.name, s.source, s.region, s.occupation, s.measure, f.period;
