-- Record one ingested file (provenance); returns its batch id.
INSERT INTO ingest_batch (source_file, sha256, format, rows)
VALUES ($source_file, $sha256, $format, $rows)
RETURNING batch_id;
