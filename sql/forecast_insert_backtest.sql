-- forecast: bulk insert of the registered frame tmp_backtest for run $run_id.
INSERT INTO backtest (run_id, series_id, model, mase, coverage_80, coverage_95, origins)
SELECT $run_id, series_id, model, mase, coverage_80, coverage_95, origins
FROM tmp_backtest;
