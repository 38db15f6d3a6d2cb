-- Test/bench fixtures only: the observations of series $lo..$hi up to $as_of with their category.
SELECT o.series_id, k.category, o.period, o.value, o.total
FROM observation o
JOIN series s USING (series_id)
JOIN skill k USING (skill_id)
WHERE o.series_id BETWEEN $lo AND $hi AND o.period <= $as_of
ORDER BY o.series_id, o.period;
