ALTER TABLE consultations DROP COLUMN disposition_published_at;
DROP TABLE disposition_row_ideas;
DROP TABLE disposition_rows;
DROP TABLE idea_responses;
DROP TABLE responses;
