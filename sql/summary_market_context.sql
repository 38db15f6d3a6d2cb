-- summaries: dash_market_context.sql for the months $first..$last, from the per-series levels
-- and groups in summary_market_level (summary_market_level.sql). A median holds every value of
-- its group and cannot spill: one slice of months at a time bounds that (each group lies in one
-- slice, so the rows are the whole query's).
SELECT o.period, l.grp, median(o.value / nullif(l.mean_value, 0) * 100) AS idx, count(*) AS n
FROM observation o
JOIN summary_market_level l USING (series_id)
WHERE o.period BETWEEN CAST($first AS DATE) AND CAST($last AS DATE)
GROUP BY ALL
ORDER BY grp, period;
