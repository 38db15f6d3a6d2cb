-- Dashboard overview: demand index (each series = 100 at its own mean) by status group per month,
-- for run $run_id (groups from its outlook; all skills when $run_id is null). Market excluded.
WITH grp AS (
    SELECT series_id,
           CASE WHEN status IN ('rising', 'emerging') THEN 'Rising & emerging'
                WHEN status IN ('declining', 'obsolescent') THEN 'Declining & obsolescent'
                ELSE 'Stable & other' END AS grp
    FROM outlook WHERE run_id = $run_id
),
obs AS (
    SELECT o.series_id, o.period,
           o.value / nullif(avg(o.value) OVER (PARTITION BY o.series_id), 0) * 100 AS idx
    FROM observation o
    JOIN series s USING (series_id)
    JOIN skill k USING (skill_id)
    WHERE k.category <> $market
)
SELECT obs.period, coalesce(grp.grp, 'All skills') AS grp, median(obs.idx) AS idx,
       count(*) AS n
FROM obs LEFT JOIN grp USING (series_id)
GROUP BY ALL
ORDER BY grp, period;
