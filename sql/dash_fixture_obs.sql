-- Test/bench fixtures only: observations from tmp_fx_obs into batch $batch_id.
INSERT INTO observation (series_id, period, value, total, batch_id)
SELECT s.series_id, t.period, t.value, t.total, $batch_id
FROM tmp_fx_obs t
JOIN series s USING (skill_id, source, region, occupation, measure);
