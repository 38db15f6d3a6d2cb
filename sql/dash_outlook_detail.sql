-- Dashboard explorer: the outlook of run $run_id for the series in $series_ids.
-- growth_pct is the change of the expected level at the horizon on growth_basis (the share of
-- postings for counts with the month's postings); on the series' own unit it is the forecast at
-- the horizon over `level`, the model's level now (its de-noised last months, which can differ
-- from last_value, the raw last month) — `level` is null when growth is on another basis. The
-- interval shown is the one the status was judged on (growth_lower/upper_80); runs without it
-- fall back to the forecast's own 80% bounds over that level when they bracket the forecast.
-- `IN (SELECT unnest(...))`, not list_contains: the semi join hands the scan the ids as a filter
-- it applies itself, so the other columns are read for those rows only (list_contains only
-- pruned row groups, then read every row of them; tests/test_dash_lookups.py).
WITH o AS (
    SELECT *,
           CASE WHEN growth_pct > -100 AND (growth_basis IS NULL OR growth_basis = s.measure)
                THEN forecast / (1 + growth_pct / 100) END AS level,
           lower_80 <= forecast * (1 + 1e-9) AND upper_80 >= forecast * (1 - 1e-9) AS brackets
    FROM outlook JOIN series s USING (series_id)
    WHERE run_id = $run_id AND series_id IN (SELECT unnest($series_ids))
      AND s.series_id IN (SELECT unnest($series_ids))  -- both scans skip to the few series asked
)
SELECT o.series_id, o.measure, status, last_period, last_value, horizon, forecast, growth_pct, level,
       coalesce(o.growth_lower_80,
                CASE WHEN brackets THEN (lower_80 / nullif(level, 0) - 1) * 100 END) AS growth_lower_80,
       coalesce(o.growth_upper_80,
                CASE WHEN brackets THEN (upper_80 / nullif(level, 0) - 1) * 100 END) AS growth_upper_80,
       q_value, half_life_months, half_life_lower,
       half_life_upper, changepoint, peak_ratio, market_relative_growth_pct, model,
       backtest_mase, coverage_80, coverage_95, note, growth_basis, mentions_12m
FROM o;
