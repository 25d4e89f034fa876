-- Moderation: visibility of ideas and comments, locks, pins, merges, reports, the public log,
-- suspensions, pre-moderation and filter patterns.
ALTER TABLE ideas ADD COLUMN visibility TEXT NOT NULL DEFAULT 'visible' CHECK (visibility IN ('visible', 'pending', 'hidden', 'merged'));
ALTER TABLE ideas ADD COLUMN hidden_reason TEXT;
ALTER TABLE ideas ADD COLUMN locked_at TIMESTAMP;
ALTER TABLE ideas ADD COLUMN pinned_at TIMESTAMP;
ALTER TABLE ideas ADD COLUMN merged_into_id BIGINT REFERENCES ideas (id);
CREATE INDEX ideas_visibility ON ideas (consultation_id, visibility);

ALTER TABLE comments ADD COLUMN visibility TEXT NOT NULL DEFAULT 'visible' CHECK (visibility IN ('visible', 'pending', 'hidden'));
ALTER TABLE comments ADD COLUMN hidden_reason TEXT;
ALTER TABLE comments ADD COLUMN moved_from_idea_id BIGINT REFERENCES ideas (id);
CREATE INDEX comments_visibility ON comments (visibility, id);

ALTER TABLE users ADD COLUMN suspended_until TIMESTAMP;
ALTER TABLE users ADD COLUMN banned_at TIMESTAMP;
ALTER TABLE users ADD COLUMN suspension_reason TEXT;

ALTER TABLE consultations ADD COLUMN premoderation BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE reports (
    id BIGSERIAL PRIMARY KEY,
    target_type TEXT NOT NULL CHECK (target_type IN ('idea', 'comment')),
    target_id BIGINT NOT NULL,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    reporter_id BIGINT NOT NULL REFERENCES users (id),
    reason TEXT NOT NULL CHECK (reason IN ('spam', 'abusive', 'personal_info', 'off_topic', 'other')),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolution TEXT,
    UNIQUE (target_type, target_id, reporter_id)
);
CREATE INDEX reports_open ON reports (resolved_at, target_type, target_id);
CREATE INDEX reports_consultation ON reports (consultation_id, resolved_at);

CREATE TABLE moderation_actions (
    id BIGSERIAL PRIMARY KEY,
    actor_id BIGINT REFERENCES users (id),
    action TEXT NOT NULL,
    target_type TEXT NOT NULL CHECK (target_type IN ('idea', 'comment', 'user', 'tag', 'report')),
    target_id BIGINT NOT NULL,
    consultation_id BIGINT REFERENCES consultations (id),
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX moderation_actions_consultation ON moderation_actions (consultation_id, id DESC);
CREATE INDEX moderation_actions_target ON moderation_actions (target_type, target_id);

CREATE TABLE moderation_filters (
    id BIGSERIAL PRIMARY KEY,
    pattern TEXT NOT NULL UNIQUE,
    is_regex BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
