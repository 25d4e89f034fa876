-- Mail waiting to be sent (a restart loses none) and rate-limit counters shared by all instances.
CREATE TABLE email_outbox (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    last_error TEXT,
    failed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE failed_at IS NULL;

CREATE TABLE rate_limit_counters (
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL,
    window_start BIGINT NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (name, key_hash, window_start)
);
CREATE INDEX rate_limit_counters_window ON rate_limit_counters (window_start);
