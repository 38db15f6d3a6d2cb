-- forecast: bulk insert of the registered frame tmp_outlook for run $run_id.
INSERT INTO outlook (run_id, series_id, status, last_period, last_value, horizon, forecast,
                     lower_80, upper_80, lower_95, upper_95, growth_pct, growth_lower_80,
                     growth_upper_80, p_value, q_value, half_life_months, half_life_lower,
                     half_life_upper, changepoint, peak_ratio, market_relative_growth_pct, model,
                     backtest_mase, coverage_80, coverage_95, note, growth_basis, mentions_12m)
SELECT $run_id, series_id, status, last_period, last_value, horizon, forecast,
       lower_80, upper_80, lower_95, upper_95, growth_pct, growth_lower_80,
       growth_upper_80, p_value, q_value, half_life_months, half_life_lower,
       half_life_upper, changepoint, peak_ratio, market_relative_growth_pct, model,
       backtest_mase, coverage_80, coverage_95, note, growth_basis, mentions_12m
FROM tmp_outlook;
