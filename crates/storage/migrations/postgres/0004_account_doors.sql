-- Doors that hold (issue #21 §3). API tokens get scopes and an expiry: tokens made before keep
-- working for a year from their creation, with the least scope (`read`). Ended sessions are
-- purged by their end (an index on it); a person's outstanding links are found by person. A
-- rejected sign-up releases its claim on the business number (and the catalog supplier), which
-- stays on the row for the record.

ALTER TABLE api_tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT 'read';
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
UPDATE api_tokens SET expires_at = created_at + 31536000000000;

CREATE INDEX ix_sessions_expires ON sessions(expires_at);
CREATE INDEX ix_one_time_links_user ON one_time_links(user_id, purpose);

ALTER TABLE organisations ADD COLUMN released_business_number TEXT;
