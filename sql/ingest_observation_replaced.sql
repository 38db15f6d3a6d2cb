-- Stored values that the staged observations (tmp_obs: series_id, period) are about to replace,
-- per batch (latest batch wins): batch_id, n.
SELECT o.batch_id, count(*) AS n
FROM observation AS o
JOIN tmp_obs AS t ON o.series_id = t.series_id AND o.period = t.period
GROUP BY o.batch_id
ORDER BY o.batch_id;
