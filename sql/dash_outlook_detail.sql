-- Dashboard explorer: the outlook of run $run_id for the series in $series_ids.
-- growth_pct compares the forecast at the horizon with `level`, the model's level now (its
-- de-noised last months, which can differ from last_value, the raw last month). The growth
-- interval shown is the forecast's own 80% bounds at the horizon over that same level, so it
-- brackets growth_pct; it is left out when the stored bounds do not bracket the forecast (never a
-- contradictory interval). The status may be judged on another quantity (the note says which).
WITH o AS (
    SELECT *, CASE WHEN growth_pct > -100 THEN forecast / (1 + growth_pct / 100) END AS level,
           lower_80 <= forecast * (1 + 1e-9) AND upper_80 >= forecast * (1 - 1e-9) AS brackets
    FROM outlook
    WHERE run_id = $run_id AND list_contains($series_ids, series_id)
)
SELECT o.series_id, s.measure, status, last_period, last_value, horizon, forecast, growth_pct, level,
       CASE WHEN brackets THEN (lower_80 / nullif(level, 0) - 1) * 100 END AS growth_lower_80,
       CASE WHEN brackets THEN (upper_80 / nullif(level, 0) - 1) * 100 END AS growth_upper_80,
       q_value, half_life_months, half_life_lower,
       half_life_upper, changepoint, peak_ratio, market_relative_growth_pct, model,
       backtest_mase, coverage_80, coverage_95, note
FROM o JOIN series s USING (series_id);
