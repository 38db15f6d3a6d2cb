-- Alerts: the runs whose changes were already delivered to the webhook with key $webhook_key.
SELECT run_id, from_run_id, changes, http_status, delivered_at
FROM alert_delivery
WHERE webhook_key = $webhook_key
ORDER BY run_id;
