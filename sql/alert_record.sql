-- Alerts: record that run $run_id's changes (against $from_run_id) went to webhook $webhook_key.
INSERT INTO alert_delivery (webhook_key, webhook_hint, run_id, from_run_id, changes, http_status)
VALUES ($webhook_key, $webhook_hint, $run_id, $from_run_id, $changes, $http_status);
