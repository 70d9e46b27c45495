//! Invoices' records (issue #24; SPEC §3 "Usage and billing"): one invoice per contract,
//! supplier and billing period, drafted and recomputed while `draft`, then moved through
//! `issued`, `accepted` / `disputed` and `paid` by conditional UPDATEs; the usage a draft bills
//! (aggregated per meter and month), the usage stamped with the invoice that billed it at issue,
//! the unannounced outages the SLA credits come from, and the figures an invoice moves on its
//! contract (`invoiced_krw`, at issue) and budget line (`spent_krw`, at payment).

use crate::{Db, Result, WriteTx};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// An invoice as stored. `lines` is the JSON array of metered lines, `details` the JSON object
/// `{"fixed": [...], "credits": [...]}` computed with them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invoice {
    pub id: String,
    pub contract_id: String,
    pub supplier_id: String,
    pub agency_id: String,
    pub period: String,
    pub first_month: i64,
    pub last_month: i64,
    pub lines: String,
    pub details: String,
    pub fixed_krw: i64,
    pub credit_krw: i64,
    pub net_krw: i64,
    pub vat_krw: i64,
    pub total_krw: i64,
    pub status: String,
    pub computed_at: i64,
    pub issued_at: Option<i64>,
    pub issued_by: Option<String>,
    pub accepted_at: Option<i64>,
    pub accepted_by: Option<String>,
    pub disputed_at: Option<i64>,
    pub disputed_by: Option<String>,
    pub dispute_reason: Option<String>,
    pub paid_on: Option<String>,
    pub paid_at: Option<i64>,
    pub paid_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Invoice {
    /// Whether the computed parts equal another computation's.
    pub fn same_amounts(&self, other: &Invoice) -> bool {
        self.lines == other.lines
            && self.details == other.details
            && self.fixed_krw == other.fixed_krw
            && self.credit_krw == other.credit_krw
            && self.net_krw == other.net_krw
            && self.vat_krw == other.vat_krw
            && self.total_krw == other.total_krw
            && self.first_month == other.first_month
            && self.last_month == other.last_month
    }
}

fn invoice_from(row: &AnyRow) -> Result<Invoice> {
    Ok(Invoice {
        id: row.try_get("id")?,
        contract_id: row.try_get("contract_id")?,
        supplier_id: row.try_get("supplier_id")?,
        agency_id: row.try_get("agency_id")?,
        period: row.try_get("period")?,
        first_month: row.try_get("first_month")?,
        last_month: row.try_get("last_month")?,
        lines: row.try_get("lines")?,
        details: row.try_get("details")?,
        fixed_krw: row.try_get("fixed_krw")?,
        credit_krw: row.try_get("credit_krw")?,
        net_krw: row.try_get("net_krw")?,
        vat_krw: row.try_get("vat_krw")?,
        total_krw: row.try_get("total_krw")?,
        status: row.try_get("status")?,
        computed_at: row.try_get("computed_at")?,
        issued_at: row.try_get("issued_at")?,
        issued_by: row.try_get("issued_by")?,
        accepted_at: row.try_get("accepted_at")?,
        accepted_by: row.try_get("accepted_by")?,
        disputed_at: row.try_get("disputed_at")?,
        disputed_by: row.try_get("disputed_by")?,
        dispute_reason: row.try_get("dispute_reason")?,
        paid_on: row.try_get("paid_on")?,
        paid_at: row.try_get("paid_at")?,
        paid_by: row.try_get("paid_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Which invoices to list. `agency_id` and `supplier_id` are the caller's organisation: a
/// supplier sees the invoices of the contracts it is party to (lead or joint member).
#[derive(Debug, Clone, Copy, Default)]
pub struct InvoiceFilter<'a> {
    pub contract_id: Option<&'a str>,
    pub period: Option<&'a str>,
    pub status: Option<&'a str>,
    pub agency_id: Option<&'a str>,
    pub supplier_id: Option<&'a str>,
}

/// A contract a billing run looks at: signed (or a confirmed order), billed as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillableContract {
    pub id: String,
    pub status: String,
    pub starts_on: String,
    pub ends_on: String,
    pub ended_at: Option<i64>,
}

/// An unannounced outage of a service: `(service_id, started_at, ended_at)` (µs; open when `None`).
pub type InvoiceOutage = (String, i64, Option<i64>);

/// What [`WriteTx::upsert_invoice_draft`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftWrite {
    Inserted,
    Updated,
    Unchanged,
    /// Already issued (or further): left as it is.
    NotDraft,
}

const COLUMNS: &str = "id, contract_id, supplier_id, agency_id, period, first_month, last_month, lines, details, fixed_krw, \
     credit_krw, net_krw, vat_krw, total_krw, status, computed_at, issued_at, issued_by, accepted_at, accepted_by, disputed_at, \
     disputed_by, dispute_reason, paid_on, paid_at, paid_by, created_at, updated_at";

async fn fetch_invoice<'e, E: Executor<'e, Database = Any>>(e: E, id: &str) -> Result<Option<Invoice>> {
    let sql = format!("SELECT {COLUMNS} FROM invoices WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(e).await?;
    row.as_ref().map(invoice_from).transpose()
}

async fn fetch_of_contract<'e, E: Executor<'e, Database = Any>>(e: E, contract_id: &str) -> Result<Vec<Invoice>> {
    let sql = format!("SELECT {COLUMNS} FROM invoices WHERE contract_id = $1 ORDER BY first_month, supplier_id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(contract_id).fetch_all(e).await?;
    rows.iter().map(invoice_from).collect()
}

/// Usage per `(meter, month, millionths)`.
pub type MeterMonth = (String, i64, i64);

fn meter_months(rows: &[AnyRow]) -> Result<Vec<MeterMonth>> {
    rows.iter().map(|r| Ok((r.try_get("meter")?, r.try_get("month")?, r.try_get("q")?))).collect()
}

/// A contract the billing job looks at, with what it needs to decide whether anything is to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingCandidate {
    pub id: String,
    pub billing: String,
    pub starts_on: String,
    pub ends_on: String,
    pub ended_at: Option<i64>,
    /// Its invoicing suppliers (1, or a joint contract's members).
    pub members: i64,
    pub invoices: i64,
    /// The oldest `computed_at` of its drafts; `None` without drafts.
    pub oldest_draft_at: Option<i64>,
    /// The newest `computed_at` of all its invoices (an issue recomputes).
    pub newest_computed_at: Option<i64>,
    /// The last time usage arrived, an incident of its services changed, or the contract did.
    pub changed_at: i64,
}

impl Db {
    pub async fn invoice(&self, id: &str) -> Result<Option<Invoice>> {
        fetch_invoice(&self.pool, id).await
    }

    /// Invoices as the filter says, newest period first.
    pub async fn invoices(&self, f: InvoiceFilter<'_>) -> Result<Vec<Invoice>> {
        let mut conds = Vec::new();
        let mut binds: Vec<&str> = Vec::new();
        for (col, v) in [("contract_id", f.contract_id), ("period", f.period), ("status", f.status), ("agency_id", f.agency_id)] {
            if let Some(v) = v {
                binds.push(v);
                conds.push(format!("i.{col} = ${}", binds.len()));
            }
        }
        if let Some(s) = f.supplier_id {
            binds.push(s);
            let n = binds.len();
            conds.push(format!(
                "(i.supplier_id = ${n} OR EXISTS (SELECT 1 FROM contracts c WHERE c.id = i.contract_id AND c.supplier_id = ${n}) \
                 OR EXISTS (SELECT 1 FROM contract_shares s WHERE s.contract_id = i.contract_id AND s.supplier_id = ${n}))"
            ));
        }
        let filter = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
        let cols = COLUMNS.split(", ").map(|c| format!("i.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT {cols} FROM invoices i{filter} ORDER BY i.first_month DESC, i.created_at DESC, i.id");
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in binds {
            q = q.bind(b);
        }
        q.fetch_all(&self.pool).await?.iter().map(invoice_from).collect()
    }

    /// A contract's invoices, in period order.
    pub async fn invoices_of_contract(&self, contract_id: &str) -> Result<Vec<Invoice>> {
        fetch_of_contract(&self.pool, contract_id).await
    }

    /// Every signed contract or confirmed order that starts on or before `last_day` (the last
    /// ended day, `YYYY-MM-DD`), with its invoice count, its drafts' oldest computation and its
    /// last change (usage received, an incident of its services, the contract itself).
    pub async fn billing_candidates(&self, last_day: &str) -> Result<Vec<BillingCandidate>> {
        let rows = sqlx::query(
            "SELECT c.id, c.billing, c.starts_on, c.ends_on, c.ended_at, \
             (SELECT COUNT(*) FROM contract_shares s WHERE s.contract_id = c.id) AS shares, \
             (SELECT COUNT(*) FROM invoices i WHERE i.contract_id = c.id) AS invoices, \
             (SELECT MIN(i.computed_at) FROM invoices i WHERE i.contract_id = c.id AND i.status = 'draft') AS oldest_draft_at, \
             (SELECT MAX(i.computed_at) FROM invoices i WHERE i.contract_id = c.id) AS newest_computed_at, \
             COALESCE(c.usage_received_at, 0) AS usage_at, c.updated_at, \
             COALESCE((SELECT MAX(n.updated_at) FROM incidents n WHERE n.service_id IN \
                 (SELECT ci.service_id FROM contract_items ci WHERE ci.contract_id = c.id)), 0) AS incident_at \
             FROM contracts c WHERE c.status NOT IN ('draft', 'requested', 'refused') AND c.signed_at IS NOT NULL \
             AND c.billing IN ('monthly', 'quarterly') AND c.starts_on <= $1 ORDER BY c.id",
        )
        .bind(last_day)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let shares: i64 = r.try_get("shares")?;
                let usage_at: i64 = r.try_get("usage_at")?;
                let updated_at: i64 = r.try_get("updated_at")?;
                let incident_at: i64 = r.try_get("incident_at")?;
                Ok(BillingCandidate {
                    id: r.try_get("id")?,
                    billing: r.try_get("billing")?,
                    starts_on: r.try_get("starts_on")?,
                    ends_on: r.try_get("ends_on")?,
                    ended_at: r.try_get("ended_at")?,
                    members: shares.max(1),
                    invoices: r.try_get("invoices")?,
                    oldest_draft_at: r.try_get("oldest_draft_at")?,
                    newest_computed_at: r.try_get("newest_computed_at")?,
                    changed_at: usage_at.max(updated_at).max(incident_at),
                })
            })
            .collect()
    }

    /// The contracts and orders billed `billing` (`monthly`/`quarterly`) whose dates meet
    /// `[first_day, last_day]` (YYYY-MM-DD) and that were signed or confirmed: not a draft, not
    /// awaiting or refused.
    pub async fn billable_contracts(&self, billing: &str, first_day: &str, last_day: &str) -> Result<Vec<BillableContract>> {
        let rows = sqlx::query(
            "SELECT id, status, starts_on, ends_on, ended_at FROM contracts WHERE billing = $1 AND status NOT IN ('draft', \
             'requested', 'refused') AND signed_at IS NOT NULL AND starts_on <= $3 AND ends_on >= $2 ORDER BY id",
        )
        .bind(billing)
        .bind(first_day)
        .bind(last_day)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BillableContract {
                    id: r.try_get("id")?,
                    status: r.try_get("status")?,
                    starts_on: r.try_get("starts_on")?,
                    ends_on: r.try_get("ends_on")?,
                    ended_at: r.try_get("ended_at")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    pub async fn invoice(&mut self, id: &str) -> Result<Option<Invoice>> {
        fetch_invoice(&mut *self.tx, id).await
    }

    pub async fn invoices_of_contract(&mut self, contract_id: &str) -> Result<Vec<Invoice>> {
        fetch_of_contract(&mut *self.tx, contract_id).await
    }

    /// What a supplier's issued invoices of a contract billed in months `lo..=hi`, per
    /// `(meter, month)`.
    pub async fn billed_usage(&mut self, contract_id: &str, supplier_id: &str, (lo, hi): (i64, i64)) -> Result<Vec<MeterMonth>> {
        let rows = sqlx::query(
            "SELECT meter, month, CAST(SUM(quantity_micros) AS BIGINT) AS q FROM invoice_usage WHERE contract_id = $1 \
             AND supplier_id = $2 AND month >= $3 AND month <= $4 GROUP BY meter, month ORDER BY meter, month",
        )
        .bind(contract_id)
        .bind(supplier_id)
        .bind(lo)
        .bind(hi)
        .fetch_all(&mut *self.tx)
        .await?;
        meter_months(&rows)
    }

    /// Records what an invoice bills, at its issue (the ledger later drafts subtract).
    pub async fn record_billed_usage(&mut self, inv: &Invoice, rows: &[MeterMonth]) -> Result<()> {
        for (meter, month, q) in rows.iter().filter(|r| r.2 > 0) {
            sqlx::query(
                "INSERT INTO invoice_usage (invoice_id, contract_id, supplier_id, meter, month, quantity_micros) VALUES ($1, $2, $3, $4, \
                 $5, $6)",
            )
            .bind(&inv.id)
            .bind(&inv.contract_id)
            .bind(&inv.supplier_id)
            .bind(meter)
            .bind(*month)
            .bind(*q)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Notes that usage for these contracts arrived now (the billing job recomputes their drafts).
    pub async fn mark_usage_received(&mut self, contract_ids: &[&str]) -> Result<()> {
        for id in contract_ids {
            sqlx::query("UPDATE contracts SET usage_received_at = $2 WHERE id = $1")
                .bind(*id)
                .bind(self.now)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// The budget line a contract committed on for `fiscal_year`, if any.
    pub async fn committed_line_of_year(&mut self, contract_id: &str, fiscal_year: i64) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT b.budget_line_id FROM budget_commitments b JOIN budget_lines l ON l.id = b.budget_line_id WHERE b.contract_id = $1 \
             AND l.fiscal_year = $2 ORDER BY b.budget_line_id",
        )
        .bind(contract_id)
        .bind(fiscal_year)
        .fetch_optional(&mut *self.tx)
        .await?;
        row.map(|r| r.try_get("budget_line_id")).transpose().map_err(Into::into)
    }

    /// The unannounced outages of these services that overlap `[from, to)` (µs) and count for
    /// `agency_id`'s contracts: confirmed ones, and reports still pending from that agency.
    pub async fn invoice_outages(&mut self, service_ids: &[String], agency_id: &str, (from, to): (i64, i64)) -> Result<Vec<InvoiceOutage>> {
        let mut out = Vec::new();
        for s in service_ids {
            let rows = sqlx::query(
                "SELECT service_id, started_at, ended_at FROM incidents WHERE service_id = $1 AND announced = 0 AND started_at < $3 \
                 AND (ended_at IS NULL OR ended_at > $2) AND (confirmation = 'confirmed' OR (confirmation = 'pending' AND \
                 reporter_org_id = $4)) ORDER BY started_at",
            )
            .bind(s)
            .bind(from)
            .bind(to)
            .bind(agency_id)
            .fetch_all(&mut *self.tx)
            .await?;
            for r in &rows {
                out.push((r.try_get("service_id")?, r.try_get("started_at")?, r.try_get("ended_at")?));
            }
        }
        Ok(out)
    }

    /// Inserts a draft, or rewrites its computed parts while it is still a draft. Answers what
    /// it did and the invoice's id.
    pub async fn upsert_invoice_draft(&mut self, inv: &Invoice) -> Result<(DraftWrite, String)> {
        let sql = format!("SELECT {COLUMNS} FROM invoices WHERE contract_id = $1 AND supplier_id = $2 AND period = $3");
        let existing = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(&inv.contract_id)
            .bind(&inv.supplier_id)
            .bind(&inv.period)
            .fetch_optional(&mut *self.tx)
            .await?
            .as_ref()
            .map(invoice_from)
            .transpose()?;
        match existing {
            None => {
                sqlx::query(
                    "INSERT INTO invoices (id, contract_id, supplier_id, agency_id, period, first_month, last_month, lines, details, \
                     fixed_krw, credit_krw, net_krw, vat_krw, total_krw, status, computed_at, created_at, updated_at) VALUES ($1, $2, \
                     $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'draft', $15, $15, $15)",
                )
                .bind(&inv.id)
                .bind(&inv.contract_id)
                .bind(&inv.supplier_id)
                .bind(&inv.agency_id)
                .bind(&inv.period)
                .bind(inv.first_month)
                .bind(inv.last_month)
                .bind(&inv.lines)
                .bind(&inv.details)
                .bind(inv.fixed_krw)
                .bind(inv.credit_krw)
                .bind(inv.net_krw)
                .bind(inv.vat_krw)
                .bind(inv.total_krw)
                .bind(self.now)
                .execute(&mut *self.tx)
                .await?;
                Ok((DraftWrite::Inserted, inv.id.clone()))
            }
            Some(e) if e.status != "draft" => Ok((DraftWrite::NotDraft, e.id)),
            Some(e) if e.same_amounts(inv) => {
                sqlx::query("UPDATE invoices SET computed_at = $2 WHERE id = $1 AND status = 'draft'")
                    .bind(&e.id)
                    .bind(self.now)
                    .execute(&mut *self.tx)
                    .await?;
                Ok((DraftWrite::Unchanged, e.id))
            }
            Some(e) => {
                let done = self.write_invoice_amounts(&e.id, inv, "draft").await?;
                Ok((if done { DraftWrite::Updated } else { DraftWrite::NotDraft }, e.id))
            }
        }
    }

    /// Rewrites an invoice's computed parts while its status is `status`: `false` when it is not.
    pub async fn write_invoice_amounts(&mut self, id: &str, inv: &Invoice, status: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invoices SET first_month = $2, last_month = $3, lines = $4, details = $5, fixed_krw = $6, credit_krw = $7, \
             net_krw = $8, vat_krw = $9, total_krw = $10, computed_at = $11, updated_at = $11 WHERE id = $1 AND status = $12",
        )
        .bind(id)
        .bind(inv.first_month)
        .bind(inv.last_month)
        .bind(&inv.lines)
        .bind(&inv.details)
        .bind(inv.fixed_krw)
        .bind(inv.credit_krw)
        .bind(inv.net_krw)
        .bind(inv.vat_krw)
        .bind(inv.total_krw)
        .bind(self.now)
        .bind(status)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Issues an invoice that is a draft or disputed: `false` (nothing written) when it is not.
    pub async fn issue_invoice(&mut self, id: &str, by: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invoices SET status = 'issued', issued_at = $2, issued_by = $3, updated_at = $2 WHERE id = $1 \
             AND status IN ('draft', 'disputed')",
        )
        .bind(id)
        .bind(self.now)
        .bind(by)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Accepts an issued invoice: `false` when it is not issued.
    pub async fn accept_invoice(&mut self, id: &str, by: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invoices SET status = 'accepted', accepted_at = $2, accepted_by = $3, updated_at = $2 WHERE id = $1 AND status = 'issued'",
        )
        .bind(id)
        .bind(self.now)
        .bind(by)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Disputes an issued invoice with a reason: `false` when it is not issued.
    pub async fn dispute_invoice(&mut self, id: &str, by: &str, reason: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invoices SET status = 'disputed', disputed_at = $2, disputed_by = $3, dispute_reason = $4, updated_at = $2 \
             WHERE id = $1 AND status = 'issued'",
        )
        .bind(id)
        .bind(self.now)
        .bind(by)
        .bind(reason)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records an accepted invoice's payment: `false` when it is not accepted.
    pub async fn pay_invoice(&mut self, id: &str, by: &str, paid_on: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE invoices SET status = 'paid', paid_on = $4, paid_at = $2, paid_by = $3, updated_at = $2 WHERE id = $1 AND status = 'accepted'",
        )
        .bind(id)
        .bind(self.now)
        .bind(by)
        .bind(paid_on)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds an issued invoice's total to its contract's invoiced amount.
    pub async fn add_invoiced(&mut self, contract_id: &str, amount: i64) -> Result<()> {
        sqlx::query("UPDATE contracts SET invoiced_krw = invoiced_krw + $2, updated_at = $3 WHERE id = $1")
            .bind(contract_id)
            .bind(amount)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Adds a paid invoice's total to a budget line's spent amount.
    pub async fn add_spent(&mut self, budget_line_id: &str, amount: i64) -> Result<()> {
        sqlx::query("UPDATE budget_lines SET spent_krw = spent_krw + $2, updated_at = $3 WHERE id = $1")
            .bind(budget_line_id)
            .bind(amount)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Stores one usage record as it is (for tests and the demo, until the usage API's own path
    /// is merged): `(supplier_id, record_id, contract_id, meter, quantity_micros, period_start,
    /// period_end, month)`.
    #[doc(hidden)]
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_usage_record_for_tests(
        &mut self,
        supplier_id: &str,
        record_id: &str,
        contract_id: &str,
        meter: &str,
        quantity_micros: i64,
        period: (i64, i64),
        month: i64,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO usage_records (supplier_id, record_id, contract_id, meter, quantity_micros, period_start, period_end, month, \
             received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(supplier_id)
        .bind(record_id)
        .bind(contract_id)
        .bind(meter)
        .bind(quantity_micros)
        .bind(period.0)
        .bind(period.1)
        .bind(month)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        let row = crate::RollupRow { contract_id: contract_id.to_owned(), meter: meter.to_owned(), month, quantity_micros, records: 1 };
        self.add_usage_rollup(std::slice::from_ref(&row)).await
    }
}
