-- Use after the contract (SPEC §3 "Usage and billing", "Post-management"; SPEC §4 "Usage,
-- invoices and post-management"; docs/RULES.md#usage-and-billing).

-- A contract line's price model and whether its unit price includes VAT, as the plan stood when
-- the contract was drafted: metered lines are billed from usage, fixed lines as fixed fees.
ALTER TABLE contract_items ADD COLUMN model TEXT NOT NULL DEFAULT 'metered';
ALTER TABLE contract_items ADD COLUMN vat_included INTEGER NOT NULL DEFAULT 0;

-- Metered usage reported by the supplier's machines. The supplier's own record_id makes a
-- resend a no-op; quantity is exact in millionths (at most 6 decimal places); month is the
-- Asia/Seoul month (yyyymm) of period_start, which the record may not leave for another billing
-- period. invoice_id is set when the invoice that bills it is issued: until then the record
-- counts on the draft of its period (or the next draft, when its own period was issued).
CREATE TABLE usage_records (
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    record_id TEXT NOT NULL,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    meter TEXT NOT NULL,
    quantity_micros INTEGER NOT NULL,
    period_start INTEGER NOT NULL,
    period_end INTEGER NOT NULL,
    month INTEGER NOT NULL,
    received_at INTEGER NOT NULL,
    invoice_id TEXT,
    PRIMARY KEY (supplier_id, record_id),
    CONSTRAINT ck_usage_quantity CHECK (quantity_micros >= 0 AND period_end >= period_start)
);
CREATE INDEX ix_usage_contract_month ON usage_records(contract_id, month, invoice_id);

-- One invoice per contract, supplier (a joint contract's members each invoice their share) and
-- billing period ("2026-11" or "2026-Q4"), months first_month..last_month (yyyymm). lines is the
-- JSON array of metered lines; the amounts follow SPEC §3 (gureum_domain::billing).
CREATE TABLE invoices (
    id TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    agency_id TEXT NOT NULL REFERENCES organisations(id),
    period TEXT NOT NULL,
    first_month INTEGER NOT NULL,
    last_month INTEGER NOT NULL,
    lines TEXT NOT NULL,
    fixed_krw INTEGER NOT NULL,
    credit_krw INTEGER NOT NULL,
    net_krw INTEGER NOT NULL,
    vat_krw INTEGER NOT NULL,
    total_krw INTEGER NOT NULL,
    status TEXT NOT NULL,
    computed_at INTEGER NOT NULL,
    issued_at INTEGER,
    issued_by TEXT,
    accepted_at INTEGER,
    accepted_by TEXT,
    disputed_at INTEGER,
    disputed_by TEXT,
    dispute_reason TEXT,
    paid_on TEXT,
    paid_at INTEGER,
    paid_by TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT uq_invoice_period UNIQUE (contract_id, supplier_id, period),
    CONSTRAINT ck_invoice_amounts CHECK (fixed_krw >= 0 AND credit_krw >= 0 AND net_krw >= 0 AND vat_krw >= 0 AND total_krw = net_krw + vat_krw)
);
CREATE INDEX ix_invoices_agency ON invoices(agency_id, status);
CREATE INDEX ix_invoices_supplier ON invoices(supplier_id, status);

-- Incidents and outages of a service (사후관리). minutes is ended_at − started_at in whole
-- minutes; an unannounced outage of 10 minutes or more notified every agency using the service
-- (notified_at).
CREATE TABLE incidents (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    reported_by TEXT NOT NULL,
    reporter_org_id TEXT NOT NULL REFERENCES organisations(id),
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    announced INTEGER NOT NULL,
    description TEXT NOT NULL,
    notified_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_incidents_service ON incidents(service_id, started_at);
CREATE INDEX ix_incidents_supplier ON incidents(supplier_id, started_at);

-- Ratings by agencies that have or had a contract or order for the service: one per agency and
-- service (a new one replaces it), the supplier's reply once.
CREATE TABLE ratings (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services(id),
    agency_id TEXT NOT NULL REFERENCES organisations(id),
    user_id TEXT NOT NULL,
    stars INTEGER NOT NULL,
    comment TEXT NOT NULL,
    reply TEXT,
    replied_by TEXT,
    replied_at INTEGER,
    created_at INTEGER NOT NULL,
    CONSTRAINT uq_rating UNIQUE (service_id, agency_id),
    CONSTRAINT ck_rating_stars CHECK (stars BETWEEN 1 AND 5)
);

-- Spend warnings sent: once per subject (a contract's cap or a budget line) and threshold.
CREATE TABLE spend_notices (
    subject_kind TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    threshold INTEGER NOT NULL,
    spent_krw INTEGER NOT NULL,
    projected_krw INTEGER NOT NULL,
    limit_krw INTEGER NOT NULL,
    sent_at INTEGER NOT NULL,
    PRIMARY KEY (subject_kind, subject_id, threshold)
);
