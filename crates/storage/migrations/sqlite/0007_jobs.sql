-- Scheduled jobs inside `serve` (docs/RULES.md#jobs-and-notices): a lease per job, so one
-- instance runs each and a dead holder's lease runs out; the notices sent, once each; and the
-- debarments (부정당업자 제재) with the services each suspended.

-- One row a job: who holds it until when (µs, the holder's real time), and the Asia/Seoul date
-- of its last complete run.
CREATE TABLE job_leases (
    job TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    acquired_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    done_on TEXT
);

-- A notice is sent once per service, kind (certificate, selection), threshold (d90, d60, d30,
-- ended) and the end date it announces; the row is written in the transaction that queues it.
CREATE TABLE sent_notices (
    service_id TEXT NOT NULL REFERENCES services(id),
    kind TEXT NOT NULL,
    threshold TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (service_id, kind, threshold, ends_on)
);

CREATE TABLE debarments (
    id TEXT PRIMARY KEY,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- When the services it suspended were all listed again (or left as they were).
    ended_at INTEGER
);
CREATE INDEX ix_debarments_supplier ON debarments(supplier_id);

-- The services a debarment suspended; only those are listed again after it.
CREATE TABLE debarment_suspensions (
    debarment_id TEXT NOT NULL REFERENCES debarments(id),
    service_id TEXT NOT NULL REFERENCES services(id),
    suspended_at INTEGER NOT NULL,
    released_at INTEGER,
    PRIMARY KEY (debarment_id, service_id)
);
