-- One number that every write ending access (a sign-out, ending sessions, a role change, a
-- suspension, an erased account) raises in its own transaction. Each instance reads it on
-- every signed-in request and keeps sessions only under the number it read, so an ended
-- session stops working on every instance before the ending is acknowledged.
CREATE TABLE access_revocations (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    generation BIGINT NOT NULL
);
INSERT INTO access_revocations (id, generation) VALUES (1, 0);
