//! Buying's records (docs/RULES.md#buying): procurement projects with their searches and frozen
//! decision records, quote requests and quotes, contracts and delivery-request orders with their
//! items, instalments, joint shares and budget commitments, PPS catalog contracts, amendments.
//! Statuses are stored as the domain's names (`gureum_domain::buying`); which one follows which
//! is the domain's business, not this module's. Reads take any executor, so a use case reads the
//! same way inside its write transaction as outside it.

use crate::{Db, Result, WriteTx};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};
use std::collections::HashMap;

fn opt_i64(row: &AnyRow, col: &str) -> Result<Option<i64>> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

// ───────────────────────────── Projects ─────────────────────────────

/// A procurement project (구매 사업). The long list and the short list are JSON arrays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    pub id: String,
    pub org_id: String,
    pub title: String,
    pub required_grade: Option<String>,
    pub status: String,
    pub created_by: String,
    pub long_list: String,
    pub short_list: String,
    pub shortlisted_at: Option<i64>,
    pub decision_record_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

const PROJECT_COLUMNS: &str = "id, org_id, title, required_grade, status, created_by, long_list, short_list, shortlisted_at, decision_record_id, created_at, updated_at";

fn project_from(row: &AnyRow) -> Result<Project> {
    Ok(Project {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        title: row.try_get("title")?,
        required_grade: opt_text(row, "required_grade")?,
        status: row.try_get("status")?,
        created_by: row.try_get("created_by")?,
        long_list: row.try_get("long_list")?,
        short_list: row.try_get("short_list")?,
        shortlisted_at: opt_i64(row, "shortlisted_at")?,
        decision_record_id: opt_text(row, "decision_record_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A search run from a project: its parameters (JSON), its total, and what it did to the long list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectSearch {
    pub project_id: String,
    pub seq: i64,
    pub params: String,
    pub total: i64,
    pub added: i64,
    pub left_out: i64,
    pub searched_by: String,
    pub searched_at: i64,
}

fn search_from(row: &AnyRow) -> Result<ProjectSearch> {
    Ok(ProjectSearch {
        project_id: row.try_get("project_id")?,
        seq: row.try_get("seq")?,
        params: row.try_get("params")?,
        total: row.try_get("total")?,
        added: row.try_get("added")?,
        left_out: row.try_get("left_out")?,
        searched_by: row.try_get("searched_by")?,
        searched_at: row.try_get("searched_at")?,
    })
}

/// A frozen decision record: its canonical JSON body (everything but the hash) and the hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionRecordRow {
    pub id: String,
    pub project_id: String,
    pub org_id: String,
    pub body: String,
    pub hash: String,
    pub created_by: String,
    pub created_at: i64,
}

fn record_from(row: &AnyRow) -> Result<DecisionRecordRow> {
    Ok(DecisionRecordRow {
        id: row.try_get("id")?,
        project_id: row.try_get("project_id")?,
        org_id: row.try_get("org_id")?,
        body: row.try_get("body")?,
        hash: row.try_get("hash")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn fetch_project<'e, E: Executor<'e, Database = Any>>(e: E, id: &str) -> Result<Option<Project>> {
    let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(e).await?;
    row.as_ref().map(project_from).transpose()
}

impl Db {
    pub async fn project(&self, id: &str) -> Result<Option<Project>> {
        fetch_project(&self.pool, id).await
    }

    /// An agency's projects, newest first.
    pub async fn projects_of(&self, org_id: &str) -> Result<Vec<Project>> {
        let sql = format!("SELECT {PROJECT_COLUMNS} FROM projects WHERE org_id = $1 ORDER BY created_at DESC, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).fetch_all(&self.pool).await?;
        rows.iter().map(project_from).collect()
    }

    /// A project's searches in the order they ran.
    pub async fn project_searches(&self, project_id: &str) -> Result<Vec<ProjectSearch>> {
        let rows =
            sqlx::query("SELECT * FROM project_searches WHERE project_id = $1 ORDER BY seq").bind(project_id).fetch_all(&self.pool).await?;
        rows.iter().map(search_from).collect()
    }

    pub async fn decision_record(&self, id: &str) -> Result<Option<DecisionRecordRow>> {
        let row = sqlx::query("SELECT * FROM decision_records WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(record_from).transpose()
    }

    /// The public revision and code of each of these services that has one, as
    /// `(id, code, revision)` in the order asked.
    pub async fn public_revisions(&self, ids: &[String]) -> Result<Vec<(String, String, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let marks: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
        let sql =
            format!("SELECT id, code, public_revision FROM services WHERE public_revision IS NOT NULL AND id IN ({})", marks.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await?;
        let mut found = std::collections::HashMap::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            found.insert(id, (r.try_get::<String, _>("code")?, r.try_get::<i64, _>("public_revision")?));
        }
        Ok(ids.iter().filter_map(|id| found.get(id).map(|(c, n)| (id.clone(), c.clone(), *n))).collect())
    }

    /// Whether a contract of this supplier (lead or joint member) cites the decision record.
    pub async fn decision_record_cited_for(&self, record_id: &str, supplier_id: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM contracts c WHERE c.decision_record_id = $1 AND (c.supplier_id = $2 OR EXISTS \
             (SELECT 1 FROM contract_shares s WHERE s.contract_id = c.id AND s.supplier_id = $2))",
        )
        .bind(record_id)
        .bind(supplier_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }
}

impl WriteTx {
    pub async fn project(&mut self, id: &str) -> Result<Option<Project>> {
        fetch_project(&mut *self.tx, id).await
    }

    pub async fn insert_project(&mut self, p: &Project) -> Result<()> {
        sqlx::query(
            "INSERT INTO projects (id, org_id, title, required_grade, status, created_by, long_list, short_list, shortlisted_at, \
             decision_record_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
        )
        .bind(&p.id)
        .bind(&p.org_id)
        .bind(&p.title)
        .bind(&p.required_grade)
        .bind(&p.status)
        .bind(&p.created_by)
        .bind(&p.long_list)
        .bind(&p.short_list)
        .bind(p.shortlisted_at)
        .bind(&p.decision_record_id)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Writes a project's status, lists, short-list instant and decision record.
    pub async fn update_project(&mut self, p: &Project) -> Result<()> {
        sqlx::query(
            "UPDATE projects SET status = $2, long_list = $3, short_list = $4, shortlisted_at = $5, decision_record_id = $6, \
             updated_at = $7 WHERE id = $1",
        )
        .bind(&p.id)
        .bind(&p.status)
        .bind(&p.long_list)
        .bind(&p.short_list)
        .bind(p.shortlisted_at)
        .bind(&p.decision_record_id)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Records a search; answers its sequence number within the project (from 1).
    pub async fn insert_project_search(&mut self, s: &ProjectSearch) -> Result<i64> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM project_searches WHERE project_id = $1")
            .bind(&s.project_id)
            .fetch_one(&mut *self.tx)
            .await?;
        let seq: i64 = row.try_get("n")?;
        sqlx::query(
            "INSERT INTO project_searches (project_id, seq, params, total, added, left_out, searched_by, searched_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&s.project_id)
        .bind(seq)
        .bind(&s.params)
        .bind(s.total)
        .bind(s.added)
        .bind(s.left_out)
        .bind(&s.searched_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(seq)
    }

    pub async fn insert_decision_record(&mut self, r: &DecisionRecordRow) -> Result<()> {
        sqlx::query(
            "INSERT INTO decision_records (id, project_id, org_id, body, hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&r.id)
        .bind(&r.project_id)
        .bind(&r.org_id)
        .bind(&r.body)
        .bind(&r.hash)
        .bind(&r.created_by)
        .bind(r.created_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn decision_record(&mut self, id: &str) -> Result<Option<DecisionRecordRow>> {
        let row = sqlx::query("SELECT * FROM decision_records WHERE id = $1").bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(record_from).transpose()
    }
}

// ───────────────────────────── Quotes ─────────────────────────────

/// A supplier's answer to a quote request. `items` is a JSON array of
/// `{"plan", "unit_price_krw", "quantity", "months"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub id: String,
    pub request_id: String,
    pub items: String,
    pub total_krw: i64,
    /// YYYY-MM-DD, the last day it holds.
    pub valid_until: String,
    pub note: String,
    pub offered_by: String,
    pub created_at: i64,
}

/// A buyer's quote request (견적요청) with its quote once offered. `items` is a JSON array of
/// `{"plan", "quantity", "months"}`; `status` the domain's `QuoteStatus` as stored (an offered
/// quote's expiry is worked out when asked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteRequest {
    pub id: String,
    pub org_id: String,
    pub project_id: Option<String>,
    pub service_id: String,
    pub supplier_id: String,
    pub items: String,
    pub starts_on: String,
    pub ends_on: String,
    pub message: String,
    pub status: String,
    pub requested_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub quote: Option<Quote>,
}

pub(crate) const QUOTE_REQUEST_SELECT: &str = "SELECT r.id, r.org_id, r.project_id, r.service_id, r.supplier_id, r.items, r.starts_on, r.ends_on, \
     r.message, r.status, r.requested_by, r.created_at, r.updated_at, q.id AS q_id, q.items AS q_items, q.total_krw AS q_total, \
     q.valid_until AS q_valid_until, q.note AS q_note, q.offered_by AS q_offered_by, q.created_at AS q_created_at \
     FROM quote_requests r LEFT JOIN quotes q ON q.request_id = r.id";

pub(crate) fn quote_request_from(row: &AnyRow) -> Result<QuoteRequest> {
    let id: String = row.try_get("id")?;
    let quote = match opt_text(row, "q_id")? {
        Some(qid) => Some(Quote {
            id: qid,
            request_id: id.clone(),
            items: row.try_get("q_items")?,
            total_krw: row.try_get("q_total")?,
            valid_until: row.try_get("q_valid_until")?,
            note: row.try_get("q_note")?,
            offered_by: row.try_get("q_offered_by")?,
            created_at: row.try_get("q_created_at")?,
        }),
        None => None,
    };
    Ok(QuoteRequest {
        id,
        org_id: row.try_get("org_id")?,
        project_id: opt_text(row, "project_id")?,
        service_id: row.try_get("service_id")?,
        supplier_id: row.try_get("supplier_id")?,
        items: row.try_get("items")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        message: row.try_get("message")?,
        status: row.try_get("status")?,
        requested_by: row.try_get("requested_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        quote,
    })
}

/// Whose quote requests to list.
#[derive(Debug, Clone, Copy)]
pub enum QuoteParty<'a> {
    Agency(&'a str),
    Supplier(&'a str),
}

async fn fetch_quote_request<'e, E: Executor<'e, Database = Any>>(e: E, cond: &str, id: &str) -> Result<Option<QuoteRequest>> {
    let sql = format!("{QUOTE_REQUEST_SELECT} WHERE {cond} = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(e).await?;
    row.as_ref().map(quote_request_from).transpose()
}

impl Db {
    pub async fn quote_request(&self, id: &str) -> Result<Option<QuoteRequest>> {
        fetch_quote_request(&self.pool, "r.id", id).await
    }

    /// An agency's or a supplier's quote requests, newest first.
    pub async fn quote_requests(&self, party: QuoteParty<'_>) -> Result<Vec<QuoteRequest>> {
        let (col, id) = match party {
            QuoteParty::Agency(id) => ("r.org_id", id),
            QuoteParty::Supplier(id) => ("r.supplier_id", id),
        };
        let sql = format!("{QUOTE_REQUEST_SELECT} WHERE {col} = $1 ORDER BY r.created_at DESC, r.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(&self.pool).await?;
        rows.iter().map(quote_request_from).collect()
    }

    /// The earliest quote request of a project (where its time to contract starts when no
    /// short list was made).
    pub async fn first_quote_request_at(&self, project_id: &str) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT MIN(created_at) AS t FROM quote_requests WHERE project_id = $1")
            .bind(project_id)
            .fetch_one(&self.pool)
            .await?;
        opt_i64(&row, "t")
    }
}

impl WriteTx {
    pub async fn quote_request(&mut self, id: &str) -> Result<Option<QuoteRequest>> {
        fetch_quote_request(&mut *self.tx, "r.id", id).await
    }

    /// The request a quote answers.
    pub async fn quote_request_of_quote(&mut self, quote_id: &str) -> Result<Option<QuoteRequest>> {
        fetch_quote_request(&mut *self.tx, "q.id", quote_id).await
    }

    pub async fn insert_quote_request(&mut self, r: &QuoteRequest) -> Result<()> {
        sqlx::query(
            "INSERT INTO quote_requests (id, org_id, project_id, service_id, supplier_id, items, starts_on, ends_on, message, status, \
             requested_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&r.id)
        .bind(&r.org_id)
        .bind(&r.project_id)
        .bind(&r.service_id)
        .bind(&r.supplier_id)
        .bind(&r.items)
        .bind(&r.starts_on)
        .bind(&r.ends_on)
        .bind(&r.message)
        .bind(&r.status)
        .bind(&r.requested_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn set_quote_request_status(&mut self, id: &str, status: &str) -> Result<()> {
        sqlx::query("UPDATE quote_requests SET status = $2, updated_at = $3 WHERE id = $1")
            .bind(id)
            .bind(status)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    pub async fn insert_quote(&mut self, q: &Quote) -> Result<()> {
        sqlx::query(
            "INSERT INTO quotes (id, request_id, items, total_krw, valid_until, note, offered_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&q.id)
        .bind(&q.request_id)
        .bind(&q.items)
        .bind(q.total_krw)
        .bind(&q.valid_until)
        .bind(&q.note)
        .bind(&q.offered_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}

// ───────────────────────────── Catalog contracts ─────────────────────────────

/// One service plan at a PPS catalog contract's unit price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogItem {
    pub service_id: String,
    pub plan: String,
    pub unit_price_krw: i64,
}

/// A PPS master contract (카탈로그 계약) over a supplier's existing listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogContract {
    pub id: String,
    pub supplier_id: String,
    pub number: String,
    pub starts_on: String,
    pub ends_on: String,
    pub created_by: String,
    pub created_at: i64,
    pub items: Vec<CatalogItem>,
}

async fn fetch_catalog_contracts(conn: &mut sqlx::AnyConnection, cond: &str, arg: Option<&str>) -> Result<Vec<CatalogContract>> {
    let sql = format!("SELECT * FROM catalog_contracts {cond} ORDER BY starts_on DESC, number");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    if let Some(a) = arg {
        q = q.bind(a.to_owned());
    }
    let rows = q.fetch_all(&mut *conn).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        let items = sqlx::query(
            "SELECT service_id, plan, unit_price_krw FROM catalog_contract_items WHERE catalog_contract_id = $1 ORDER BY position",
        )
        .bind(&id)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(CatalogItem { service_id: r.try_get("service_id")?, plan: r.try_get("plan")?, unit_price_krw: r.try_get("unit_price_krw")? })
        })
        .collect::<Result<Vec<_>>>()?;
        out.push(CatalogContract {
            id,
            supplier_id: row.try_get("supplier_id")?,
            number: row.try_get("number")?,
            starts_on: row.try_get("starts_on")?,
            ends_on: row.try_get("ends_on")?,
            created_by: row.try_get("created_by")?,
            created_at: row.try_get("created_at")?,
            items,
        });
    }
    Ok(out)
}

impl Db {
    /// Catalog contracts, every one or one supplier's, latest start first.
    pub async fn catalog_contracts(&self, supplier_id: Option<&str>) -> Result<Vec<CatalogContract>> {
        let mut conn = self.pool.acquire().await?;
        match supplier_id {
            Some(s) => fetch_catalog_contracts(&mut conn, "WHERE supplier_id = $1", Some(s)).await,
            None => fetch_catalog_contracts(&mut conn, "", None).await,
        }
    }

    /// The numbers of the catalog contracts that cover a service and run on `day` (YYYY-MM-DD).
    pub async fn running_catalog_numbers(&self, service_id: &str, day: &str) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT DISTINCT c.number FROM catalog_contracts c JOIN catalog_contract_items i ON i.catalog_contract_id = c.id \
             WHERE i.service_id = $1 AND c.starts_on <= $2 AND c.ends_on >= $2 ORDER BY c.number",
        )
        .bind(service_id)
        .bind(day)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("number")?)).collect()
    }

    pub async fn catalog_contract(&self, id: &str) -> Result<Option<CatalogContract>> {
        let mut conn = self.pool.acquire().await?;
        Ok(fetch_catalog_contracts(&mut conn, "WHERE id = $1", Some(id)).await?.pop())
    }
}

impl WriteTx {
    pub async fn catalog_contract(&mut self, id: &str) -> Result<Option<CatalogContract>> {
        Ok(fetch_catalog_contracts(&mut self.tx, "WHERE id = $1", Some(id)).await?.pop())
    }

    pub async fn catalog_number_taken(&mut self, number: &str) -> Result<bool> {
        let row =
            sqlx::query("SELECT COUNT(*) AS n FROM catalog_contracts WHERE number = $1").bind(number).fetch_one(&mut *self.tx).await?;
        Ok(row.try_get::<i64, _>("n")? > 0)
    }

    pub async fn insert_catalog_contract(&mut self, c: &CatalogContract) -> Result<()> {
        sqlx::query(
            "INSERT INTO catalog_contracts (id, supplier_id, number, starts_on, ends_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&c.id)
        .bind(&c.supplier_id)
        .bind(&c.number)
        .bind(&c.starts_on)
        .bind(&c.ends_on)
        .bind(&c.created_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        for (i, it) in c.items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO catalog_contract_items (catalog_contract_id, position, service_id, plan, unit_price_krw) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&c.id)
            .bind(i as i64)
            .bind(&it.service_id)
            .bind(&it.plan)
            .bind(it.unit_price_krw)
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }
}

// ───────────────────────────── Contracts and orders ─────────────────────────────

/// One line of a contract or order: a service plan at a unit price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractItem {
    pub service_id: String,
    pub service_code: String,
    pub service_name: String,
    pub plan: String,
    pub meter: String,
    pub unit_price_krw: i64,
    pub quantity: i64,
    pub months: i64,
    /// The plan's price model as drafted: `metered` (billed from usage) or `fixed` (a fee a month).
    pub model: String,
    /// Whether the unit price includes VAT (an invoice takes it net: ÷ 1.1, half-up).
    pub vat_included: bool,
}

/// A joint contract's member with its share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractShare {
    pub supplier_id: String,
    pub pct: i64,
    pub amount_krw: i64,
}

/// A negotiated contract (`method` = `negotiated`) or a delivery-request order (`catalog`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contract {
    pub id: String,
    pub method: String,
    pub agency_id: String,
    pub supplier_id: String,
    pub status: String,
    pub kind: String,
    pub fee_model: String,
    pub billing: String,
    pub budget_line_id: Option<String>,
    pub cap_krw: Option<i64>,
    pub total_krw: i64,
    pub starts_on: String,
    pub ends_on: String,
    pub required_grade: Option<String>,
    pub project_id: Option<String>,
    pub quote_id: Option<String>,
    pub catalog_contract_id: Option<String>,
    /// The unit-price contract a call-off order is placed under.
    pub call_off_of: Option<String>,
    pub decision_record_id: Option<String>,
    pub text: String,
    pub text_hash: String,
    pub supplier_accepted_hash: Option<String>,
    pub supplier_accepted_by: Option<String>,
    pub supplier_accepted_at: Option<i64>,
    pub agency_accepted_hash: Option<String>,
    pub agency_accepted_by: Option<String>,
    pub agency_accepted_at: Option<i64>,
    /// Where the time to contract starts: `shortlist`, `quote_request` or `delivery_request`.
    pub ttc_from: String,
    pub ttc_start: i64,
    pub signed_at: Option<i64>,
    pub ttc_calendar_days: Option<i64>,
    pub ttc_business_days: Option<i64>,
    pub invoiced_krw: i64,
    /// What call-off orders have reserved of a unit-price contract's cap.
    pub ordered_krw: i64,
    pub end_reason: Option<String>,
    pub ended_at: Option<i64>,
    pub data_returned_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub items: Vec<ContractItem>,
    /// `(fiscal_year, amount_krw)` of a long-term contract.
    pub installments: Vec<(i64, i64)>,
    pub shares: Vec<ContractShare>,
}

fn contract_from(row: &AnyRow) -> Result<Contract> {
    Ok(Contract {
        id: row.try_get("id")?,
        method: row.try_get("method")?,
        agency_id: row.try_get("agency_id")?,
        supplier_id: row.try_get("supplier_id")?,
        status: row.try_get("status")?,
        kind: row.try_get("type")?,
        fee_model: row.try_get("fee_model")?,
        billing: row.try_get("billing")?,
        budget_line_id: opt_text(row, "budget_line_id")?,
        cap_krw: opt_i64(row, "cap_krw")?,
        total_krw: row.try_get("total_krw")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        required_grade: opt_text(row, "required_grade")?,
        project_id: opt_text(row, "project_id")?,
        quote_id: opt_text(row, "quote_id")?,
        catalog_contract_id: opt_text(row, "catalog_contract_id")?,
        call_off_of: opt_text(row, "call_off_of")?,
        decision_record_id: opt_text(row, "decision_record_id")?,
        text: row.try_get("text")?,
        text_hash: row.try_get("text_hash")?,
        supplier_accepted_hash: opt_text(row, "supplier_accepted_hash")?,
        supplier_accepted_by: opt_text(row, "supplier_accepted_by")?,
        supplier_accepted_at: opt_i64(row, "supplier_accepted_at")?,
        agency_accepted_hash: opt_text(row, "agency_accepted_hash")?,
        agency_accepted_by: opt_text(row, "agency_accepted_by")?,
        agency_accepted_at: opt_i64(row, "agency_accepted_at")?,
        ttc_from: row.try_get("ttc_from")?,
        ttc_start: row.try_get("ttc_start")?,
        signed_at: opt_i64(row, "signed_at")?,
        ttc_calendar_days: opt_i64(row, "ttc_calendar_days")?,
        ttc_business_days: opt_i64(row, "ttc_business_days")?,
        invoiced_krw: row.try_get("invoiced_krw")?,
        ordered_krw: row.try_get("ordered_krw")?,
        end_reason: opt_text(row, "end_reason")?,
        ended_at: opt_i64(row, "ended_at")?,
        data_returned_at: opt_i64(row, "data_returned_at")?,
        closed_at: opt_i64(row, "closed_at")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        items: Vec::new(),
        installments: Vec::new(),
        shares: Vec::new(),
    })
}

fn item_from(r: &AnyRow) -> Result<ContractItem> {
    Ok(ContractItem {
        service_id: r.try_get("service_id")?,
        service_code: r.try_get("service_code")?,
        service_name: r.try_get("service_name")?,
        plan: r.try_get("plan")?,
        meter: r.try_get("meter")?,
        unit_price_krw: r.try_get("unit_price_krw")?,
        quantity: r.try_get("quantity")?,
        months: r.try_get("months")?,
        model: r.try_get("model")?,
        vat_included: r.try_get::<i64, _>("vat_included")? != 0,
    })
}

fn share_from(r: &AnyRow) -> Result<ContractShare> {
    Ok(ContractShare { supplier_id: r.try_get("supplier_id")?, pct: r.try_get("pct")?, amount_krw: r.try_get("amount_krw")? })
}

const ITEMS_SQL: &str = "SELECT * FROM contract_items WHERE contract_id IN ({ids}) ORDER BY contract_id, position";
const INSTALLMENTS_SQL: &str =
    "SELECT contract_id, fiscal_year, amount_krw FROM contract_installments WHERE contract_id IN ({ids}) ORDER BY contract_id, fiscal_year";
const SHARES_SQL: &str = "SELECT contract_id, supplier_id, pct, amount_krw FROM contract_shares WHERE contract_id IN ({ids}) \
     ORDER BY contract_id, pct DESC, supplier_id";

/// Fills the contracts' items, instalments and shares: three queries for the whole set, whose
/// ids are given by `ids_sql` (a sub-select or `$1`) and its binds.
async fn complete_all(conn: &mut sqlx::AnyConnection, list: &mut [Contract], ids_sql: &str, binds: &[&str]) -> Result<()> {
    if list.is_empty() {
        return Ok(());
    }
    let at: HashMap<String, usize> = list.iter().enumerate().map(|(i, c)| (c.id.clone(), i)).collect();
    async fn rows(conn: &mut sqlx::AnyConnection, sql: &str, ids_sql: &str, binds: &[&str]) -> Result<Vec<AnyRow>> {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.replace("{ids}", ids_sql)));
        for b in binds {
            q = q.bind(*b);
        }
        Ok(q.fetch_all(&mut *conn).await?)
    }
    for row in rows(conn, ITEMS_SQL, ids_sql, binds).await? {
        let id: String = row.try_get("contract_id")?;
        if let Some(&i) = at.get(&id) {
            list[i].items.push(item_from(&row)?);
        }
    }
    for row in rows(conn, INSTALLMENTS_SQL, ids_sql, binds).await? {
        let id: String = row.try_get("contract_id")?;
        if let Some(&i) = at.get(&id) {
            list[i].installments.push((row.try_get("fiscal_year")?, row.try_get("amount_krw")?));
        }
    }
    for row in rows(conn, SHARES_SQL, ids_sql, binds).await? {
        let id: String = row.try_get("contract_id")?;
        if let Some(&i) = at.get(&id) {
            list[i].shares.push(share_from(&row)?);
        }
    }
    Ok(())
}

async fn fetch_contract(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Option<Contract>> {
    let row = sqlx::query("SELECT * FROM contracts WHERE id = $1").bind(id).fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Ok(None) };
    let mut one = [contract_from(&row)?];
    complete_all(conn, &mut one, "$1", &[id]).await?;
    let [c] = one;
    Ok(Some(c))
}

/// Whose contracts to list, and which method.
#[derive(Debug, Clone, Copy)]
pub struct ContractFilter<'a> {
    /// `negotiated` or `catalog`; every one when `None`.
    pub method: Option<&'a str>,
    pub agency_id: Option<&'a str>,
    /// The lead supplier or a joint member.
    pub supplier_id: Option<&'a str>,
}

/// A signed contract's or confirmed order's time to contract, for the statistics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeToContractRow {
    pub method: String,
    pub calendar_days: i64,
    pub business_days: i64,
    pub signed_at: i64,
}

impl Db {
    pub async fn contract(&self, id: &str) -> Result<Option<Contract>> {
        let mut conn = self.pool.acquire().await?;
        fetch_contract(&mut conn, id).await
    }

    /// Contracts as the filter says, newest first, each complete.
    pub async fn contracts(&self, f: ContractFilter<'_>) -> Result<Vec<Contract>> {
        let mut conds = Vec::new();
        let mut binds = Vec::new();
        if let Some(m) = f.method {
            binds.push(m);
            conds.push(format!("method = ${}", binds.len()));
        }
        if let Some(a) = f.agency_id {
            binds.push(a);
            conds.push(format!("agency_id = ${}", binds.len()));
        }
        if let Some(s) = f.supplier_id {
            binds.push(s);
            let n = binds.len();
            conds.push(format!(
                "(supplier_id = ${n} OR EXISTS (SELECT 1 FROM contract_shares s WHERE s.contract_id = contracts.id AND s.supplier_id = ${n}))"
            ));
        }
        let filter = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
        let sql = format!("SELECT * FROM contracts{filter} ORDER BY created_at DESC, id");
        let mut conn = self.pool.acquire().await?;
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(*b);
        }
        let rows = q.fetch_all(&mut *conn).await?;
        let mut out = rows.iter().map(contract_from).collect::<Result<Vec<_>>>()?;
        complete_all(&mut conn, &mut out, &format!("SELECT id FROM contracts{filter}"), &binds).await?;
        Ok(out)
    }

    /// Every signed contract's and confirmed order's time to contract, signed within
    /// `[from, to)` (µs), of one method or every one.
    pub async fn times_to_contract(&self, method: Option<&str>, from: i64, to: i64) -> Result<Vec<TimeToContractRow>> {
        let rows = sqlx::query(
            "SELECT method, ttc_calendar_days, ttc_business_days, signed_at FROM contracts WHERE signed_at IS NOT NULL \
             AND ttc_calendar_days IS NOT NULL AND signed_at >= $1 AND signed_at < $2 AND ($3 = '' OR method = $3) ORDER BY signed_at",
        )
        .bind(from)
        .bind(to)
        .bind(method.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TimeToContractRow {
                    method: r.try_get("method")?,
                    calendar_days: r.try_get("ttc_calendar_days")?,
                    business_days: r.try_get("ttc_business_days")?,
                    signed_at: r.try_get("signed_at")?,
                })
            })
            .collect()
    }
}

/// A contract's budget commitment on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commitment {
    pub budget_line_id: String,
    pub amount_krw: i64,
}

impl WriteTx {
    pub async fn contract(&mut self, id: &str) -> Result<Option<Contract>> {
        fetch_contract(&mut self.tx, id).await
    }

    /// Inserts a contract with its items, instalments and shares.
    pub async fn insert_contract(&mut self, c: &Contract) -> Result<()> {
        sqlx::query(
            "INSERT INTO contracts (id, method, agency_id, supplier_id, status, type, fee_model, billing, budget_line_id, cap_krw, \
             total_krw, starts_on, ends_on, required_grade, project_id, quote_id, catalog_contract_id, decision_record_id, text, \
             text_hash, ttc_from, ttc_start, created_by, created_at, updated_at, call_off_of) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $24, $25)",
        )
        .bind(&c.id)
        .bind(&c.method)
        .bind(&c.agency_id)
        .bind(&c.supplier_id)
        .bind(&c.status)
        .bind(&c.kind)
        .bind(&c.fee_model)
        .bind(&c.billing)
        .bind(&c.budget_line_id)
        .bind(c.cap_krw)
        .bind(c.total_krw)
        .bind(&c.starts_on)
        .bind(&c.ends_on)
        .bind(&c.required_grade)
        .bind(&c.project_id)
        .bind(&c.quote_id)
        .bind(&c.catalog_contract_id)
        .bind(&c.decision_record_id)
        .bind(&c.text)
        .bind(&c.text_hash)
        .bind(&c.ttc_from)
        .bind(c.ttc_start)
        .bind(&c.created_by)
        .bind(self.now)
        .bind(&c.call_off_of)
        .execute(&mut *self.tx)
        .await?;
        self.replace_items(&c.id, &c.items).await?;
        for (year, amount) in &c.installments {
            sqlx::query("INSERT INTO contract_installments (contract_id, fiscal_year, amount_krw) VALUES ($1, $2, $3)")
                .bind(&c.id)
                .bind(*year)
                .bind(*amount)
                .execute(&mut *self.tx)
                .await?;
        }
        for s in &c.shares {
            sqlx::query("INSERT INTO contract_shares (contract_id, supplier_id, pct, amount_krw) VALUES ($1, $2, $3, $4)")
                .bind(&c.id)
                .bind(&s.supplier_id)
                .bind(s.pct)
                .bind(s.amount_krw)
                .execute(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Replaces a contract's lines (an accepted amendment may change them).
    pub async fn replace_items(&mut self, contract_id: &str, items: &[ContractItem]) -> Result<()> {
        sqlx::query("DELETE FROM contract_items WHERE contract_id = $1").bind(contract_id).execute(&mut *self.tx).await?;
        for (i, it) in items.iter().enumerate() {
            sqlx::query(
                "INSERT INTO contract_items (contract_id, position, service_id, service_code, service_name, plan, meter, unit_price_krw, \
                 quantity, months, model, vat_included) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(contract_id)
            .bind(i as i64)
            .bind(&it.service_id)
            .bind(&it.service_code)
            .bind(&it.service_name)
            .bind(&it.plan)
            .bind(&it.meter)
            .bind(it.unit_price_krw)
            .bind(it.quantity)
            .bind(it.months)
            .bind(&it.model)
            .bind(i64::from(it.vat_included))
            .execute(&mut *self.tx)
            .await?;
        }
        Ok(())
    }

    /// Writes a contract's mutable columns: status, figures, period, text, acceptances, time to
    /// contract and the end.
    pub async fn update_contract(&mut self, c: &Contract) -> Result<()> {
        sqlx::query(
            "UPDATE contracts SET status = $2, cap_krw = $3, total_krw = $4, ends_on = $5, text = $6, text_hash = $7, \
             supplier_accepted_hash = $8, supplier_accepted_by = $9, supplier_accepted_at = $10, agency_accepted_hash = $11, \
             agency_accepted_by = $12, agency_accepted_at = $13, signed_at = $14, ttc_calendar_days = $15, ttc_business_days = $16, \
             end_reason = $17, ended_at = $18, data_returned_at = $19, closed_at = $20, updated_at = $21 WHERE id = $1",
        )
        .bind(&c.id)
        .bind(&c.status)
        .bind(c.cap_krw)
        .bind(c.total_krw)
        .bind(&c.ends_on)
        .bind(&c.text)
        .bind(&c.text_hash)
        .bind(&c.supplier_accepted_hash)
        .bind(&c.supplier_accepted_by)
        .bind(c.supplier_accepted_at)
        .bind(&c.agency_accepted_hash)
        .bind(&c.agency_accepted_by)
        .bind(c.agency_accepted_at)
        .bind(c.signed_at)
        .bind(c.ttc_calendar_days)
        .bind(c.ttc_business_days)
        .bind(&c.end_reason)
        .bind(c.ended_at)
        .bind(c.data_returned_at)
        .bind(c.closed_at)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Commits `amount` on a budget line of `org_id` for `fiscal_year` for a contract: `false`
    /// (and nothing written) when the line is not the agency's, not of that year, or has less
    /// available. The condition is in the UPDATE itself, so no two commitments ever pass the
    /// line's amount together.
    pub async fn commit_budget(&mut self, contract_id: &str, line_id: &str, org_id: &str, fiscal_year: i64, amount: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE budget_lines SET committed_krw = committed_krw + $4, updated_at = $5 WHERE id = $1 AND org_id = $2 \
             AND fiscal_year = $3 AND committed_krw + $4 <= amount_krw",
        )
        .bind(line_id)
        .bind(org_id)
        .bind(fiscal_year)
        .bind(amount)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO budget_commitments (contract_id, budget_line_id, amount_krw, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (contract_id, budget_line_id) DO UPDATE SET amount_krw = budget_commitments.amount_krw + excluded.amount_krw",
        )
        .bind(contract_id)
        .bind(line_id)
        .bind(amount)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(true)
    }

    /// What a contract holds committed, line by line.
    pub async fn commitments(&mut self, contract_id: &str) -> Result<Vec<Commitment>> {
        sqlx::query("SELECT budget_line_id, amount_krw FROM budget_commitments WHERE contract_id = $1 ORDER BY budget_line_id")
            .bind(contract_id)
            .fetch_all(&mut *self.tx)
            .await?
            .iter()
            .map(|r| Ok(Commitment { budget_line_id: r.try_get("budget_line_id")?, amount_krw: r.try_get("amount_krw")? }))
            .collect()
    }

    /// Releases `amount` of a contract's commitment on a line (a refused order, a terminated
    /// contract's unused part, a lowered cap).
    pub async fn release_budget(&mut self, contract_id: &str, line_id: &str, amount: i64) -> Result<()> {
        sqlx::query("UPDATE budget_lines SET committed_krw = committed_krw - $2, updated_at = $3 WHERE id = $1")
            .bind(line_id)
            .bind(amount)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        sqlx::query("UPDATE budget_commitments SET amount_krw = amount_krw - $3 WHERE contract_id = $1 AND budget_line_id = $2")
            .bind(contract_id)
            .bind(line_id)
            .bind(amount)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Reserves `amount` of a unit-price contract's cap for a call-off order: `false` (nothing
    /// written) when the cap would be passed. The condition is in the UPDATE, so concurrent
    /// orders never pass it together.
    pub async fn reserve_cap(&mut self, contract_id: &str, amount: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE contracts SET ordered_krw = ordered_krw + $2, updated_at = $3 WHERE id = $1 AND cap_krw IS NOT NULL \
             AND ordered_krw + $2 <= cap_krw",
        )
        .bind(contract_id)
        .bind(amount)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives back a refused call-off's reservation.
    pub async fn release_cap(&mut self, contract_id: &str, amount: i64) -> Result<()> {
        sqlx::query("UPDATE contracts SET ordered_krw = ordered_krw - $2, updated_at = $3 WHERE id = $1")
            .bind(contract_id)
            .bind(amount)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}

// ───────────────────────────── Amendments ─────────────────────────────

/// A proposed change of a contract (변경계약). `changes` is JSON; `text` the contract text the
/// change would give, with its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amendment {
    pub id: String,
    pub contract_id: String,
    /// `agency` or `supplier`: the side that proposed it.
    pub side: String,
    pub status: String,
    pub changes: String,
    pub reason: String,
    pub text: String,
    pub text_hash: String,
    pub proposed_by: String,
    pub answered_by: Option<String>,
    pub answer_reason: Option<String>,
    pub created_at: i64,
    pub answered_at: Option<i64>,
}

fn amendment_from(r: &AnyRow) -> Result<Amendment> {
    Ok(Amendment {
        id: r.try_get("id")?,
        contract_id: r.try_get("contract_id")?,
        side: r.try_get("side")?,
        status: r.try_get("status")?,
        changes: r.try_get("changes")?,
        reason: r.try_get("reason")?,
        text: r.try_get("text")?,
        text_hash: r.try_get("text_hash")?,
        proposed_by: r.try_get("proposed_by")?,
        answered_by: opt_text(r, "answered_by")?,
        answer_reason: opt_text(r, "answer_reason")?,
        created_at: r.try_get("created_at")?,
        answered_at: opt_i64(r, "answered_at")?,
    })
}

impl Db {
    pub async fn amendment(&self, id: &str) -> Result<Option<Amendment>> {
        let row = sqlx::query("SELECT * FROM amendments WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(amendment_from).transpose()
    }

    /// A contract's amendments, oldest first.
    pub async fn amendments(&self, contract_id: &str) -> Result<Vec<Amendment>> {
        sqlx::query("SELECT * FROM amendments WHERE contract_id = $1 ORDER BY created_at, id")
            .bind(contract_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(amendment_from)
            .collect()
    }
}

impl WriteTx {
    pub async fn amendment(&mut self, id: &str) -> Result<Option<Amendment>> {
        let row = sqlx::query("SELECT * FROM amendments WHERE id = $1").bind(id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(amendment_from).transpose()
    }

    /// Whether a contract has an amendment still waiting for an answer.
    pub async fn open_amendment(&mut self, contract_id: &str) -> Result<Option<String>> {
        let row = sqlx::query("SELECT id FROM amendments WHERE contract_id = $1 AND status = 'proposed'")
            .bind(contract_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.map(|r| r.try_get("id")).transpose()?)
    }

    pub async fn insert_amendment(&mut self, a: &Amendment) -> Result<()> {
        sqlx::query(
            "INSERT INTO amendments (id, contract_id, side, status, changes, reason, text, text_hash, proposed_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&a.id)
        .bind(&a.contract_id)
        .bind(&a.side)
        .bind(&a.status)
        .bind(&a.changes)
        .bind(&a.reason)
        .bind(&a.text)
        .bind(&a.text_hash)
        .bind(&a.proposed_by)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn answer_amendment(&mut self, id: &str, status: &str, by: &str, reason: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE amendments SET status = $2, answered_by = $3, answer_reason = $4, answered_at = $5 WHERE id = $1")
            .bind(id)
            .bind(status)
            .bind(by)
            .bind(reason)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }
}
