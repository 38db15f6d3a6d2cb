-- Dashboard explorer: the outlook of run $run_id for the series in $series_ids.
-- growth_lower/upper_80 here are the forecast's own 80% bounds as growth from the level that
-- growth_pct starts from (so they bracket it); the status may be judged on another quantity,
-- which the outlook's note states.
SELECT series_id, status, last_period, last_value, horizon, forecast, growth_pct,
       CASE WHEN growth_pct > -100 THEN (lower_80 / nullif(forecast / (1 + growth_pct / 100), 0) - 1)
            * 100 END AS growth_lower_80,
       CASE WHEN growth_pct > -100 THEN (upper_80 / nullif(forecast / (1 + growth_pct / 100), 0) - 1)
            * 100 END AS growth_upper_80,
       q_value, half_life_months, half_life_lower,
       half_life_upper, changepoint, peak_ratio, market_relative_growth_pct, model,
       backtest_mase, coverage_80, coverage_95, note
FROM outlook
WHERE run_id = $run_id AND list_contains($series_ids, series_id);
