//! The public statistics' sums (SPEC §4 "Demand forecast (수요예보) and statistics"): contracts
//! grouped in SQL so no contract row leaves the database, and the voucher programmes' totals.
//! Aggregates only; who signed what is never read here.

use crate::{Db, Result};
use sqlx::Row;

/// Signed contracts and confirmed orders of one method whose first line is one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractGroup {
    pub method: String,
    /// The agency's kind (`central`, `local`, `public_institution`, `other`; not said = `other`).
    pub agency_kind: String,
    /// The service of the contract's first line (`None` for a contract without lines).
    pub service_id: Option<String>,
    pub count: i64,
    pub amount_krw: i64,
}

/// The voucher programmes in sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VoucherTotals {
    pub programmes: i64,
    pub granted_krw: i64,
    pub reimbursed_krw: i64,
}

impl Db {
    /// Every signed contract and confirmed order, counted and summed (`total_krw`, as amended) by
    /// method, by its agency's kind and by the service of its first line.
    pub async fn contract_groups(&self) -> Result<Vec<ContractGroup>> {
        let rows = sqlx::query(
            "SELECT c.method, COALESCE(o.agency_kind, 'other') AS agency_kind, i.service_id, COUNT(*) AS n, \
             CAST(SUM(c.total_krw) AS BIGINT) AS amount FROM contracts c JOIN organisations o ON o.id = c.agency_id \
             LEFT JOIN contract_items i ON i.contract_id = c.id AND i.position = 0 WHERE c.signed_at IS NOT NULL \
             GROUP BY c.method, COALESCE(o.agency_kind, 'other'), i.service_id ORDER BY c.method, agency_kind, i.service_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ContractGroup {
                    method: r.try_get("method")?,
                    agency_kind: r.try_get("agency_kind")?,
                    service_id: r.try_get("service_id")?,
                    count: r.try_get("n")?,
                    amount_krw: r.try_get("amount")?,
                })
            })
            .collect()
    }

    /// How many voucher programmes there are, and what they granted and reimbursed in all.
    pub async fn voucher_totals(&self) -> Result<VoucherTotals> {
        let r = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(granted_krw), 0) AS BIGINT) AS granted, \
             CAST(COALESCE(SUM(reimbursed_krw), 0) AS BIGINT) AS reimbursed FROM voucher_programmes",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(VoucherTotals { programmes: r.try_get("n")?, granted_krw: r.try_get("granted")?, reimbursed_krw: r.try_get("reimbursed")? })
    }
}
