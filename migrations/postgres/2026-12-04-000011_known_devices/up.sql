-- Browsers that signed in to an account: their sign-ins are not held back by failed
-- logins made elsewhere. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE known_devices (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    UNIQUE (token_hash, user_id)
);
CREATE INDEX known_devices_user ON known_devices (user_id);
