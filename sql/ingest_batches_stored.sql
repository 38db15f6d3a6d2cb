-- What batches $first_batch and later hold now (one ingest command): monthly values, series and
-- skills.
SELECT count(*) AS n_rows, count(DISTINCT o.series_id) AS n_series,
       count(DISTINCT s.skill_id) AS n_skills
FROM observation AS o
JOIN series AS s USING (series_id)
WHERE o.batch_id >= $first_batch;
