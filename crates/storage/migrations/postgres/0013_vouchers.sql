-- The SME cloud voucher (issue #25; SPEC §3 "Voucher programme", §4 "Cloud vouchers";
-- docs/RULES.md#voucher-programme). Amounts in whole won. A programme's granted_krw and a
-- voucher's reimbursed_krw only grow through a conditional UPDATE (`… WHERE granted_krw + $n <=
-- total_budget_krw`), checked by the rows it touched, so neither passes its limit whatever the
-- concurrency; the CHECK constraints hold the same line in the database itself.

CREATE TABLE voucher_programmes (
    id TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    name TEXT NOT NULL,
    total_budget_krw BIGINT NOT NULL,
    company_cap_krw BIGINT NOT NULL,
    government_share_pct BIGINT NOT NULL,
    -- comma-separated: consulting, transition, usage
    cost_types TEXT NOT NULL,
    apply_from TEXT NOT NULL,
    apply_to TEXT NOT NULL,
    use_until TEXT NOT NULL,
    granted_krw BIGINT NOT NULL DEFAULT 0,
    reimbursed_krw BIGINT NOT NULL DEFAULT 0,
    settled_krw BIGINT NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    CONSTRAINT ck_voucher_programme_granted CHECK (granted_krw >= 0 AND granted_krw <= total_budget_krw)
);

-- A supplier's service offered to a programme's pool; the operator approves or rejects it.
CREATE TABLE voucher_services (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES voucher_programmes(id),
    service_id TEXT NOT NULL REFERENCES services(id),
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    -- the service's code and name as listed when it was offered
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    CONSTRAINT uq_voucher_service UNIQUE (programme_id, service_id)
);

-- An SME's application: one per company and programme. client_network is the /24 (IPv4) or
-- /48 (IPv6) of the address it came from, for the shared_network flag.
CREATE TABLE voucher_applications (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES voucher_programmes(id),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    user_id TEXT NOT NULL,
    plan TEXT NOT NULL,
    requested_krw BIGINT NOT NULL,
    company_size TEXT,
    client_network TEXT,
    status TEXT NOT NULL,
    reason TEXT,
    created_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    CONSTRAINT uq_voucher_application UNIQUE (programme_id, org_id)
);
CREATE INDEX ix_voucher_applications_org ON voucher_applications(org_id);

-- A granted voucher: its reimbursed_krw (approved claims) never passes granted_krw.
CREATE TABLE vouchers (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES voucher_programmes(id),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    application_id TEXT NOT NULL REFERENCES voucher_applications(id),
    granted_krw BIGINT NOT NULL,
    reimbursed_krw BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    CONSTRAINT uq_voucher_of_application UNIQUE (application_id),
    CONSTRAINT ck_voucher_reimbursed CHECK (reimbursed_krw >= 0 AND reimbursed_krw <= granted_krw)
);
CREATE INDEX ix_vouchers_org ON vouchers(org_id);

-- Evidence an SME uploaded (tax invoice, payment proof, usage statement): the file is in the
-- content-addressed document store (the documents table), this row says whose it is.
CREATE TABLE voucher_documents (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    sha256 TEXT NOT NULL,
    filename TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- A claim for reimbursement. A tax invoice number counts once per programme.
CREATE TABLE voucher_claims (
    id TEXT PRIMARY KEY,
    voucher_id TEXT NOT NULL REFERENCES vouchers(id),
    programme_id TEXT NOT NULL REFERENCES voucher_programmes(id),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    voucher_service_id TEXT NOT NULL REFERENCES voucher_services(id),
    service_id TEXT NOT NULL,
    supplier_id TEXT NOT NULL,
    cost_type TEXT NOT NULL,
    paid_krw BIGINT NOT NULL,
    paid_on TEXT NOT NULL,
    usage_krw BIGINT,
    tax_invoice_number TEXT NOT NULL,
    reimbursement_krw BIGINT NOT NULL,
    status TEXT NOT NULL,
    evidence_message TEXT,
    reason TEXT,
    approval_reason TEXT,
    settled_on TEXT,
    refunded_krw BIGINT NOT NULL DEFAULT 0,
    submitted_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    CONSTRAINT uq_voucher_invoice UNIQUE (programme_id, tax_invoice_number)
);
CREATE INDEX ix_voucher_claims_voucher ON voucher_claims(voucher_id);
CREATE INDEX ix_voucher_claims_supplier ON voucher_claims(supplier_id);

CREATE TABLE voucher_claim_documents (
    claim_id TEXT NOT NULL REFERENCES voucher_claims(id),
    document_id TEXT NOT NULL REFERENCES voucher_documents(id),
    PRIMARY KEY (claim_id, document_id)
);

-- Money returned after a reimbursement (a payback signal), reported by the supplier or the SME.
CREATE TABLE voucher_refunds (
    id TEXT PRIMARY KEY,
    claim_id TEXT NOT NULL REFERENCES voucher_claims(id),
    amount_krw BIGINT NOT NULL,
    note TEXT NOT NULL,
    reported_by TEXT NOT NULL,
    reporter_org TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ix_voucher_refunds_claim ON voucher_refunds(claim_id);
