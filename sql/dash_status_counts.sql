-- Dashboard overview: how many series have each status in run $run_id (market excluded).
SELECT o.status, count(*) AS n
FROM outlook o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE o.run_id = $run_id AND k.category <> $market
GROUP BY o.status;
