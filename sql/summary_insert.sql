-- Summaries: store the result of query $query with $params for run $run_id (replacing it); the
-- key is the expression of migration 005.
INSERT OR REPLACE INTO summary (id, run_id, name, params, stamp, frame)
VALUES (md5_number_upper(concat_ws('|', $run_id, $query, $params)), $run_id, $query, $params,
        $stamp, $frame);
