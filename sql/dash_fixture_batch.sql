-- Test/bench fixtures only: record one ingest batch, returning its id.
INSERT INTO ingest_batch (source_file, sha256, format, rows)
VALUES ($source_file, $sha256, 'synthetic', $rows)
RETURNING batch_id;
