-- summaries: the per-series part of dash_market_context.sql for run $run_id (the same status
-- groups and mean level, parameters as there), kept in a temporary table so the writer can take
-- the medians a slice of months at a time (summary_market_context.sql) without recomputing it.
-- Must agree with dash_market_context.sql (tests/test_summaries.py compares them to the bit).
CREATE OR REPLACE TEMP TABLE summary_market_level AS
WITH grp AS (
    SELECT series_id,
           CASE WHEN list_contains($rising, status) THEN $grp_rising
                WHEN list_contains($declining, status) THEN $grp_declining
                ELSE $grp_other END AS grp
    FROM outlook WHERE run_id = $run_id
),
level AS (
    SELECT o.series_id, avg(o.value) AS mean_value
    FROM observation o
    JOIN series s USING (series_id)
    JOIN skill k USING (skill_id)
    WHERE k.category <> $market
    GROUP BY o.series_id
)
SELECT level.series_id, level.mean_value, coalesce(grp.grp, $grp_all) AS grp
FROM level
LEFT JOIN grp USING (series_id);
