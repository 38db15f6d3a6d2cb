-- Series ids of the staged series (tmp_series: series_key, skill_id, source, region, occupation,
-- measure); series_id is null for a series not yet in the store.
SELECT t.series_key, s.series_id
FROM tmp_series t
LEFT JOIN series s
  ON s.skill_id = t.skill_id AND s.source = t.source AND s.region = t.region
 AND s.occupation = t.occupation AND s.measure = t.measure;
