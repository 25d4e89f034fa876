-- Sections of a consultation's plan, ideas on it, their edit history, comments, votes, tags,
-- and trigram full-text indexes for Japanese and English search.
ALTER TABLE consultations ADD COLUMN body_html TEXT NOT NULL DEFAULT '';

CREATE TABLE sections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    heading TEXT NOT NULL,
    level INTEGER NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (consultation_id, key)
);

CREATE TABLE ideas (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
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
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idea_id INTEGER NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    section_key TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX idea_revisions_idea ON idea_revisions (idea_id, id);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    parent_id INTEGER REFERENCES comments (id),
    author_id INTEGER NOT NULL REFERENCES users (id),
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
    user_id INTEGER NOT NULL REFERENCES users (id),
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, idea_id)
);
CREATE INDEX votes_idea ON votes (idea_id);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id) ON DELETE CASCADE,
    slug TEXT NOT NULL,
    name_ja TEXT NOT NULL,
    name_en TEXT NOT NULL,
    color TEXT NOT NULL DEFAULT '#0031d8',
    description TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, slug)
);

CREATE TABLE idea_tags (
    idea_id INTEGER NOT NULL REFERENCES ideas (id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (idea_id, tag_id)
);
CREATE INDEX idea_tags_tag ON idea_tags (tag_id, idea_id);

-- Trigram indexes match any substring of three or more characters, in Japanese as in English.
CREATE VIRTUAL TABLE ideas_fts USING fts5 (title, body, content = 'ideas', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER ideas_fts_insert AFTER INSERT ON ideas BEGIN
    INSERT INTO ideas_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER ideas_fts_delete AFTER DELETE ON ideas BEGIN
    INSERT INTO ideas_fts (ideas_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER ideas_fts_update AFTER UPDATE OF title, body ON ideas BEGIN
    INSERT INTO ideas_fts (ideas_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO ideas_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE VIRTUAL TABLE comments_fts USING fts5 (body, content = 'comments', content_rowid = 'id', tokenize = 'trigram');
CREATE TRIGGER comments_fts_insert AFTER INSERT ON comments BEGIN
    INSERT INTO comments_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER comments_fts_delete AFTER DELETE ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER comments_fts_update AFTER UPDATE OF body ON comments BEGIN
    INSERT INTO comments_fts (comments_fts, rowid, body) VALUES ('delete', old.id, old.body);
    INSERT INTO comments_fts (rowid, body) VALUES (new.id, new.body);
END;
