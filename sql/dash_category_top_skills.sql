-- Dashboard categories: per category, its $n skills with the highest growth in run $run_id
-- (or, without a run, alphabetical); one query for every category.
WITH ranked AS (
    SELECT k.category, k.name, max(o.growth_pct) AS growth_pct
    FROM skill k
    JOIN series s USING (skill_id)
    LEFT JOIN outlook o ON o.series_id = s.series_id AND o.run_id = $run_id
    WHERE k.category <> $market
    GROUP BY k.category, k.name
)
SELECT category, name, growth_pct
FROM ranked
QUALIFY row_number() OVER (PARTITION BY category ORDER BY growth_pct DESC NULLS LAST, name) <= $n
ORDER BY category, growth_pct DESC NULLS LAST, name;
