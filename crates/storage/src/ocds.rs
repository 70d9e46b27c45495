//! Open contracting data's reads (SPEC §4 "Open data"): the public facts of the buying tables
//! listed by the time they happened (one page at a time, each kind of fact read through its
//! date index), and the rows of one contracting process. What a fact means as a release is
//! `gureum_domain::ocds`'s business; which facts are public is decided here by what is listed:
//! projects opened, quote requests, decision records, signed contracts and confirmed orders,
//! delivery requests and their refusals, accepted amendments, terminations and paid invoices.

use crate::buying::{QUOTE_REQUEST_SELECT, quote_request_from};
use crate::{Db, QuoteRequest, Result, WriteTx};
use sqlx::Row;
use std::collections::HashMap;

/// Which row opened a process (and so names its ocid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProcessKind {
    /// A procurement project.
    Project,
    /// A quote request without a project.
    Request,
    /// A delivery request (a catalog or call-off order).
    Order,
}

impl ProcessKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Project => "project",
            Self::Request => "request",
            Self::Order => "order",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "project" => Some(Self::Project),
            "request" => Some(Self::Request),
            "order" => Some(Self::Order),
            _ => None,
        }
    }
}

/// One public fact in the feed: its kind (`planning`, `tender`, `award`, `contract`, `order`,
/// `refusal`, `amendment`, `termination`, `payment`), its process, the id of its row and when
/// it happened (µs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactRef {
    pub kind: String,
    pub process: ProcessKind,
    pub process_id: String,
    pub source_id: String,
    pub at: i64,
}

/// The process of a contract `c` (with `q`, its quote, and `r`, the quote's request, joined).
const PROCESS_OF_CONTRACT: &str = "CASE WHEN c.method <> 'negotiated' THEN 'order' \
     WHEN COALESCE(c.project_id, r.project_id) IS NOT NULL THEN 'project' ELSE 'request' END";
const PROCESS_ID_OF_CONTRACT: &str = "CASE WHEN c.method <> 'negotiated' THEN c.id ELSE COALESCE(c.project_id, r.project_id, r.id) END";
const CONTRACT_JOINS: &str = "LEFT JOIN quotes q ON q.id = c.quote_id LEFT JOIN quote_requests r ON r.id = q.request_id";

/// Each kind of fact as `(kind, process kind, process id, source id, at)` from its table, with
/// its date column (for the range and the order).
fn branches() -> Vec<String> {
    let contract = |kind: &str, rank: u8, at: &str, cond: &str| {
        format!(
            "SELECT '{kind}' AS kind, {rank} AS rank, {PROCESS_OF_CONTRACT} AS pkind, {PROCESS_ID_OF_CONTRACT} AS pid, c.id AS sid, c.{at} AS at \
             FROM contracts c {CONTRACT_JOINS} WHERE {cond} AND c.{at} >= $1 AND c.{at} < $2 ORDER BY c.{at}, c.id LIMIT $3"
        )
    };
    vec![
        "SELECT 'planning' AS kind, 0 AS rank, 'project' AS pkind, id AS pid, id AS sid, created_at AS at FROM projects \
         WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id LIMIT $3"
            .to_owned(),
        "SELECT 'tender' AS kind, 1 AS rank, CASE WHEN project_id IS NULL THEN 'request' ELSE 'project' END AS pkind, COALESCE(project_id, id) AS pid, \
         id AS sid, created_at AS at FROM quote_requests WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id LIMIT $3"
            .to_owned(),
        "SELECT 'award' AS kind, 2 AS rank, 'project' AS pkind, project_id AS pid, id AS sid, created_at AS at FROM decision_records \
         WHERE created_at >= $1 AND created_at < $2 ORDER BY created_at, id LIMIT $3"
            .to_owned(),
        contract("contract", 3, "signed_at", "c.signed_at IS NOT NULL"),
        contract("order", 1, "created_at", "c.method <> 'negotiated'"),
        contract("refusal", 3, "ended_at", "c.method <> 'negotiated' AND c.signed_at IS NULL AND c.ended_at IS NOT NULL"),
        contract(
            "termination",
            6,
            "ended_at",
            "c.method = 'negotiated' AND c.signed_at IS NOT NULL AND c.end_reason IS NOT NULL AND c.ended_at IS NOT NULL",
        ),
        format!(
            "SELECT 'amendment' AS kind, 4 AS rank, {PROCESS_OF_CONTRACT} AS pkind, {PROCESS_ID_OF_CONTRACT} AS pid, a.id AS sid, a.answered_at AS at \
             FROM amendments a JOIN contracts c ON c.id = a.contract_id {CONTRACT_JOINS} \
             WHERE a.status = 'accepted' AND a.answered_at >= $1 AND a.answered_at < $2 ORDER BY a.answered_at, a.id LIMIT $3"
        ),
        format!(
            "SELECT 'payment' AS kind, 5 AS rank, {PROCESS_OF_CONTRACT} AS pkind, {PROCESS_ID_OF_CONTRACT} AS pid, i.id AS sid, i.paid_at AS at \
             FROM invoices i JOIN contracts c ON c.id = i.contract_id {CONTRACT_JOINS} \
             WHERE i.paid_at IS NOT NULL AND i.paid_at >= $1 AND i.paid_at < $2 ORDER BY i.paid_at, i.id LIMIT $3"
        ),
    ]
}

fn fact_from(row: &sqlx::any::AnyRow) -> Result<FactRef> {
    let pkind: String = row.try_get("pkind")?;
    Ok(FactRef {
        kind: row.try_get("kind")?,
        process: ProcessKind::parse(&pkind).ok_or_else(|| crate::StorageError::Corrupt(format!("process kind {pkind}")))?,
        process_id: row.try_get("pid")?,
        source_id: row.try_get("sid")?,
        at: row.try_get("at")?,
    })
}

/// A supplier as published: id, name, business number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicSupplier {
    pub id: String,
    pub name: String,
    pub business_number: String,
}

impl Db {
    /// The public facts that happened in `[from, until)` (µs), in the order of (time, stage, kind,
    /// row id) — the stage as `gureum_domain::ocds::Fact::rank`, skipping `offset` and taking at most `limit`. Each kind reads at most
    /// `offset + limit` rows through its date index.
    pub async fn ocds_facts(&self, from: i64, until: i64, offset: i64, limit: i64) -> Result<Vec<FactRef>> {
        let union: Vec<String> = branches().into_iter().enumerate().map(|(n, b)| format!("SELECT * FROM ({b}) b{n}")).collect();
        let sql = format!(
            "SELECT kind, pkind, pid, sid, at FROM ({}) u ORDER BY at, rank, kind, sid LIMIT $4 OFFSET $5",
            union.join(" UNION ALL ")
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(from)
            .bind(until)
            .bind(offset + limit)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(fact_from).collect()
    }

    /// The contracts and orders of one process (signed or not; the use case keeps the public
    /// facts), each found through an index.
    pub async fn ocds_contract_ids(&self, kind: ProcessKind, id: &str) -> Result<Vec<String>> {
        let sql = match kind {
            ProcessKind::Project => {
                "SELECT id FROM contracts WHERE project_id = $1 AND method = 'negotiated' UNION \
                 SELECT c.id FROM quote_requests r JOIN quotes q ON q.request_id = r.id JOIN contracts c ON c.quote_id = q.id \
                 WHERE r.project_id = $1 AND c.method = 'negotiated'"
            }
            ProcessKind::Request => {
                "SELECT c.id FROM quotes q JOIN contracts c ON c.quote_id = q.id WHERE q.request_id = $1 AND c.project_id IS NULL \
                 AND c.method = 'negotiated'"
            }
            ProcessKind::Order => "SELECT id FROM contracts WHERE id = $1 AND method <> 'negotiated'",
        };
        let rows = sqlx::query(sql).bind(id).fetch_all(&self.pool).await?;
        let mut ids: Vec<String> = rows.iter().map(|r| r.try_get("id")).collect::<std::result::Result<_, _>>()?;
        ids.sort();
        Ok(ids)
    }

    /// The quote requests of a project, oldest first.
    pub async fn ocds_project_requests(&self, project_id: &str) -> Result<Vec<QuoteRequest>> {
        let sql = format!("{QUOTE_REQUEST_SELECT} WHERE r.project_id = $1 ORDER BY r.created_at, r.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(project_id).fetch_all(&self.pool).await?;
        rows.iter().map(quote_request_from).collect()
    }

    /// The decision record of a project, if it was decided.
    pub async fn ocds_project_record(&self, project_id: &str) -> Result<Option<crate::DecisionRecordRow>> {
        let row = sqlx::query("SELECT id FROM decision_records WHERE project_id = $1").bind(project_id).fetch_optional(&self.pool).await?;
        match row {
            Some(r) => self.decision_record(&r.try_get::<String, _>("id")?).await,
            None => Ok(None),
        }
    }

    /// Which process an id opens, if any: a project, a quote request without a project, or a
    /// delivery request.
    pub async fn ocds_process_kind(&self, id: &str) -> Result<Option<ProcessKind>> {
        let row = sqlx::query(
            "SELECT 'project' AS k FROM projects WHERE id = $1 \
             UNION ALL SELECT 'request' AS k FROM quote_requests WHERE id = $1 AND project_id IS NULL \
             UNION ALL SELECT 'order' AS k FROM contracts WHERE id = $1 AND method <> 'negotiated'",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => ProcessKind::parse(&r.try_get::<String, _>("k")?),
            None => None,
        })
    }

    /// The agency whose process it is.
    pub async fn ocds_buyer_of(&self, kind: ProcessKind, id: &str) -> Result<Option<String>> {
        let sql = match kind {
            ProcessKind::Project => "SELECT org_id AS o FROM projects WHERE id = $1",
            ProcessKind::Request => "SELECT org_id AS o FROM quote_requests WHERE id = $1",
            ProcessKind::Order => "SELECT agency_id AS o FROM contracts WHERE id = $1",
        };
        let row = sqlx::query(sql).bind(id).fetch_optional(&self.pool).await?;
        row.map(|r| r.try_get::<String, _>("o")).transpose().map_err(Into::into)
    }

    /// The suppliers' public identity, by id.
    pub async fn ocds_suppliers(&self, ids: &[String]) -> Result<HashMap<String, PublicSupplier>> {
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(id) {
                continue;
            }
            let row =
                sqlx::query("SELECT id, name, business_number FROM suppliers WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
            if let Some(r) = row {
                let s = PublicSupplier { id: r.try_get("id")?, name: r.try_get("name")?, business_number: r.try_get("business_number")? };
                out.insert(id.clone(), s);
            }
        }
        Ok(out)
    }

    /// The code of each service, by id.
    pub async fn ocds_service_codes(&self, ids: &[String]) -> Result<HashMap<String, (String, String)>> {
        let mut out = HashMap::new();
        for id in ids {
            if out.contains_key(id) {
                continue;
            }
            let row = sqlx::query("SELECT code, supplier_id FROM services WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
            if let Some(r) = row {
                out.insert(id.clone(), (r.try_get("code")?, r.try_get("supplier_id")?));
            }
        }
        Ok(out)
    }

    /// The figures each accepted amendment of the contract found before it (JSON), by amendment id.
    pub async fn amendment_befores(&self, contract_id: &str) -> Result<HashMap<String, String>> {
        let rows = sqlx::query("SELECT id, before_terms FROM amendments WHERE contract_id = $1 AND before_terms IS NOT NULL")
            .bind(contract_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("before_terms")?))).collect()
    }
}

impl WriteTx {
    /// Keeps what an amendment changed from (see `amendment_befores`).
    pub async fn set_amendment_before(&mut self, id: &str, before: &str) -> Result<()> {
        sqlx::query("UPDATE amendments SET before_terms = $2 WHERE id = $1").bind(id).bind(before).execute(&mut *self.tx).await?;
        Ok(())
    }
}
