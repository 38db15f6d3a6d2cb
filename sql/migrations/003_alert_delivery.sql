-- 003: a record of delivered alerts: which run's changes went to which webhook. The webhook URL
-- is a secret (whoever has it can post to the channel), so only its SHA-256 and a readable hint
-- (scheme://host/…) are kept.
CREATE TABLE alert_delivery (
    webhook_key  VARCHAR NOT NULL,                -- sha256 of the webhook URL
    webhook_hint VARCHAR NOT NULL,                -- scheme://host/… (for people reading the table)
    run_id       INTEGER NOT NULL,                -- the later run of the pair whose changes were sent
    from_run_id  INTEGER NOT NULL,                -- the earlier run of the pair
    changes      INTEGER NOT NULL,                -- rows sent (after the watchlist); 0: nothing to send
    http_status  INTEGER,                         -- the webhook's answer; NULL when nothing was posted
    delivered_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (webhook_key, run_id)
);
