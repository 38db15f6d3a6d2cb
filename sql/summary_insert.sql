-- Summaries: store the result of query $query with $params for run $run_id (replacing it).
INSERT OR REPLACE INTO summary (run_id, name, params, stamp, frame)
VALUES ($run_id, $query, $params, $stamp, $frame);
