-- Summaries: the stored result of query $query with $params, when written at the store's $stamp.
SELECT frame FROM summary
WHERE name = $query AND params = $params AND stamp = $stamp
ORDER BY run_id DESC
LIMIT 1;
