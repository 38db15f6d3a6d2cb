-- Dashboard categories: the $n skills of category $category with the highest growth in run
-- $run_id (or, without a run, the highest latest level).
SELECT k.name, max(o.growth_pct) AS growth_pct
FROM skill k
JOIN series s USING (skill_id)
LEFT JOIN outlook o ON o.series_id = s.series_id AND o.run_id = $run_id
WHERE k.category = $category
GROUP BY k.name
ORDER BY max(o.growth_pct) DESC NULLS LAST, k.name
LIMIT $n;
