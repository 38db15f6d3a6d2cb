-- Latest batch wins: drop stored values for the staged (series_id, period) pairs (tmp_obs).
DELETE FROM observation AS o
USING tmp_obs AS t
WHERE o.series_id = t.series_id AND o.period = t.period;
