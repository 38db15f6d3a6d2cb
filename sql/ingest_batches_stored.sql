-- What batches $first_batch and later hold now (one ingest command): monthly values and series.
SELECT count(*) AS n_rows, count(DISTINCT series_id) AS n_series
FROM observation
WHERE batch_id >= $first_batch;
