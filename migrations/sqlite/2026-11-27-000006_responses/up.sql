-- Official responses to ideas, and the disposition table (意見の概要と考え方).
CREATE TABLE responses (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    status TEXT NOT NULL CHECK (status IN ('received', 'under_review', 'adopted', 'partly_adopted', 'not_adopted', 'already_in_plan', 'out_of_scope')),
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    section_key TEXT,
    author_id INTEGER REFERENCES users (id),
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX responses_consultation ON responses (consultation_id, published_at);

-- Links ideas to responses; a group response links many ideas. An idea's public answer is
-- its newest published linked response; a newer draft replaces it only when published.
CREATE TABLE idea_responses (
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    response_id INTEGER NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    PRIMARY KEY (idea_id, response_id)
);
CREATE INDEX idea_responses_response ON idea_responses (response_id);

CREATE TABLE disposition_rows (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES consultations (id),
    position INTEGER NOT NULL,
    section_key TEXT,
    tag_id INTEGER REFERENCES tags (id) ON DELETE SET NULL,
    summary TEXT NOT NULL,
    view TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX disposition_rows_consultation ON disposition_rows (consultation_id, position);

CREATE TABLE disposition_row_ideas (
    row_id INTEGER NOT NULL REFERENCES disposition_rows (id) ON DELETE CASCADE,
    idea_id INTEGER NOT NULL REFERENCES ideas (id),
    PRIMARY KEY (row_id, idea_id)
);
CREATE INDEX disposition_row_ideas_idea ON disposition_row_ideas (idea_id);

ALTER TABLE consultations ADD COLUMN disposition_published_at TIMESTAMP;
