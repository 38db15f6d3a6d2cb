-- Summaries: a fingerprint of what the dashboard's summaries depend on besides the run — the newest
-- ingest batch (every ingest adds one), the taxonomy (ids, names, categories) and the series count.
SELECT hash((SELECT coalesce(max(batch_id), 0) FROM ingest_batch),
            (SELECT coalesce(bit_xor(hash(skill_id, name, category)), 0) FROM skill),
            (SELECT count(*) FROM series)) AS stamp;
