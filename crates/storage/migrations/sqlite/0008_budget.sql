-- An agency's budget lines per fiscal year (SPEC §4 "Buying"; docs/RULES.md#budget-lines).
-- committed_krw and spent_krw are kept here and moved by contracts, orders and payments in the
-- transaction that causes them, with a conditional UPDATE that never lets committed_krw pass
-- amount_krw (the CHECK is the last guard).
CREATE TABLE budget_lines (
    id TEXT PRIMARY KEY,
    org_id TEXT NOT NULL REFERENCES organisations(id),
    fiscal_year INTEGER NOT NULL,
    name TEXT NOT NULL,
    amount_krw INTEGER NOT NULL,
    committed_krw INTEGER NOT NULL DEFAULT 0,
    spent_krw INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CONSTRAINT uq_budget_line_name UNIQUE (org_id, fiscal_year, name),
    CONSTRAINT ck_budget_line_figures CHECK (amount_krw >= 0 AND committed_krw >= 0 AND spent_krw >= 0 AND committed_krw <= amount_krw)
);
CREATE INDEX ix_budget_lines_org ON budget_lines(org_id, fiscal_year);
