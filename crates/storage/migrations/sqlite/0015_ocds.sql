-- Open contracting data (issue #26; SPEC §4 "Open data"): the releases are worked out from the
-- buying facts when asked, listed by the time each fact happened. These indexes let the feed,
-- `since` and the monthly bulk files read one page of each kind of fact in date order instead of
-- sorting every process.
CREATE INDEX ix_projects_created ON projects(created_at, id);
CREATE INDEX ix_quote_requests_created ON quote_requests(created_at, id);
CREATE INDEX ix_decision_records_created ON decision_records(created_at, id);
CREATE INDEX ix_contracts_created ON contracts(created_at, id);
CREATE INDEX ix_contracts_ended ON contracts(ended_at, id);
CREATE INDEX ix_amendments_answered ON amendments(answered_at, id);
CREATE INDEX ix_invoices_paid ON invoices(paid_at, id);
CREATE INDEX ix_quote_requests_project ON quote_requests(project_id);
CREATE INDEX ix_contracts_project ON contracts(project_id);
CREATE INDEX ix_contracts_quote ON contracts(quote_id);

-- A contract's figures just before an accepted amendment changed them (JSON: ends_on, cap_krw,
-- total_krw, items), so that the contract's release at signing and each amendment's release
-- stay what they were when they happened.
ALTER TABLE amendments ADD COLUMN before_terms TEXT;
