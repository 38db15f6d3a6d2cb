-- Test/bench fixtures only: every observation up to $as_of with its series id and category.
SELECT o.series_id, k.category, o.period, o.value, o.total
FROM observation o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE o.period <= $as_of
ORDER BY o.series_id, o.period;
