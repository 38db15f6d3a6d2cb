-- summaries: observations per month (market included), to cut a whole-store aggregate into
-- slices of months of a bounded number of values.
SELECT period, count(*) AS n
FROM observation
GROUP BY period
ORDER BY period;
