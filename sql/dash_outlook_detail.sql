-- Dashboard explorer and brief: the outlook of run $run_id for the series in $series_ids, as
-- stored. The level now and the fallback of the judged interval need each series' measure, which
-- the caller already holds: skillpulse.services.outlook_rows.detail adds them (a join to `series`
-- here cost as much again as the look-up itself at a million series).
-- `IN (SELECT unnest(...))`, not list_contains: the semi join hands the scan the ids as a filter
-- it applies itself, so the other columns are read for those rows only (list_contains only
-- pruned row groups, then read every row of them; tests/test_dash_lookups.py).
SELECT series_id, status, last_period, last_value, horizon, forecast, lower_80, upper_80,
       growth_pct, growth_lower_80, growth_upper_80, q_value, half_life_months, half_life_lower,
       half_life_upper, changepoint, peak_ratio, market_relative_growth_pct, model,
       backtest_mase, coverage_80, coverage_95, note, growth_basis, mentions_12m
FROM outlook
WHERE run_id = $run_id AND series_id IN (SELECT unnest($series_ids));
