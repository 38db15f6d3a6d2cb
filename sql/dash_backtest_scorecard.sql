-- Dashboard methodology: rolling-origin backtest scorecard of run $run_id, one row per model
-- (series scored, median MASE, share beating seasonal naive, mean 80/95% coverage).
SELECT b.model, count(*) AS series, median(b.mase) AS median_mase, avg(b.mase) AS mean_mase,
       avg(CASE WHEN b.mase < 1 THEN 1.0 ELSE 0.0 END) * 100 AS pct_beats_snaive,
       avg(b.coverage_80) * 100 AS coverage_80, avg(b.coverage_95) * 100 AS coverage_95,
       CAST(sum(b.origins) AS BIGINT) AS origins
FROM backtest b
WHERE b.run_id = $run_id AND b.mase IS NOT NULL
GROUP BY b.model
ORDER BY (b.model = 'headline') DESC, median(b.mase), b.model;
