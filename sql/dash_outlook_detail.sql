-- Dashboard explorer: the outlook of run $run_id for the series in $series_ids.
SELECT series_id, status, last_period, last_value, horizon, forecast, growth_pct,
       growth_lower_80, growth_upper_80, q_value, half_life_months, half_life_lower,
       half_life_upper, changepoint, peak_ratio, market_relative_growth_pct, model,
       backtest_mase, coverage_80, coverage_95, note
FROM outlook
WHERE run_id = $run_id AND list_contains($series_ids, series_id);
