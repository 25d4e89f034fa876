DROP INDEX ideas_pinned;
