-- Dashboard: how fresh the data is (last and first month, series and skills with data).
SELECT max(o.period) AS last_period, min(o.period) AS first_period,
       count(DISTINCT o.series_id) AS series, count(DISTINCT s.skill_id) AS skills,
       count(*) AS observations
FROM observation o
JOIN series s USING (series_id);
