//! The SME cloud voucher's records (issue #25; migrations `0013_vouchers.sql`): programmes, the
//! supplier pool, applications, vouchers, evidence documents, claims and refunds.
//!
//! "Never exceeded, whatever the concurrency and however many instances": a programme's
//! `granted_krw` and a voucher's `reimbursed_krw` grow only through a conditional UPDATE that
//! names its limit (`… SET granted_krw = granted_krw + $2 WHERE id = $1 AND granted_krw + $2 <=
//! total_budget_krw`), inside the write transaction; the caller learns from the rows it touched
//! whether the amount fit. The CHECK constraints of the migration hold the same line.

use crate::{Db, Result, WriteTx};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// A voucher programme with its running totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherProgramme {
    pub id: String,
    pub year: i64,
    pub name: String,
    pub total_budget_krw: i64,
    pub company_cap_krw: i64,
    pub government_share_pct: i64,
    /// consulting, transition, usage (as stored, in order).
    pub cost_types: Vec<String>,
    /// YYYY-MM-DD, inclusive.
    pub apply_from: String,
    pub apply_to: String,
    pub use_until: String,
    pub granted_krw: i64,
    pub reimbursed_krw: i64,
    pub settled_krw: i64,
    pub created_by: String,
    pub created_at: i64,
}

/// A service offered to a programme's pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherService {
    pub id: String,
    pub programme_id: String,
    pub service_id: String,
    pub supplier_id: String,
    pub code: String,
    pub name: String,
    pub status: String,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
}

/// An SME's application, with what the operator compares side by side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherApplication {
    pub id: String,
    pub programme_id: String,
    pub org_id: String,
    pub user_id: String,
    pub plan: String,
    pub requested_krw: i64,
    pub company_size: Option<String>,
    pub client_network: Option<String>,
    pub status: String,
    pub reason: Option<String>,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    /// The company's name, address, representative and phone (organisations).
    pub company_name: String,
    pub company_address: Option<String>,
    pub company_representative: Option<String>,
    pub company_phone: Option<String>,
    pub company_business_number: Option<String>,
    /// Vouchers the company holds from other programmes.
    pub prior_vouchers: i64,
    /// The voucher its selection made, if selected.
    pub voucher_id: Option<String>,
}

/// A granted voucher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voucher {
    pub id: String,
    pub programme_id: String,
    pub org_id: String,
    pub application_id: String,
    pub granted_krw: i64,
    pub reimbursed_krw: i64,
    pub created_at: i64,
    pub company_name: String,
}

/// An evidence document an SME uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherDocument {
    pub id: String,
    pub org_id: String,
    pub sha256: String,
    pub filename: String,
    pub media_type: String,
    pub size_bytes: i64,
    pub created_by: String,
    pub created_at: i64,
}

/// A claim for reimbursement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherClaim {
    pub id: String,
    pub voucher_id: String,
    pub programme_id: String,
    pub org_id: String,
    pub voucher_service_id: String,
    pub service_id: String,
    pub supplier_id: String,
    pub cost_type: String,
    pub paid_krw: i64,
    pub paid_on: String,
    pub usage_krw: Option<i64>,
    pub tax_invoice_number: String,
    pub reimbursement_krw: i64,
    pub status: String,
    pub evidence_message: Option<String>,
    pub reason: Option<String>,
    pub approval_reason: Option<String>,
    pub settled_on: Option<String>,
    pub refunded_krw: i64,
    pub submitted_on: String,
    pub created_by: String,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
    pub evidence_document_ids: Vec<String>,
}

/// Money returned after a reimbursement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoucherRefund {
    pub id: String,
    pub claim_id: String,
    pub amount_krw: i64,
    pub note: String,
    pub reported_by: String,
    pub reporter_org: String,
    pub created_at: i64,
}

/// Which claims to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimFilter<'a> {
    /// The SME's.
    pub org_id: Option<&'a str>,
    /// On this supplier's services.
    pub supplier_id: Option<&'a str>,
    pub voucher_id: Option<&'a str>,
}

fn opt_s(row: &AnyRow, c: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(c)?)
}

fn opt_i(row: &AnyRow, c: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(c)?)
}

const PROGRAMME_SELECT: &str = "SELECT id, year, name, total_budget_krw, company_cap_krw, government_share_pct, cost_types, apply_from, \
     apply_to, use_until, granted_krw, reimbursed_krw, settled_krw, created_by, created_at FROM voucher_programmes";

fn programme_from(row: &AnyRow) -> Result<VoucherProgramme> {
    let types: String = row.try_get("cost_types")?;
    Ok(VoucherProgramme {
        id: row.try_get("id")?,
        year: row.try_get("year")?,
        name: row.try_get("name")?,
        total_budget_krw: row.try_get("total_budget_krw")?,
        company_cap_krw: row.try_get("company_cap_krw")?,
        government_share_pct: row.try_get("government_share_pct")?,
        cost_types: types.split(',').filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        apply_from: row.try_get("apply_from")?,
        apply_to: row.try_get("apply_to")?,
        use_until: row.try_get("use_until")?,
        granted_krw: row.try_get("granted_krw")?,
        reimbursed_krw: row.try_get("reimbursed_krw")?,
        settled_krw: row.try_get("settled_krw")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

const SERVICE_SELECT: &str = "SELECT id, programme_id, service_id, supplier_id, code, name, status, reason, created_by, created_at, \
     decided_by, decided_at FROM voucher_services";

fn service_from(row: &AnyRow) -> Result<VoucherService> {
    Ok(VoucherService {
        id: row.try_get("id")?,
        programme_id: row.try_get("programme_id")?,
        service_id: row.try_get("service_id")?,
        supplier_id: row.try_get("supplier_id")?,
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        status: row.try_get("status")?,
        reason: opt_s(row, "reason")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        decided_by: opt_s(row, "decided_by")?,
        decided_at: opt_i(row, "decided_at")?,
    })
}

const APPLICATION_SELECT: &str = "SELECT a.id, a.programme_id, a.org_id, a.user_id, a.plan, a.requested_krw, a.company_size, \
     a.client_network, a.status, a.reason, a.created_at, a.decided_by, a.decided_at, o.name AS company_name, o.address AS company_address, \
     o.representative AS company_representative, o.phone AS company_phone, o.business_number AS company_business_number, \
     (SELECT COUNT(*) FROM vouchers pv WHERE pv.org_id = a.org_id AND pv.programme_id <> a.programme_id) AS prior_vouchers, \
     (SELECT v.id FROM vouchers v WHERE v.application_id = a.id) AS voucher_id \
     FROM voucher_applications a JOIN organisations o ON o.id = a.org_id";

fn application_from(row: &AnyRow) -> Result<VoucherApplication> {
    Ok(VoucherApplication {
        id: row.try_get("id")?,
        programme_id: row.try_get("programme_id")?,
        org_id: row.try_get("org_id")?,
        user_id: row.try_get("user_id")?,
        plan: row.try_get("plan")?,
        requested_krw: row.try_get("requested_krw")?,
        company_size: opt_s(row, "company_size")?,
        client_network: opt_s(row, "client_network")?,
        status: row.try_get("status")?,
        reason: opt_s(row, "reason")?,
        created_at: row.try_get("created_at")?,
        decided_by: opt_s(row, "decided_by")?,
        decided_at: opt_i(row, "decided_at")?,
        company_name: row.try_get("company_name")?,
        company_address: opt_s(row, "company_address")?,
        company_representative: opt_s(row, "company_representative")?,
        company_phone: opt_s(row, "company_phone")?,
        company_business_number: opt_s(row, "company_business_number")?,
        prior_vouchers: row.try_get("prior_vouchers")?,
        voucher_id: opt_s(row, "voucher_id")?,
    })
}

const VOUCHER_SELECT: &str = "SELECT v.id, v.programme_id, v.org_id, v.application_id, v.granted_krw, v.reimbursed_krw, v.created_at, \
     o.name AS company_name FROM vouchers v JOIN organisations o ON o.id = v.org_id";

fn voucher_from(row: &AnyRow) -> Result<Voucher> {
    Ok(Voucher {
        id: row.try_get("id")?,
        programme_id: row.try_get("programme_id")?,
        org_id: row.try_get("org_id")?,
        application_id: row.try_get("application_id")?,
        granted_krw: row.try_get("granted_krw")?,
        reimbursed_krw: row.try_get("reimbursed_krw")?,
        created_at: row.try_get("created_at")?,
        company_name: row.try_get("company_name")?,
    })
}

const CLAIM_SELECT: &str = "SELECT id, voucher_id, programme_id, org_id, voucher_service_id, service_id, supplier_id, cost_type, paid_krw, \
     paid_on, usage_krw, tax_invoice_number, reimbursement_krw, status, evidence_message, reason, approval_reason, settled_on, \
     refunded_krw, submitted_on, created_by, created_at, decided_by, decided_at FROM voucher_claims";

fn claim_from(row: &AnyRow) -> Result<VoucherClaim> {
    Ok(VoucherClaim {
        id: row.try_get("id")?,
        voucher_id: row.try_get("voucher_id")?,
        programme_id: row.try_get("programme_id")?,
        org_id: row.try_get("org_id")?,
        voucher_service_id: row.try_get("voucher_service_id")?,
        service_id: row.try_get("service_id")?,
        supplier_id: row.try_get("supplier_id")?,
        cost_type: row.try_get("cost_type")?,
        paid_krw: row.try_get("paid_krw")?,
        paid_on: row.try_get("paid_on")?,
        usage_krw: opt_i(row, "usage_krw")?,
        tax_invoice_number: row.try_get("tax_invoice_number")?,
        reimbursement_krw: row.try_get("reimbursement_krw")?,
        status: row.try_get("status")?,
        evidence_message: opt_s(row, "evidence_message")?,
        reason: opt_s(row, "reason")?,
        approval_reason: opt_s(row, "approval_reason")?,
        settled_on: opt_s(row, "settled_on")?,
        refunded_krw: row.try_get("refunded_krw")?,
        submitted_on: row.try_get("submitted_on")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        decided_by: opt_s(row, "decided_by")?,
        decided_at: opt_i(row, "decided_at")?,
        evidence_document_ids: Vec::new(),
    })
}

async fn one<'e, E: Executor<'e, Database = Any>>(e: E, select: &str, id: &str) -> Result<Option<AnyRow>> {
    let sql = format!("{select} WHERE id = $1");
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(e).await?)
}

impl Db {
    /// Every programme, newest year first.
    pub async fn voucher_programmes(&self) -> Result<Vec<VoucherProgramme>> {
        let sql = format!("{PROGRAMME_SELECT} ORDER BY year DESC, created_at DESC, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(programme_from).collect()
    }

    pub async fn voucher_programme(&self, id: &str) -> Result<Option<VoucherProgramme>> {
        one(&self.pool, PROGRAMME_SELECT, id).await?.as_ref().map(programme_from).transpose()
    }

    /// A programme's pool entries (of one status when given), by code.
    pub async fn voucher_services(&self, programme_id: &str, status: Option<&str>) -> Result<Vec<VoucherService>> {
        let sql = format!("{SERVICE_SELECT} WHERE programme_id = $1 AND ($2 = '' OR status = $2) ORDER BY code, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(programme_id).bind(status.unwrap_or("")).fetch_all(&self.pool).await?;
        rows.iter().map(service_from).collect()
    }

    /// Every pool entry of one supplier, or of everyone.
    pub async fn voucher_services_of(&self, supplier_id: Option<&str>) -> Result<Vec<VoucherService>> {
        let sql = format!("{SERVICE_SELECT} WHERE ($1 = '' OR supplier_id = $1) ORDER BY created_at DESC, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id.unwrap_or("")).fetch_all(&self.pool).await?;
        rows.iter().map(service_from).collect()
    }

    pub async fn voucher_service(&self, id: &str) -> Result<Option<VoucherService>> {
        one(&self.pool, SERVICE_SELECT, id).await?.as_ref().map(service_from).transpose()
    }

    /// Applications: one company's, or every one (`None`), oldest first.
    pub async fn voucher_applications(&self, org_id: Option<&str>, programme_id: Option<&str>) -> Result<Vec<VoucherApplication>> {
        let sql = format!(
            "{APPLICATION_SELECT} WHERE ($1 = '' OR a.org_id = $1) AND ($2 = '' OR a.programme_id = $2) ORDER BY a.created_at, a.id"
        );
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id.unwrap_or("")).bind(programme_id.unwrap_or("")).fetch_all(&self.pool).await?;
        rows.iter().map(application_from).collect()
    }

    pub async fn voucher_application(&self, id: &str) -> Result<Option<VoucherApplication>> {
        let sql = format!("{APPLICATION_SELECT} WHERE a.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(application_from).transpose()
    }

    /// Vouchers: one company's, or every one.
    pub async fn vouchers(&self, org_id: Option<&str>) -> Result<Vec<Voucher>> {
        let sql = format!("{VOUCHER_SELECT} WHERE ($1 = '' OR v.org_id = $1) ORDER BY v.created_at, v.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id.unwrap_or("")).fetch_all(&self.pool).await?;
        rows.iter().map(voucher_from).collect()
    }

    pub async fn voucher(&self, id: &str) -> Result<Option<Voucher>> {
        let sql = format!("{VOUCHER_SELECT} WHERE v.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(voucher_from).transpose()
    }

    pub async fn voucher_document(&self, id: &str) -> Result<Option<VoucherDocument>> {
        let row = sqlx::query(
            "SELECT id, org_id, sha256, filename, media_type, size_bytes, created_by, created_at FROM voucher_documents WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(VoucherDocument {
                id: r.try_get("id")?,
                org_id: r.try_get("org_id")?,
                sha256: r.try_get("sha256")?,
                filename: r.try_get("filename")?,
                media_type: r.try_get("media_type")?,
                size_bytes: r.try_get("size_bytes")?,
                created_by: r.try_get("created_by")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .transpose()
    }

    /// Claims as the filter says, oldest first, each with its evidence.
    pub async fn voucher_claims(&self, f: ClaimFilter<'_>) -> Result<Vec<VoucherClaim>> {
        let sql = format!(
            "{CLAIM_SELECT} WHERE ($1 = '' OR org_id = $1) AND ($2 = '' OR supplier_id = $2) AND ($3 = '' OR voucher_id = $3) \
             ORDER BY created_at, id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(f.org_id.unwrap_or(""))
            .bind(f.supplier_id.unwrap_or(""))
            .bind(f.voucher_id.unwrap_or(""))
            .fetch_all(&self.pool)
            .await?;
        let mut claims: Vec<VoucherClaim> = rows.iter().map(claim_from).collect::<Result<_>>()?;
        let docs = sqlx::query("SELECT claim_id, document_id FROM voucher_claim_documents ORDER BY claim_id, document_id")
            .fetch_all(&self.pool)
            .await?;
        let mut by_claim: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
        for d in docs {
            by_claim.entry(d.try_get("claim_id")?).or_default().push(d.try_get("document_id")?);
        }
        for c in &mut claims {
            c.evidence_document_ids = by_claim.remove(&c.id).unwrap_or_default();
        }
        Ok(claims)
    }

    pub async fn voucher_claim(&self, id: &str) -> Result<Option<VoucherClaim>> {
        let Some(row) = one(&self.pool, CLAIM_SELECT, id).await? else { return Ok(None) };
        let mut c = claim_from(&row)?;
        let docs = sqlx::query("SELECT document_id FROM voucher_claim_documents WHERE claim_id = $1 ORDER BY document_id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        c.evidence_document_ids = docs.iter().map(|d| d.try_get("document_id")).collect::<Result<_, _>>()?;
        Ok(Some(c))
    }

    /// Every refund reported, oldest first.
    pub async fn voucher_refunds(&self) -> Result<Vec<VoucherRefund>> {
        let rows = sqlx::query(
            "SELECT id, claim_id, amount_krw, note, reported_by, reporter_org, created_at FROM voucher_refunds ORDER BY created_at, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(VoucherRefund {
                    id: r.try_get("id")?,
                    claim_id: r.try_get("claim_id")?,
                    amount_krw: r.try_get("amount_krw")?,
                    note: r.try_get("note")?,
                    reported_by: r.try_get("reported_by")?,
                    reporter_org: r.try_get("reporter_org")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }
}

impl WriteTx {
    pub async fn voucher_programme(&mut self, id: &str) -> Result<Option<VoucherProgramme>> {
        one(&mut *self.tx, PROGRAMME_SELECT, id).await?.as_ref().map(programme_from).transpose()
    }

    pub async fn voucher_service(&mut self, id: &str) -> Result<Option<VoucherService>> {
        one(&mut *self.tx, SERVICE_SELECT, id).await?.as_ref().map(service_from).transpose()
    }

    pub async fn voucher(&mut self, id: &str) -> Result<Option<Voucher>> {
        let sql = format!("{VOUCHER_SELECT} WHERE v.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(voucher_from).transpose()
    }

    /// A claim as the transaction sees it (without its evidence list).
    pub async fn voucher_claim(&mut self, id: &str) -> Result<Option<VoucherClaim>> {
        one(&mut *self.tx, CLAIM_SELECT, id).await?.as_ref().map(claim_from).transpose()
    }

    pub async fn insert_voucher_programme(&mut self, p: &VoucherProgramme) -> Result<()> {
        sqlx::query(
            "INSERT INTO voucher_programmes (id, year, name, total_budget_krw, company_cap_krw, government_share_pct, cost_types, \
             apply_from, apply_to, use_until, granted_krw, reimbursed_krw, settled_krw, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0, 0, $11, $12)",
        )
        .bind(&p.id)
        .bind(p.year)
        .bind(&p.name)
        .bind(p.total_budget_krw)
        .bind(p.company_cap_krw)
        .bind(p.government_share_pct)
        .bind(p.cost_types.join(","))
        .bind(&p.apply_from)
        .bind(&p.apply_to)
        .bind(&p.use_until)
        .bind(&p.created_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Offers a service to a pool (pending); a second offer meets `uq_voucher_service`.
    pub async fn insert_voucher_service(&mut self, s: &VoucherService) -> Result<()> {
        sqlx::query(
            "INSERT INTO voucher_services (id, programme_id, service_id, supplier_id, code, name, status, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&s.id)
        .bind(&s.programme_id)
        .bind(&s.service_id)
        .bind(&s.supplier_id)
        .bind(&s.code)
        .bind(&s.name)
        .bind(&s.status)
        .bind(&s.created_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Moves a pool entry from `from` to `to`; `false` when it was no longer `from`.
    pub async fn decide_voucher_service(&mut self, id: &str, from: &str, to: &str, reason: Option<&str>, by: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE voucher_services SET status = $3, reason = $4, decided_by = $5, decided_at = $6 WHERE id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(reason)
        .bind(by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores an application; a second one of the company meets `uq_voucher_application`.
    pub async fn insert_voucher_application(&mut self, a: &VoucherApplication) -> Result<()> {
        sqlx::query(
            "INSERT INTO voucher_applications (id, programme_id, org_id, user_id, plan, requested_krw, company_size, client_network, \
             status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&a.id)
        .bind(&a.programme_id)
        .bind(&a.org_id)
        .bind(&a.user_id)
        .bind(&a.plan)
        .bind(a.requested_krw)
        .bind(a.company_size.as_deref())
        .bind(a.client_network.as_deref())
        .bind(&a.status)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Moves an application from `from` to `to`; `false` when it was no longer `from`.
    pub async fn decide_voucher_application(&mut self, id: &str, from: &str, to: &str, reason: Option<&str>, by: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE voucher_applications SET status = $3, reason = $4, decided_by = $5, decided_at = $6 WHERE id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(reason)
        .bind(by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Commits `amount` of the programme's budget, only if it fits: `false` (nothing changed)
    /// when `granted + amount` would pass the total.
    pub async fn grant_from_programme(&mut self, programme_id: &str, amount: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE voucher_programmes SET granted_krw = granted_krw + $2 WHERE id = $1 AND granted_krw + $2 <= total_budget_krw",
        )
        .bind(programme_id)
        .bind(amount)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_voucher(&mut self, v: &Voucher) -> Result<()> {
        sqlx::query(
            "INSERT INTO vouchers (id, programme_id, org_id, application_id, granted_krw, reimbursed_krw, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(&v.id)
        .bind(&v.programme_id)
        .bind(&v.org_id)
        .bind(&v.application_id)
        .bind(v.granted_krw)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn insert_voucher_document(&mut self, d: &VoucherDocument) -> Result<()> {
        sqlx::query(
            "INSERT INTO voucher_documents (id, org_id, sha256, filename, media_type, size_bytes, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&d.id)
        .bind(&d.org_id)
        .bind(&d.sha256)
        .bind(&d.filename)
        .bind(&d.media_type)
        .bind(d.size_bytes)
        .bind(&d.created_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Stores a claim with its evidence; a tax invoice number claimed before in the programme
    /// meets `uq_voucher_invoice`.
    pub async fn insert_voucher_claim(&mut self, c: &VoucherClaim) -> Result<()> {
        sqlx::query(
            "INSERT INTO voucher_claims (id, voucher_id, programme_id, org_id, voucher_service_id, service_id, supplier_id, cost_type, \
             paid_krw, paid_on, usage_krw, tax_invoice_number, reimbursement_krw, status, submitted_on, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        )
        .bind(&c.id)
        .bind(&c.voucher_id)
        .bind(&c.programme_id)
        .bind(&c.org_id)
        .bind(&c.voucher_service_id)
        .bind(&c.service_id)
        .bind(&c.supplier_id)
        .bind(&c.cost_type)
        .bind(c.paid_krw)
        .bind(&c.paid_on)
        .bind(c.usage_krw)
        .bind(&c.tax_invoice_number)
        .bind(c.reimbursement_krw)
        .bind(&c.status)
        .bind(&c.submitted_on)
        .bind(&c.created_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        self.add_voucher_claim_documents(&c.id, &c.evidence_document_ids).await
    }

    /// Adds evidence documents to a claim; one it already cites is not added twice.
    pub async fn add_voucher_claim_documents(&mut self, claim_id: &str, document_ids: &[String]) -> Result<()> {
        for d in document_ids {
            sqlx::query("INSERT INTO voucher_claim_documents (claim_id, document_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(claim_id)
                .bind(d)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Moves a claim from `from` to `to`, recording who decided and the text the step carries
    /// (`column` = evidence_message, reason or approval_reason); `false` when it was no longer `from`.
    pub async fn move_voucher_claim(&mut self, id: &str, from: &str, to: &str, text: Option<(ClaimText, &str)>, by: &str) -> Result<bool> {
        let column = text.map(|(c, _)| c.column()).unwrap_or("reason");
        let sql = format!(
            "UPDATE voucher_claims SET status = $3, {column} = COALESCE($4, {column}), decided_by = $5, decided_at = $6 \
             WHERE id = $1 AND status = $2"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .bind(from)
            .bind(to)
            .bind(text.map(|(_, t)| t))
            .bind(by)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Puts a claim from `from` back to `to` without recording a decision (the SME's answer to
    /// a request for evidence: who decided last stays the operator); `false` when it was no
    /// longer `from`.
    pub async fn reopen_voucher_claim(&mut self, id: &str, from: &str, to: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE voucher_claims SET status = $3 WHERE id = $1 AND status = $2")
            .bind(id)
            .bind(from)
            .bind(to)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Commits a reimbursement against the voucher, only if it fits: `false` (nothing changed)
    /// when `reimbursed + amount` would pass the grant. The programme's total reimbursed grows
    /// with it.
    pub async fn reimburse_from_voucher(&mut self, voucher_id: &str, programme_id: &str, amount: i64) -> Result<bool> {
        let done =
            sqlx::query("UPDATE vouchers SET reimbursed_krw = reimbursed_krw + $2 WHERE id = $1 AND reimbursed_krw + $2 <= granted_krw")
                .bind(voucher_id)
                .bind(amount)
                .execute(&mut *self.tx)
                .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query("UPDATE voucher_programmes SET reimbursed_krw = reimbursed_krw + $2 WHERE id = $1")
            .bind(programme_id)
            .bind(amount)
            .execute(&mut *self.tx)
            .await?;
        Ok(true)
    }

    /// Settles an approved claim (paid out on `settled_on`): its programme's total settled grows.
    pub async fn settle_voucher_claim(&mut self, id: &str, settled_on: &str, by: &str) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE voucher_claims SET status = 'settled', settled_on = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND status = 'approved'",
        )
        .bind(id)
        .bind(settled_on)
        .bind(by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "UPDATE voucher_programmes SET settled_krw = settled_krw + \
             (SELECT reimbursement_krw FROM voucher_claims WHERE id = $1) WHERE id = (SELECT programme_id FROM voucher_claims WHERE id = $1)",
        )
        .bind(id)
        .execute(&mut *self.tx)
        .await?;
        Ok(true)
    }

    /// Records money returned on a claim.
    pub async fn insert_voucher_refund(&mut self, r: &VoucherRefund) -> Result<()> {
        sqlx::query(
            "INSERT INTO voucher_refunds (id, claim_id, amount_krw, note, reported_by, reporter_org, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&r.id)
        .bind(&r.claim_id)
        .bind(r.amount_krw)
        .bind(&r.note)
        .bind(&r.reported_by)
        .bind(&r.reporter_org)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE voucher_claims SET refunded_krw = refunded_krw + $2 WHERE id = $1")
            .bind(&r.claim_id)
            .bind(r.amount_krw)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

/// The text a claim's step records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimText {
    /// The operator's request for evidence.
    EvidenceMessage,
    /// A rejection's reason.
    Reason,
    /// An approval's reason (needed when the claim is flagged).
    ApprovalReason,
}

impl ClaimText {
    fn column(self) -> &'static str {
        match self {
            Self::EvidenceMessage => "evidence_message",
            Self::Reason => "reason",
            Self::ApprovalReason => "approval_reason",
        }
    }
}
