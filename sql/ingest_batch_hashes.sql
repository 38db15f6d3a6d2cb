-- Content hashes of every ingested file (re-ingesting one of these is a no-op).
SELECT DISTINCT sha256 FROM ingest_batch;
