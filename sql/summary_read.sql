-- Summaries: the store's stamp now — a fingerprint of what the dashboard's summaries depend on
-- besides the run: the newest ingest batch (every ingest adds one), the taxonomy (ids, names,
-- categories) and the series count — and the key of every result stored at that stamp (none:
-- one row, id NULL), oldest run first. Only the small columns: a frame comes by its key
-- (summary_frame.sql).
WITH now AS (
    SELECT hash((SELECT coalesce(max(batch_id), 0) FROM ingest_batch),
                (SELECT coalesce(bit_xor(hash(skill_id, name, category)), 0) FROM skill),
                (SELECT count(*) FROM series)) AS stamp
)
SELECT now.stamp, s.name, s.params, s.id
FROM now
LEFT JOIN summary s ON s.stamp = now.stamp
ORDER BY s.run_id NULLS FIRST, s.name, s.params;
