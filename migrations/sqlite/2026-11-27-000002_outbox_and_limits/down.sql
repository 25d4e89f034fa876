DROP TABLE rate_limit_counters;
DROP TABLE email_outbox;
