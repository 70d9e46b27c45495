-- People, organisations and their sessions; one-time links; the mail outbox; in-app
-- notifications; content-addressed documents; the review state of each service revision.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    business_number TEXT,
    supplier_id TEXT CONSTRAINT uq_org_supplier UNIQUE REFERENCES suppliers(id),
    status TEXT NOT NULL,
    registration_doc TEXT,
    representative TEXT,
    address TEXT,
    phone TEXT,
    contact_email TEXT,
    privacy_consent_at INTEGER,
    status_reason TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT uq_org_kind_bizno UNIQUE (kind, business_number)
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    email TEXT NOT NULL CONSTRAINT uq_user_email UNIQUE,
    name TEXT NOT NULL,
    phone TEXT,
    password_hash TEXT,
    roles TEXT NOT NULL,
    is_admin INTEGER NOT NULL,
    status TEXT NOT NULL,
    failed_logins INTEGER NOT NULL,
    locked_until INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_users_org ON users(org_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL CONSTRAINT uq_api_token_hash UNIQUE,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

CREATE TABLE one_time_links (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease_until INTEGER,
    sent_at INTEGER,
    last_error TEXT
);
CREATE INDEX ix_outbox_pending ON outbox(sent_at, next_attempt_at);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    message_ko TEXT NOT NULL,
    message_en TEXT NOT NULL,
    link TEXT,
    created_at INTEGER NOT NULL,
    read_at INTEGER
);
CREATE INDEX ix_notifications_user ON notifications(user_id, created_at);

CREATE TABLE documents (
    sha256 TEXT PRIMARY KEY,
    size_bytes INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE service_documents (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    revision INTEGER NOT NULL,
    doc_type TEXT NOT NULL,
    sha256 TEXT NOT NULL REFERENCES documents(sha256),
    filename TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX ix_service_documents ON service_documents(service_id, revision);

ALTER TABLE service_revisions ADD COLUMN state TEXT NOT NULL DEFAULT 'listed';
ALTER TABLE service_revisions ADD COLUMN decided_at INTEGER;
ALTER TABLE service_revisions ADD COLUMN decision_reason TEXT;
ALTER TABLE service_revisions ADD COLUMN submitted_at INTEGER;
ALTER TABLE services ADD COLUMN draft_revision INTEGER;
