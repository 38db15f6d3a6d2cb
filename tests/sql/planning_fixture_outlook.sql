-- Test fixtures only: an outlook row of run $run_id per staged skill's 'fixture' series
-- (tmp_fixture: skill, status, growth_pct, growth_lower_80, growth_upper_80, half_life_months).
INSERT INTO outlook (run_id, series_id, status, last_period, last_value, horizon, forecast,
                     lower_80, upper_80, growth_pct, growth_lower_80, growth_upper_80, half_life_months,
                     half_life_lower, half_life_upper)
SELECT $run_id, s.series_id, t.status, $as_of, 100.0, $horizon, 100.0 * (1 + t.growth_pct / 100),
       100.0 * (1 + t.growth_lower_80 / 100), 100.0 * (1 + t.growth_upper_80 / 100), t.growth_pct, t.growth_lower_80, t.growth_upper_80, t.half_life_months,
       t.half_life_months * 0.7, t.half_life_months * 1.4
FROM tmp_fixture t
JOIN skill k ON k.name_key = lower(trim(t.skill))
JOIN series s ON s.skill_id = k.skill_id AND s.source = 'fixture';
