-- A supplier's own services (SPEC §4): assigned service-code serials, what each revision was
-- compared with when it was submitted and whether the change was material, and a narrow index
-- for the operator's queue of submitted revisions.

CREATE TABLE service_code_serial (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    next_serial INTEGER NOT NULL
);
INSERT INTO service_code_serial (id, next_serial) VALUES (1, 1);

ALTER TABLE service_revisions ADD COLUMN base_revision INTEGER;
ALTER TABLE service_revisions ADD COLUMN material INTEGER;
CREATE INDEX ix_revisions_state ON service_revisions(state, submitted_at);
