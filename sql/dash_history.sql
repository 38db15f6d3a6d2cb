-- Dashboard explorer: history of the series of skills $skill_ids, optionally one segment
-- ($source/$region/$occupation null = any).
SELECT k.skill_id, k.name AS skill, s.series_id, s.source, s.region, s.occupation, s.measure,
       o.period, o.value, o.total
FROM series s
JOIN skill k USING (skill_id)
JOIN observation o USING (series_id)
WHERE list_contains($skill_ids, s.skill_id)
  AND ($source IS NULL OR s.source = $source)
  AND ($region IS NULL OR s.region = $region)
  AND ($occupation IS NULL OR s.occupation = $occupation)
ORDER BY k.name, s.series_id, o.period;
