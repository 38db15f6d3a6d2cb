-- forecast: how many series a run reads ($market: market series or the others), for its progress.
SELECT count(*) AS n
FROM series s
JOIN skill k USING (skill_id)
WHERE (k.category = 'market') = $market;
