-- export backtest: accuracy of every candidate and the headline per series of run $run_id.
-- $first..$last (skill names; NULL = all): one part of the skills, for exports in parts.
SELECT k.name AS skill, s.source, s.region, s.occupation, b.model,
       b.mase, b.coverage_80, b.coverage_95, b.origins
FROM backtest b
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE b.run_id = $run_id
  AND ($first IS NULL OR k.name BETWEEN $first AND $last)
ORDER BY k.name, s.source, s.region, s.occupation, s.measure, b.model;
