-- Insert the staged monthly values (tmp_obs: series_id, period, value, total) of batch $batch_id,
-- in series order: a series' months then sit in few row groups, whose min/max series ids let
-- look-ups of a few series (the explorer, sparklines, a forecast bucket) skip the rest.
INSERT INTO observation (series_id, period, value, total, batch_id)
SELECT series_id, period, value, total, $batch_id FROM tmp_obs
ORDER BY series_id, period;
