-- Summaries: the store's stamp now — a fingerprint of what the dashboard's summaries depend on
-- besides the run: the newest ingest batch (every ingest adds one), the taxonomy (ids, names,
-- categories) and the series count — and the key of the stored result of query $query with
-- $params written at that stamp (id NULL when there is none, or when $query is NULL: the stamp
-- alone). Only the small columns are read here; the frame comes by its key (summary_frame.sql).
WITH now AS (
    SELECT hash((SELECT coalesce(max(batch_id), 0) FROM ingest_batch),
                (SELECT coalesce(bit_xor(hash(skill_id, name, category)), 0) FROM skill),
                (SELECT count(*) FROM series)) AS stamp
)
SELECT now.stamp, s.id
FROM now
LEFT JOIN summary s ON s.name = $query AND s.params = $params AND s.stamp = now.stamp
ORDER BY s.run_id DESC NULLS LAST
LIMIT 1;
