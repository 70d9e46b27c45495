-- Billing, after review (issue #24): what each issued invoice billed, per member.
--
-- invoice_usage is the ledger of the usage each issued invoice billed, per meter and month, in
-- millionths. A supplier's draft bills, for each month it covers, the contract's whole usage of
-- that month less what that supplier's issued invoices already billed of it — so each member of
-- a joint contract bills late usage once, whatever the order the members issue in, and no
-- record is ever stamped (usage_records.invoice_id is no longer written).
CREATE TABLE invoice_usage (
    invoice_id TEXT NOT NULL REFERENCES invoices(id),
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    supplier_id TEXT NOT NULL REFERENCES suppliers(id),
    meter TEXT NOT NULL,
    month INTEGER NOT NULL,
    quantity_micros INTEGER NOT NULL,
    PRIMARY KEY (invoice_id, meter, month),
    CONSTRAINT ck_invoice_usage_quantity CHECK (quantity_micros >= 0)
);
CREATE INDEX ix_invoice_usage_member ON invoice_usage(contract_id, supplier_id, month);

-- What the records stamped so far billed: an issued invoice billed the records stamped with it,
-- and (a joint contract) those stamped by a member's invoice of the same period issued no later.
INSERT INTO invoice_usage (invoice_id, contract_id, supplier_id, meter, month, quantity_micros)
SELECT i.id, i.contract_id, i.supplier_id, u.meter, u.month, SUM(u.quantity_micros)
FROM usage_records u
JOIN invoices j ON j.id = u.invoice_id
JOIN invoices i ON i.contract_id = j.contract_id AND i.period = j.period AND i.status <> 'draft'
    AND (i.id = j.id OR j.issued_at <= i.issued_at)
GROUP BY i.id, i.contract_id, i.supplier_id, u.meter, u.month;

-- When usage for the contract last arrived: the billing job recomputes a contract's drafts only
-- when usage, its incidents or the contract changed after they were computed.
ALTER TABLE contracts ADD COLUMN usage_received_at INTEGER;
UPDATE contracts SET usage_received_at = (SELECT MAX(u.received_at) FROM usage_records u WHERE u.contract_id = contracts.id);

-- An incident's standing for the SLA: a supplier's own record is `confirmed`; an agency's report
-- is `pending` until the supplier confirms it (then it counts for every agency) or contests it
-- with a reason (then it counts for none; the agency may dispute the invoice). While pending it
-- counts for the reporting agency's own contracts.
ALTER TABLE incidents ADD COLUMN confirmation TEXT NOT NULL DEFAULT 'confirmed';
ALTER TABLE incidents ADD COLUMN answered_by TEXT;
ALTER TABLE incidents ADD COLUMN answered_at INTEGER;
ALTER TABLE incidents ADD COLUMN contest_reason TEXT;
UPDATE incidents SET confirmation = 'pending'
WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = incidents.reporter_org_id AND o.supplier_id = incidents.supplier_id);
CREATE INDEX ix_incidents_updated ON incidents(service_id, updated_at);


-- Usage rolled up per contract, meter and month, kept in the same transaction as the records a
-- batch stores (only the new ones; a resend adds nothing): billing, the contract's usage and the
-- dashboards read these few rows instead of summing millions of records.
CREATE TABLE usage_rollup (
    contract_id TEXT NOT NULL REFERENCES contracts(id),
    meter TEXT NOT NULL,
    month INTEGER NOT NULL,
    quantity_micros INTEGER NOT NULL,
    records INTEGER NOT NULL,
    PRIMARY KEY (contract_id, meter, month),
    CONSTRAINT ck_usage_rollup CHECK (quantity_micros >= 0 AND records >= 0)
);
INSERT INTO usage_rollup (contract_id, meter, month, quantity_micros, records)
SELECT contract_id, meter, month, SUM(quantity_micros), COUNT(*) FROM usage_records GROUP BY contract_id, meter, month;
