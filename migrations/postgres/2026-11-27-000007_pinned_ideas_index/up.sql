-- Pinned ideas open the default list: a small partial index finds them without reading
-- every idea of the consultation.
CREATE INDEX ideas_pinned ON ideas (consultation_id, visibility, id DESC) WHERE pinned_at IS NOT NULL;
