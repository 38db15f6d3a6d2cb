-- Dashboard: whole-market postings per month: the market series (category $market) summed over
-- segments when it exists, else the largest stored denominator ("total") of any series.
WITH m AS (
    SELECT o.period, sum(o.value) AS postings
    FROM observation o
    JOIN series s USING (series_id)
    JOIN skill k USING (skill_id)
    WHERE k.category = $market AND s.measure = 'count'
    GROUP BY o.period
),
t AS (
    SELECT period, max(total) AS postings FROM observation WHERE total IS NOT NULL GROUP BY period
)
SELECT period, postings FROM m
UNION ALL
SELECT period, postings FROM t WHERE NOT EXISTS (SELECT 1 FROM m)
ORDER BY period;
