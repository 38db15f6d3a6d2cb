-- Test/bench fixtures only: create the series named in tmp_fx_obs (skill_id + segment + measure).
INSERT INTO series (skill_id, source, region, occupation, measure)
SELECT DISTINCT skill_id, source, region, occupation, measure FROM tmp_fx_obs
ON CONFLICT DO NOTHING;
