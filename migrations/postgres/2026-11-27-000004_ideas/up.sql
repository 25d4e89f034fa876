-- Sections of a consultation's plan, ideas on it, their edit history, comments, votes, tags,
-- and trigram full-text indexes for Japanese and English search.
ALTER TABLE consultations ADD COLUMN body_html TEXT NOT NULL DEFAULT '';

CREATE TABLE sections (
    id BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    heading TEXT NOT NULL,
    level INTEGER NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (consultation_id, key)
);

CREATE TABLE ideas (
    id BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    section_key TEXT,
    receipt TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'withdrawn')),
    response_status TEXT,
    support_count INTEGER NOT NULL DEFAULT 0,
    oppose_count INTEGER NOT NULL DEFAULT 0,
    comment_count INTEGER NOT NULL DEFAULT 0,
    trend_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    controversy DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    withdrawn_at TIMESTAMP
);
CREATE INDEX ideas_new ON ideas (consultation_id, id DESC);
CREATE INDEX ideas_top ON ideas (consultation_id, support_count DESC, id DESC);
CREATE INDEX ideas_trending ON ideas (consultation_id, trend_score DESC, id DESC);
CREATE INDEX ideas_discussed ON ideas (consultation_id, comment_count DESC, id DESC);
CREATE INDEX ideas_controversial ON ideas (consultation_id, controversy DESC, id DESC);
CREATE INDEX ideas_section ON ideas (consultation_id, section_key, id DESC);
CREATE INDEX ideas_author ON ideas (author_id);

CREATE TABLE idea_revisions (
    id BIGSERIAL PRIMARY KEY,
    idea_id BIGINT NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    section_key TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX idea_revisions_idea ON idea_revisions (idea_id, id);

CREATE TABLE comments (
    id BIGSERIAL PRIMARY KEY,
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    parent_id BIGINT REFERENCES comments (id),
    author_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    reply_count INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP,
    deleted_at TIMESTAMP
);
CREATE INDEX comments_thread ON comments (idea_id, parent_id, id);
CREATE INDEX comments_parent ON comments (parent_id, id);
CREATE INDEX comments_author ON comments (author_id);

CREATE TABLE votes (
    user_id BIGINT NOT NULL REFERENCES users (id),
    idea_id BIGINT NOT NULL REFERENCES ideas (id),
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idea_id)
);
CREATE INDEX votes_idea ON votes (idea_id);

CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    consultation_id BIGINT NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    color TEXT NOT NULL DEFAULT '#0031d8',
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, slug)
);

CREATE TABLE idea_tags (
    idea_id BIGINT NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (idea_id, tag_id)
);
CREATE INDEX idea_tags_tag ON idea_tags (tag_id, idea_id);

-- Trigram indexes match any substring of three or more characters, in Japanese as in English
-- (the database needs a UTF-8 LC_CTYPE for pg_trgm to see Japanese characters).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX ideas_title_trgm ON ideas USING gin (title gin_trgm_ops);
CREATE INDEX ideas_body_trgm ON ideas USING gin (body gin_trgm_ops);
CREATE INDEX comments_body_trgm ON comments USING gin (body gin_trgm_ops);
