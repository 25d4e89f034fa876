-- The trigram indexes of idea text move off the ideas row to a narrow table of their own.
-- PostgreSQL writes a new version of a row on every update, and an update of an indexed
-- column (counters, visibility, the campaign) adds the new version to every index of the
-- table: with the GIN indexes on the row, each vote or regrouping re-inserted hundreds of
-- trigrams. Now only a change of title or body touches them, as with SQLite's FTS5 index.
CREATE TABLE idea_texts (
    idea_id BIGINT PRIMARY KEY REFERENCES ideas (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    body TEXT NOT NULL
);
INSERT INTO idea_texts (idea_id, title, body) SELECT id, title, body FROM ideas;
DROP INDEX ideas_title_trgm;
DROP INDEX ideas_body_trgm;
CREATE INDEX idea_texts_title_trgm ON idea_texts USING gin (title gin_trgm_ops);
CREATE INDEX idea_texts_body_trgm ON idea_texts USING gin (body gin_trgm_ops);

CREATE FUNCTION idea_texts_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO idea_texts (idea_id, title, body) VALUES (NEW.id, NEW.title, NEW.body)
    ON CONFLICT (idea_id) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body;
    RETURN NULL;
END
$$;
CREATE TRIGGER ideas_texts_insert AFTER INSERT ON ideas
    FOR EACH ROW EXECUTE FUNCTION idea_texts_keep();
CREATE TRIGGER ideas_texts_update AFTER UPDATE OF title, body ON ideas
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION idea_texts_keep();
