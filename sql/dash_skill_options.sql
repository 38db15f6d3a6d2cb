-- Dashboard: skills that have at least one series (the skill picker), market excluded.
SELECT k.skill_id, k.name, k.category, count(*) AS n_series
FROM skill k
JOIN series s USING (skill_id)
WHERE k.category <> $market
GROUP BY k.skill_id, k.name, k.category
ORDER BY lower(k.name);
