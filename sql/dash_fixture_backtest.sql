-- Test/bench fixtures only: backtest rows from tmp_fx_backtest for run $run_id.
INSERT INTO backtest (run_id, series_id, model, mase, coverage_80, coverage_95, origins)
SELECT $run_id, series_id, model, mase, coverage_80, coverage_95, origins
FROM tmp_fx_backtest;
