-- Buying (SPEC §4 "Buying"; docs/RULES.md#buying): procurement projects with their searches,
-- long and short lists and the frozen decision record; quote requests and quotes; contracts and
-- delivery-request orders (one table: an order answers the contract's shape), their items,
-- instalments, joint shares and budget commitments; PPS catalog (master) contracts; amendments.
-- Lists small enough to be read and written whole (a long list holds at most 100 services) are
-- JSON text; every write runs in a WriteTx, which serialises writers across instances.
CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    title TEXT NOT NULL,
    required_grade TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    long_list TEXT NOT NULL DEFAULT '[]',
    short_list TEXT NOT NULL DEFAULT '[]',
    shortlisted_at INTEGER,
    decision_record_id TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_projects_org ON projects(org_id, created_at);

CREATE TABLE project_searches (
    project_id TEXT NOT NULL REFERENCES projects(id),
    seq INTEGER NOT NULL,
    params TEXT NOT NULL,
    total INTEGER NOT NULL,
    added INTEGER NOT NULL,
    left_out INTEGER NOT NULL,
    searched_by TEXT NOT NULL,
    searched_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, seq)
);

CREATE TABLE decision_records (
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects(id),
    org_id TEXT NOT NULL REFERENCES organisations(id),
    body TEXT NOT NULL,
    hash TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT uq_decision_project UNIQUE (project_id)
);

CREATE TABLE quote_requests (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    project_id TEXT REFERENCES projects(id),
    service_id TEXT NOT NULL REFERENCES services(id),
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    items TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_quote_requests_org ON quote_requests(org_id, created_at);
CREATE INDEX ix_quote_requests_supplier ON quote_requests(supplier_id, created_at);

CREATE TABLE quotes (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES quote_requests(id),
    items TEXT NOT NULL,
    total_krw INTEGER NOT NULL,
    valid_until TEXT NOT NULL,
    note TEXT NOT NULL,
    offered_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT uq_quote_request UNIQUE (request_id)
);

CREATE TABLE catalog_contracts (
    id TEXT PRIMARY KEY,
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    number TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    CONSTRAINT uq_catalog_contract_number UNIQUE (number)
);
CREATE INDEX ix_catalog_contracts_supplier ON catalog_contracts(supplier_id);

CREATE TABLE catalog_contract_items (
    catalog_contract_id TEXT NOT NULL REFERENCES catalog_contracts(id),
    position INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services(id),
    plan TEXT NOT NULL,
    unit_price_krw INTEGER NOT NULL,
    PRIMARY KEY (catalog_contract_id, position)
);
CREATE INDEX ix_catalog_items_service ON catalog_contract_items(service_id);

-- A negotiated contract (method 'negotiated') or a delivery request against a catalog contract
-- (method 'catalog'), or a call-off order under a unit-price contract (method 'call_off',
-- call_off_of; ordered_krw counts against that contract's cap). status follows gureum_domain::buying's ContractStatus or OrderStatus.
CREATE TABLE contracts (
    id TEXT PRIMARY KEY,
    method TEXT NOT NULL,
    agency_id TEXT NOT NULL REFERENCES organisations(id),
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    status TEXT NOT NULL,
    type TEXT NOT NULL,
    fee_model TEXT NOT NULL,
    billing TEXT NOT NULL,
    budget_line_id TEXT REFERENCES budget_lines(id),
    cap_krw INTEGER,
    total_krw INTEGER NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    required_grade TEXT,
    project_id TEXT REFERENCES projects(id),
    quote_id TEXT REFERENCES quotes(id),
    catalog_contract_id TEXT REFERENCES catalog_contracts(id),
    call_off_of TEXT REFERENCES contracts(id),
    decision_record_id TEXT REFERENCES decision_records(id),
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    supplier_accepted_hash TEXT,
    supplier_accepted_by TEXT,
    supplier_accepted_at INTEGER,
    agency_accepted_hash TEXT,
    agency_accepted_by TEXT,
    agency_accepted_at INTEGER,
    ttc_from TEXT NOT NULL,
    ttc_start INTEGER NOT NULL,
    signed_at INTEGER,
    ttc_calendar_days INTEGER,
    ttc_business_days INTEGER,
    invoiced_krw INTEGER NOT NULL DEFAULT 0,
    ordered_krw INTEGER NOT NULL DEFAULT 0,
    end_reason TEXT,
    ended_at INTEGER,
    data_returned_at INTEGER,
    closed_at INTEGER,
    created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX ix_contracts_agency ON contracts(agency_id, created_at);
CREATE INDEX ix_contracts_supplier ON contracts(supplier_id, created_at);
CREATE INDEX ix_contracts_signed ON contracts(signed_at);

CREATE TABLE contract_items (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    position INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services(id),
    service_code TEXT NOT NULL,
    service_name TEXT NOT NULL,
    plan TEXT NOT NULL,
    meter TEXT NOT NULL,
    unit_price_krw INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    months INTEGER NOT NULL,
    PRIMARY KEY (contract_id, position)
);

CREATE TABLE contract_installments (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    fiscal_year INTEGER NOT NULL,
    amount_krw INTEGER NOT NULL,
    PRIMARY KEY (contract_id, fiscal_year)
);

CREATE TABLE contract_shares (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    pct INTEGER NOT NULL,
    amount_krw INTEGER NOT NULL,
    PRIMARY KEY (contract_id, supplier_id)
);
CREATE INDEX ix_contract_shares_supplier ON contract_shares(supplier_id);

-- What each contract or order holds committed on a budget line; released when it ends early
-- or is refused.
CREATE TABLE budget_commitments (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    budget_line_id TEXT NOT NULL REFERENCES budget_lines(id),
    amount_krw INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (contract_id, budget_line_id)
);

CREATE TABLE amendments (
    id TEXT PRIMARY KEY,
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    side TEXT NOT NULL,
    status TEXT NOT NULL,
    changes TEXT NOT NULL,
    reason TEXT NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    proposed_by TEXT NOT NULL,
    answered_by TEXT,
    answer_reason TEXT,
    created_at INTEGER NOT NULL,
    answered_at INTEGER
);
CREATE INDEX ix_amendments_contract ON amendments(contract_id, created_at);
