-- Dashboard categories: per category and year, the median over the category's series of each
-- series' growth (%) of its yearly mean demand over the previous year. Demand is the share of
-- postings where a count series stores its market total, so a market slump is not read as a
-- category's decline. Only series observed at
-- least 6 months in both years count, so skills appearing or vanishing do not move a category
-- (a plain category mean would fall whenever a new, small skill joins it). Market excluded.
-- $first_year / $last_year (NULL: every year) bound the years reported, reading one year before
-- for the growth: the run's writer computes the medians a slice of years at a time
-- (data/summaries.py ``category_growth``), since a median holds every value of its group.
WITH yearly AS (
    SELECT k.category, o.series_id, year(o.period) AS year,
           avg(CASE WHEN s.measure = 'count' AND o.total > 0 THEN o.value / o.total
                    ELSE o.value END) AS level,
           count(*) AS months
    FROM observation o
    JOIN series s USING (series_id)
    JOIN skill k USING (skill_id)
    WHERE k.category <> $market
      AND ($first_year IS NULL OR o.period >= make_date(CAST($first_year AS INTEGER) - 1, 1, 1))
      AND ($last_year IS NULL OR o.period < make_date(CAST($last_year AS INTEGER) + 1, 1, 1))
    GROUP BY ALL
),
growth AS (
    SELECT category, series_id, year, months,
           level / nullif(lag(level) OVER (PARTITION BY series_id ORDER BY year), 0) - 1 AS g,
           lag(months) OVER (PARTITION BY series_id ORDER BY year) AS prev_months,
           lag(year) OVER (PARTITION BY series_id ORDER BY year) AS prev_year
    FROM yearly
)
SELECT category, year,
       count(*) FILTER (WHERE g IS NOT NULL AND months >= 6 AND prev_months >= 6
                        AND prev_year = year - 1) AS series,
       min(months) AS months,
       median(g) FILTER (WHERE g IS NOT NULL AND months >= 6 AND prev_months >= 6
                         AND prev_year = year - 1) * 100 AS growth_pct
FROM growth
WHERE $first_year IS NULL OR year >= CAST($first_year AS INTEGER)
GROUP BY category, year
ORDER BY category, year;
