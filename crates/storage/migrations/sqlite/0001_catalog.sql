-- The public catalog: suppliers, services and their immutable revisions, the change feed that
-- keeps every search index in step, and the hash-chained audit log.
-- Instants are INTEGER microseconds since the Unix epoch (UTC); dates are TEXT YYYY-MM-DD.

CREATE TABLE suppliers (
    id TEXT PRIMARY KEY,
    business_number TEXT NOT NULL CONSTRAINT uq_supplier_bizno UNIQUE,
    name TEXT NOT NULL,
    size TEXT NOT NULL,
    representative TEXT,
    address TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE categories (
    name TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);

CREATE TABLE services (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL CONSTRAINT uq_service_code UNIQUE,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    status TEXT NOT NULL,
    public_revision INTEGER,
    latest_revision INTEGER NOT NULL,
    host_code TEXT,
    first_listed_at INTEGER,
    status_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_services_supplier ON services(supplier_id);
CREATE INDEX ix_services_host ON services(host_code);

CREATE TABLE service_revisions (
    service_id TEXT NOT NULL REFERENCES services(id),
    revision INTEGER NOT NULL,
    content TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (service_id, revision)
);

CREATE TABLE catalog_changes (
    seq INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

-- One row: the head of the audit chain, locked by every appending transaction.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE audit_events (
    seq INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    organisation TEXT,
    action TEXT NOT NULL,
    entity_kind TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    request_id TEXT,
    hash TEXT NOT NULL
);
CREATE INDEX ix_audit_entity ON audit_events(entity_kind, entity_id);
