-- Submissions from every channel (web, email, post, fax, events) with their private
-- submitter details, background jobs, uploaded import files, and the campaign ledger.

-- Who recorded a submission received outside the site is staff; who wrote it is a person
-- IdeaBox has no account for. Such ideas belong to a system account ('intake') that cannot
-- sign in, and show publicly by their channel instead of an author.
ALTER TABLE users ADD COLUMN system_name TEXT;
CREATE UNIQUE INDEX users_system_name ON users (system_name) WHERE system_name IS NOT NULL;

CREATE TABLE campaigns (
    id BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    template_idea_id BIGINT NOT NULL,
    template_key BIGINT NOT NULL,
    size BIGINT NOT NULL,
    distinct_texts BIGINT NOT NULL,
    first_at TIMESTAMP NOT NULL,
    last_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, template_key)
);
CREATE INDEX campaigns_by_size ON campaigns (consultation_id, size DESC, id);

ALTER TABLE ideas ADD COLUMN channel TEXT NOT NULL DEFAULT 'web'
    CHECK (channel IN ('web', 'email', 'post', 'fax', 'event'));
ALTER TABLE ideas ADD COLUMN received_at TIMESTAMP;
-- The identity of the body's comparison form (equal keys: the same distinct text).
ALTER TABLE ideas ADD COLUMN text_key BIGINT;
-- No foreign key (SQLite cannot drop a column that has one): regrouping rewrites these in the
-- same transaction as the campaigns they name.
ALTER TABLE ideas ADD COLUMN campaign_id BIGINT;
-- An imported submission's file and line (or message): importing the same file again adds
-- nothing, and a job resumed after a restart skips what it already stored.
ALTER TABLE ideas ADD COLUMN import_id BIGINT;
ALTER TABLE ideas ADD COLUMN import_line BIGINT;
CREATE UNIQUE INDEX ideas_import_line ON ideas (import_id, import_line) WHERE import_id IS NOT NULL;
CREATE INDEX ideas_text ON ideas (consultation_id, text_key);
CREATE INDEX ideas_campaign ON ideas (campaign_id, id) WHERE campaign_id IS NOT NULL;

-- Private: shown to staff only, never on a public page, in a feed, an API answer or an export.
CREATE TABLE idea_submitters (
    idea_id BIGINT PRIMARY KEY REFERENCES ideas (id) ON DELETE CASCADE,
    name TEXT,
    email TEXT,
    organisation TEXT,
    recorded_by BIGINT REFERENCES users (id)
);

-- Work that runs in the background: claimed with a lease by one instance at a time, resumed
-- after a restart, with progress readers can follow.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    consultation_id BIGINT REFERENCES consultations (id),
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    -- At most one queued job per key (a consultation's regrouping), so bursts coalesce.
    dedupe_key TEXT,
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    payload TEXT NOT NULL DEFAULT '{}',
    result TEXT,
    error TEXT,
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    run_after TIMESTAMP NOT NULL,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    locked_until TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_due ON jobs (status, run_after);
CREATE UNIQUE INDEX jobs_one_queued ON jobs (dedupe_key) WHERE status = 'queued' AND dedupe_key IS NOT NULL;

-- Uploaded files, kept in the database in chunks so that any instance can run the import.
CREATE TABLE import_files (
    id BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    format TEXT NOT NULL CHECK (format IN ('csv', 'eml', 'mbox')),
    sha256 TEXT NOT NULL,
    size BIGINT NOT NULL,
    job_id BIGINT REFERENCES jobs (id),
    created_by BIGINT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, sha256)
);
CREATE TABLE import_chunks (
    import_id BIGINT NOT NULL REFERENCES import_files (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (import_id, seq)
);

-- Moderators' decisions on campaigns, applied again after every regrouping.
CREATE TABLE campaign_decisions (
    id BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    kind TEXT NOT NULL CHECK (kind IN ('detach', 'join')),
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    other_idea_id BIGINT REFERENCES ideas (id),
    actor_id BIGINT REFERENCES users (id),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX campaign_decisions_consultation ON campaign_decisions (consultation_id, id);
