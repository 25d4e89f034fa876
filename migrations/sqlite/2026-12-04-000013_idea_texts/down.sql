-- On PostgreSQL this migration moves the trigram indexes of idea text to a table of their
-- own. SQLite already keeps them apart, in the FTS5 table `ideas_fts`, which only a change
-- of title or body touches: nothing to do here.
SELECT 1;
