-- export outlook: one row per series of run $run_id (contract columns first).
-- $first..$last (skill names; NULL = all): one part of the skills, for exports in parts.
SELECT k.name AS skill, k.category, s.source, s.region, s.occupation,
       o.status, o.last_period, o.last_value, o.horizon, o.forecast,
       o.lower_80, o.upper_80, o.lower_95, o.upper_95, o.growth_pct,
       o.p_value, o.q_value, o.half_life_months, o.changepoint, o.model,
       o.backtest_mase, o.coverage_80, o.growth_basis, o.growth_lower_80, o.growth_upper_80,
       o.mentions_12m
FROM outlook o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE o.run_id = $run_id
  AND ($first IS NULL OR k.name BETWEEN $first AND $last)
ORDER BY k.name, s.source, s.region, s.occupation, s.measure;
