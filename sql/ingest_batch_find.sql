-- The earliest ingest batch of a file with this content ($sha256), or no row.
SELECT batch_id, source_file, format, rows, loaded_at
FROM ingest_batch WHERE sha256 = $sha256
ORDER BY batch_id LIMIT 1;
