-- Invoices (issue #24, the invoices work): what an invoice shows beyond its metered lines, as
-- computed with them (gureum_domain::billing): the fixed fees month by month and each SLA credit
-- with its month, service and availability, as a JSON object {"fixed": [...], "credits": [...]}.
ALTER TABLE invoices ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
