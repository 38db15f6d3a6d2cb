-- Dashboard: segment values (source, region, occupation, measure) and how many series each has.
SELECT source, region, occupation, measure, count(*) AS n
FROM series s
JOIN skill k USING (skill_id)
WHERE k.category <> $market
GROUP BY source, region, occupation, measure
ORDER BY n DESC, source, region, occupation, measure;
