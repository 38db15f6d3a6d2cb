-- export: skills with series, in the exports' order (name), with their series count: an export
-- runs part by part (a range of names at a time), so its sort holds one part of the rows.
SELECT k.name, count(*) AS n
FROM skill k
JOIN series s USING (skill_id)
GROUP BY k.name
ORDER BY k.name;
