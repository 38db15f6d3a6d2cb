-- Dashboard categories: per category and year, the growth (%) of the category's mean demand
-- over the previous year (mean over its series of each series' yearly mean). Market excluded.
WITH yearly AS (
    SELECT k.category, o.series_id, year(o.period) AS year, avg(o.value) AS level,
           count(*) AS months
    FROM observation o
    JOIN series s USING (series_id)
    JOIN skill k USING (skill_id)
    WHERE k.category <> $market
    GROUP BY ALL
),
cat AS (
    SELECT category, year, avg(level) AS level, count(*) AS series, min(months) AS months
    FROM yearly GROUP BY ALL
)
SELECT category, year, series, months,
       (level / nullif(lag(level) OVER (PARTITION BY category ORDER BY year), 0) - 1) * 100
           AS growth_pct
FROM cat
ORDER BY category, year;
