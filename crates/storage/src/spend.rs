//! Spend and dashboards (issue #24; SPEC §4 "Usage, invoices and post-management"): reads over
//! contracts, invoices, usage records, incidents and budget lines, and the `spend_notices` that
//! record each warning sent. The arithmetic is `gureum_domain::spend`'s; sums of many rows are
//! taken here (`CAST(SUM(…) AS BIGINT)`: PostgreSQL sums BIGINT as NUMERIC).

use crate::{Db, Result, WriteTx};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A contract (or order) as spend sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendContract {
    pub id: String,
    pub method: String,
    pub agency_id: String,
    pub supplier_id: String,
    pub status: String,
    pub billing: String,
    pub cap_krw: Option<i64>,
    pub total_krw: i64,
    pub starts_on: String,
    pub ends_on: String,
    /// The first line's service name (what the contract is for).
    pub title: String,
}

const CONTRACT_COLUMNS: &str = "c.id, c.method, c.agency_id, c.supplier_id, c.status, c.billing, c.cap_krw, c.total_krw, c.starts_on, \
    c.ends_on, COALESCE((SELECT ci.service_name FROM contract_items ci WHERE ci.contract_id = c.id ORDER BY ci.position LIMIT 1), '') AS title";

fn contract_from(row: &AnyRow) -> Result<SpendContract> {
    Ok(SpendContract {
        id: row.try_get("id")?,
        method: row.try_get("method")?,
        agency_id: row.try_get("agency_id")?,
        supplier_id: row.try_get("supplier_id")?,
        status: row.try_get("status")?,
        billing: row.try_get("billing")?,
        cap_krw: row.try_get::<Option<i64>, _>("cap_krw")?,
        total_krw: row.try_get("total_krw")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        title: row.try_get("title")?,
    })
}

/// One invoice's figures for spend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpendInvoice {
    pub id: String,
    pub contract_id: String,
    pub supplier_id: String,
    pub period: String,
    pub first_month: i64,
    pub last_month: i64,
    pub total_krw: i64,
    pub status: String,
}

const INVOICE_COLUMNS: &str = "i.id, i.contract_id, i.supplier_id, i.period, i.first_month, i.last_month, i.total_krw, i.status";

fn invoice_from(row: &AnyRow) -> Result<SpendInvoice> {
    Ok(SpendInvoice {
        id: row.try_get("id")?,
        contract_id: row.try_get("contract_id")?,
        supplier_id: row.try_get("supplier_id")?,
        period: row.try_get("period")?,
        first_month: row.try_get("first_month")?,
        last_month: row.try_get("last_month")?,
        total_krw: row.try_get("total_krw")?,
        status: row.try_get("status")?,
    })
}

/// Whose dashboard: an agency (contracts it holds) or a supplier (contracts it leads or shares).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side<'a> {
    Agency(&'a str),
    Supplier(&'a str),
}

impl Side<'_> {
    fn key(self) -> &'static str {
        match self {
            Side::Agency(_) => "agency",
            Side::Supplier(_) => "supplier",
        }
    }

    fn id(&self) -> &str {
        match self {
            Side::Agency(id) | Side::Supplier(id) => id,
        }
    }
}

/// The contracts of a side: `$1` is the side's id, `$2` `agency` or `supplier`.
const SIDE_CONTRACTS: &str = "(($2 = 'agency' AND c.agency_id = $1) OR ($2 = 'supplier' AND (c.supplier_id = $1 OR EXISTS \
    (SELECT 1 FROM contract_shares s WHERE s.contract_id = c.id AND s.supplier_id = $1))))";

/// Metered usage of one month and meter (quantity in millionths).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthUsage {
    pub month: i64,
    pub meter: String,
    pub quantity_micros: i64,
}

/// Invoices of one status: how many, and their totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusSum {
    pub status: String,
    pub count: i64,
    pub total_krw: i64,
}

/// An incident still open (no end yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIncident {
    pub id: String,
    pub service_id: String,
    pub service_code: String,
    pub supplier_id: String,
    pub started_at: i64,
    pub announced: bool,
    pub description: String,
}

impl Db {
    /// A contract as spend sees it.
    pub async fn spend_contract(&self, id: &str) -> Result<Option<SpendContract>> {
        let sql = format!("SELECT {CONTRACT_COLUMNS} FROM contracts c WHERE c.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(contract_from).transpose()
    }

    /// The joint members of a contract (the lead is the contract's supplier).
    pub async fn spend_members(&self, contract_id: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT supplier_id FROM contract_shares WHERE contract_id = $1 ORDER BY supplier_id")
            .bind(contract_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("supplier_id")?)).collect()
    }

    /// A contract's invoices (every supplier's share), oldest period first.
    pub async fn spend_invoices(&self, contract_id: &str) -> Result<Vec<SpendInvoice>> {
        let sql = format!("SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.contract_id = $1 ORDER BY i.first_month, i.supplier_id, i.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(contract_id).fetch_all(&self.pool).await?;
        rows.iter().map(invoice_from).collect()
    }

    /// The contracts committed on a budget line.
    pub async fn budget_line_contracts(&self, line_id: &str) -> Result<Vec<SpendContract>> {
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts c WHERE c.id IN (SELECT b.contract_id FROM budget_commitments b WHERE b.budget_line_id = $1) \
             ORDER BY c.created_at, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(line_id).fetch_all(&self.pool).await?;
        rows.iter().map(contract_from).collect()
    }

    /// The invoices of the contracts committed on a budget line whose period begins in the
    /// fiscal year (`first_month` in `year`01..`year`12).
    pub async fn budget_line_invoices(&self, line_id: &str, fiscal_year: i32) -> Result<Vec<SpendInvoice>> {
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices i WHERE i.contract_id IN (SELECT b.contract_id FROM budget_commitments b WHERE \
             b.budget_line_id = $1) AND i.first_month >= $2 AND i.first_month <= $3 ORDER BY i.first_month, i.contract_id, i.supplier_id, i.id"
        );
        let year = i64::from(fiscal_year);
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(line_id).bind(year * 100 + 1).bind(year * 100 + 12).fetch_all(&self.pool).await?;
        rows.iter().map(invoice_from).collect()
    }

    /// The contracts that have at least one invoice (what the warnings job looks at).
    pub async fn contracts_with_invoices(&self) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT DISTINCT contract_id FROM invoices ORDER BY contract_id").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get("contract_id")?)).collect()
    }

    /// The budget lines on which a contract with an invoice is committed.
    pub async fn budget_lines_with_invoices(&self) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT DISTINCT b.budget_line_id FROM budget_commitments b WHERE EXISTS (SELECT 1 FROM invoices i WHERE i.contract_id = b.contract_id) \
             ORDER BY b.budget_line_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("budget_line_id")?)).collect()
    }

    /// The thresholds already warned of for a subject (`contract` or `budget_line`), ascending.
    pub async fn spend_notices_sent(&self, subject_kind: &str, subject_id: &str) -> Result<Vec<i64>> {
        let rows = sqlx::query("SELECT threshold FROM spend_notices WHERE subject_kind = $1 AND subject_id = $2 ORDER BY threshold")
            .bind(subject_kind)
            .bind(subject_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("threshold")?)).collect()
    }

    /// A side's contracts (not drafts), newest first.
    pub async fn side_contracts(&self, side: Side<'_>) -> Result<Vec<SpendContract>> {
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts c WHERE {SIDE_CONTRACTS} AND c.status <> 'draft' ORDER BY c.created_at DESC, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(side.id()).bind(side.key()).fetch_all(&self.pool).await?;
        rows.iter().map(contract_from).collect()
    }

    /// A side's signed or active contracts whose `ends_on` falls within `[from, to]` (dates as
    /// `YYYY-MM-DD`), soonest first.
    pub async fn contracts_ending(&self, side: Side<'_>, from: &str, to: &str) -> Result<Vec<SpendContract>> {
        let sql = format!(
            "SELECT {CONTRACT_COLUMNS} FROM contracts c WHERE {SIDE_CONTRACTS} AND c.status IN ('signed', 'active') AND c.ends_on >= $3 \
             AND c.ends_on <= $4 ORDER BY c.ends_on, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(side.id()).bind(side.key()).bind(from).bind(to).fetch_all(&self.pool).await?;
        rows.iter().map(contract_from).collect()
    }

    /// A side's metered usage by month and meter from `from_month` (yyyymm) on: the usage on
    /// the agency's contracts, or on the contracts the supplier is party to (lead or joint
    /// member), read from the rollup.
    pub async fn usage_by_month(&self, side: Side<'_>, from_month: i64) -> Result<Vec<MonthUsage>> {
        let sql = match side {
            Side::Agency(_) => {
                "SELECT r.month, r.meter, CAST(SUM(r.quantity_micros) AS BIGINT) AS q FROM usage_rollup r JOIN contracts c ON \
                 c.id = r.contract_id WHERE c.agency_id = $1 AND r.month >= $2 GROUP BY r.month, r.meter ORDER BY r.month, r.meter"
            }
            Side::Supplier(_) => {
                "SELECT r.month, r.meter, CAST(SUM(r.quantity_micros) AS BIGINT) AS q FROM usage_rollup r WHERE r.contract_id IN \
                 (SELECT c.id FROM contracts c WHERE c.supplier_id = $1 UNION SELECT s.contract_id FROM contract_shares s WHERE \
                 s.supplier_id = $1) AND r.month >= $2 GROUP BY r.month, r.meter ORDER BY r.month, r.meter"
            }
        };
        let rows = sqlx::query(sql).bind(side.id()).bind(from_month).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(MonthUsage { month: r.try_get("month")?, meter: r.try_get("meter")?, quantity_micros: r.try_get("q")? }))
            .collect()
    }

    /// A side's invoices whose period ends in or after `from_month` (yyyymm): the agency's, or
    /// the supplier's own shares.
    pub async fn side_invoices(&self, side: Side<'_>, from_month: i64) -> Result<Vec<SpendInvoice>> {
        let col = match side {
            Side::Agency(_) => "i.agency_id",
            Side::Supplier(_) => "i.supplier_id",
        };
        let sql = format!("SELECT {INVOICE_COLUMNS} FROM invoices i WHERE {col} = $1 AND i.last_month >= $2 ORDER BY i.first_month, i.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(side.id()).bind(from_month).fetch_all(&self.pool).await?;
        rows.iter().map(invoice_from).collect()
    }

    /// A side's invoices by status: count and total.
    pub async fn invoices_by_status(&self, side: Side<'_>) -> Result<Vec<StatusSum>> {
        let col = match side {
            Side::Agency(_) => "agency_id",
            Side::Supplier(_) => "supplier_id",
        };
        let sql = format!(
            "SELECT status, COUNT(*) AS n, CAST(COALESCE(SUM(total_krw), 0) AS BIGINT) AS total FROM invoices WHERE {col} = $1 GROUP BY status \
             ORDER BY status"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(side.id()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| Ok(StatusSum { status: r.try_get("status")?, count: r.try_get("n")?, total_krw: r.try_get("total")? }))
            .collect()
    }

    /// Open incidents (no end) a side should see: a supplier's own services', or for an agency
    /// those of services on its contracts and those it reported; newest first.
    pub async fn open_incidents(&self, side: Side<'_>) -> Result<Vec<OpenIncident>> {
        let cond = match side {
            Side::Agency(_) => {
                "(n.reporter_org_id = $1 OR n.service_id IN (SELECT ci.service_id FROM contract_items ci JOIN contracts c ON c.id = ci.contract_id \
                 WHERE c.agency_id = $1 AND c.status <> 'draft'))"
            }
            Side::Supplier(_) => "n.supplier_id = $1",
        };
        let sql = format!(
            "SELECT n.id, n.service_id, s.code, n.supplier_id, n.started_at, n.announced, n.description FROM incidents n JOIN services s \
             ON s.id = n.service_id WHERE n.ended_at IS NULL AND {cond} ORDER BY n.started_at DESC, n.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(side.id()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(OpenIncident {
                    id: r.try_get("id")?,
                    service_id: r.try_get("service_id")?,
                    service_code: r.try_get("code")?,
                    supplier_id: r.try_get("supplier_id")?,
                    started_at: r.try_get("started_at")?,
                    announced: r.try_get::<i64, _>("announced")? != 0,
                    description: r.try_get("description")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    /// Records a warning: `false` (nothing written) when this threshold of the subject was
    /// warned of already.
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_spend_notice(
        &mut self,
        subject_kind: &str,
        subject_id: &str,
        threshold: i64,
        spent_krw: i64,
        projected_krw: i64,
        limit_krw: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO spend_notices (subject_kind, subject_id, threshold, spent_krw, projected_krw, limit_krw, sent_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (subject_kind, subject_id, threshold) DO NOTHING",
        )
        .bind(subject_kind)
        .bind(subject_id)
        .bind(threshold)
        .bind(spent_krw)
        .bind(projected_krw)
        .bind(limit_krw)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// An invoice row as the invoices work writes it, for tests and the demo before it lands:
    /// `lines` empty, `net` = total − VAT with VAT = ⌊total / 11⌋.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_spend_test_invoice(
        &mut self,
        id: &str,
        contract_id: &str,
        supplier_id: &str,
        agency_id: &str,
        period: &str,
        first_month: i64,
        last_month: i64,
        total_krw: i64,
        status: &str,
    ) -> Result<()> {
        let vat = total_krw / 11;
        sqlx::query(
            "INSERT INTO invoices (id, contract_id, supplier_id, agency_id, period, first_month, last_month, lines, fixed_krw, credit_krw, \
             net_krw, vat_krw, total_krw, status, computed_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '[]', 0, 0, $8, $9, \
             $10, $11, $12, $12, $12)",
        )
        .bind(id)
        .bind(contract_id)
        .bind(supplier_id)
        .bind(agency_id)
        .bind(period)
        .bind(first_month)
        .bind(last_month)
        .bind(total_krw - vat)
        .bind(vat)
        .bind(total_krw)
        .bind(status)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}
