-- Insert the staged monthly values (tmp_obs: series_id, period, value, total) of batch $batch_id.
INSERT INTO observation (series_id, period, value, total, batch_id)
SELECT series_id, period, value, total, $batch_id FROM tmp_obs;
