-- Create the staged series (tmp_series: skill_id, source, region, occupation, measure) that are new.
INSERT INTO series (skill_id, source, region, occupation, measure)
SELECT DISTINCT skill_id, source, region, occupation, measure FROM tmp_series
ON CONFLICT DO NOTHING;
