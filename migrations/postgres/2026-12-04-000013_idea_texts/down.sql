DROP TRIGGER ideas_texts_update ON ideas;
DROP TRIGGER ideas_texts_insert ON ideas;
DROP FUNCTION idea_texts_keep();
DROP TABLE idea_texts;
CREATE INDEX ideas_title_trgm ON ideas USING gin (title gin_trgm_ops);
CREATE INDEX ideas_body_trgm ON ideas USING gin (body gin_trgm_ops);
