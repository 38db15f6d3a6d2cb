-- Dashboard: how fresh the data is (last and first month, observations, series and skills).
SELECT max(period) AS last_period, min(period) AS first_period, count(*) AS observations,
       (SELECT count(*) FROM series) AS series,
       (SELECT count(DISTINCT skill_id) FROM series) AS skills
FROM observation;
