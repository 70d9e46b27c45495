//! Incidents and outages of a service (사후관리, SPEC §3 "Post-management"), and which agencies
//! hold a contract or an order for a service (who may report an incident, who is told of one,
//! who may rate the service). Instants are UTC µs; `announced` is an integer 0/1.

use crate::{Db, Result, WriteTx};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// One incident (an outage, announced maintenance, or a degradation) of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub id: String,
    pub service_id: String,
    /// The service's supplier when it was recorded.
    pub supplier_id: String,
    /// The user (or `token:<id>`) who recorded it.
    pub reported_by: String,
    pub reporter_org_id: String,
    pub started_at: i64,
    /// `None` while the outage goes on.
    pub ended_at: Option<i64>,
    /// Announced maintenance: it notifies nobody and does not count against the SLA.
    pub announced: bool,
    pub description: String,
    /// When the agencies using the service were told (once).
    pub notified_at: Option<i64>,
    /// `confirmed` (the supplier's own record, or a report it confirmed), `pending` (an agency's
    /// report awaiting the supplier) or `contested` (the supplier contested it with a reason).
    pub confirmation: String,
    /// Who confirmed or contested it, when, and why it was contested.
    pub answered_by: Option<String>,
    pub answered_at: Option<i64>,
    pub contest_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

fn incident_from(row: &AnyRow) -> Result<Incident> {
    Ok(Incident {
        id: row.try_get("id")?,
        service_id: row.try_get("service_id")?,
        supplier_id: row.try_get("supplier_id")?,
        reported_by: row.try_get("reported_by")?,
        reporter_org_id: row.try_get("reporter_org_id")?,
        started_at: row.try_get("started_at")?,
        ended_at: row.try_get::<Option<i64>, _>("ended_at")?,
        announced: row.try_get::<i64, _>("announced")? != 0,
        description: row.try_get("description")?,
        notified_at: row.try_get::<Option<i64>, _>("notified_at")?,
        confirmation: row.try_get("confirmation")?,
        answered_by: row.try_get("answered_by")?,
        answered_at: row.try_get::<Option<i64>, _>("answered_at")?,
        contest_reason: row.try_get("contest_reason")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const INCIDENT_COLUMNS: &str = "id, service_id, supplier_id, reported_by, reporter_org_id, started_at, ended_at, announced, description, \
     notified_at, confirmation, answered_by, answered_at, contest_reason, created_at, updated_at";

/// Whose incidents a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IncidentScope {
    /// Every incident (operator, auditor).
    All,
    /// Those of a supplier's services.
    Supplier(String),
    /// Those of services the agency holds (or held) a contract or order for, and those it reported.
    Agency(String),
}

/// A list's filters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentFilter {
    pub scope: IncidentScope,
    pub service_id: Option<String>,
    /// Only those still going on.
    pub open_only: bool,
    pub limit: i64,
}

/// Stored statuses of a contract or order the agency holds or held: signed contracts (and what
/// they became) and confirmed orders.
pub const HELD_STATUSES: &str = "'signed', 'active', 'terminated', 'ended', 'data_returned', 'closed', 'confirmed'";
/// Stored statuses of a contract or order in force (its dates decide the rest).
pub const IN_FORCE_STATUSES: &str = "'signed', 'active', 'confirmed'";

/// Which contracts count for an agency and a service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding<'a> {
    /// Has or had one (ratings).
    HasOrHad,
    /// Signed or confirmed and not ended by `today` (`YYYY-MM-DD`, Asia/Seoul): may report.
    Holds(&'a str),
    /// In force on `today`: started and not ended (who is told of an outage).
    InForce(&'a str),
}

impl Holding<'_> {
    /// The condition on `c` (a `contracts` row) and the date to bind as `$n` (when any).
    fn condition(self, n: usize) -> (String, Option<String>) {
        match self {
            Self::HasOrHad => (format!("c.status IN ({HELD_STATUSES})"), None),
            Self::Holds(today) => (format!("c.status IN ({IN_FORCE_STATUSES}) AND c.ends_on >= ${n}"), Some(today.to_owned())),
            Self::InForce(today) => {
                (format!("c.status IN ({IN_FORCE_STATUSES}) AND c.starts_on <= ${n} AND c.ends_on >= ${n}"), Some(today.to_owned()))
            }
        }
    }
}

async fn fetch_incident<'e, E: Executor<'e, Database = Any>>(e: E, id: &str) -> Result<Option<Incident>> {
    let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(e).await?;
    row.as_ref().map(incident_from).transpose()
}

impl Db {
    pub async fn incident(&self, id: &str) -> Result<Option<Incident>> {
        fetch_incident(&self.pool, id).await
    }

    /// Incidents as the filter asks, newest start first.
    pub async fn incidents(&self, f: &IncidentFilter) -> Result<Vec<Incident>> {
        let mut conds: Vec<String> = Vec::new();
        let mut binds: Vec<String> = Vec::new();
        match &f.scope {
            IncidentScope::All => {}
            IncidentScope::Supplier(s) => {
                binds.push(s.clone());
                conds.push(format!("supplier_id = ${}", binds.len()));
            }
            IncidentScope::Agency(org) => {
                binds.push(org.clone());
                let n = binds.len();
                conds.push(format!(
                    "(reporter_org_id = ${n} OR service_id IN (SELECT i.service_id FROM contracts c JOIN contract_items i ON \
                     i.contract_id = c.id WHERE c.agency_id = ${n} AND c.status IN ({HELD_STATUSES})))"
                ));
            }
        }
        if let Some(s) = &f.service_id {
            binds.push(s.clone());
            conds.push(format!("service_id = ${}", binds.len()));
        }
        if f.open_only {
            conds.push("ended_at IS NULL".into());
        }
        let filter = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
        let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents {filter} ORDER BY started_at DESC, id LIMIT {}", f.limit.max(1));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(incident_from).collect()
    }

    /// The unannounced outages of a service overlapping `[from, to)` (µs) that count for
    /// `agency_id`'s contracts (confirmed ones, and that agency's own pending reports), as
    /// `(start, end)`.
    pub async fn unannounced_outages(&self, service_id: &str, agency_id: &str, from: i64, to: i64) -> Result<Vec<(i64, Option<i64>)>> {
        let rows = sqlx::query(
            "SELECT started_at, ended_at FROM incidents WHERE service_id = $1 AND announced = 0 AND started_at < $3 \
             AND (ended_at IS NULL OR ended_at > $2) AND (confirmation = 'confirmed' OR (confirmation = 'pending' AND \
             reporter_org_id = $4)) ORDER BY started_at",
        )
        .bind(service_id)
        .bind(from)
        .bind(to)
        .bind(agency_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>("started_at")?, r.try_get::<Option<i64>, _>("ended_at")?))).collect()
    }

    /// Whether the agency has a contract or order for the service as `holding` asks.
    pub async fn agency_holds(&self, agency_id: &str, service_id: &str, holding: Holding<'_>) -> Result<bool> {
        let (cond, date) = holding.condition(3);
        let sql = format!(
            "SELECT COUNT(*) AS n FROM contracts c WHERE c.agency_id = $1 AND {cond} AND EXISTS \
             (SELECT 1 FROM contract_items i WHERE i.contract_id = c.id AND i.service_id = $2)"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(agency_id).bind(service_id);
        if let Some(d) = date {
            q = q.bind(d);
        }
        Ok(q.fetch_one(&self.pool).await?.try_get::<i64, _>("n")? > 0)
    }

    /// The agencies with a contract or order for the service as `holding` asks, each once.
    pub async fn agencies_holding(&self, service_id: &str, holding: Holding<'_>) -> Result<Vec<String>> {
        let (cond, date) = holding.condition(2);
        let sql = format!(
            "SELECT DISTINCT c.agency_id FROM contracts c WHERE {cond} AND EXISTS \
             (SELECT 1 FROM contract_items i WHERE i.contract_id = c.id AND i.service_id = $1) ORDER BY c.agency_id"
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id);
        if let Some(d) = date {
            q = q.bind(d);
        }
        let rows = q.fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>("agency_id")?)).collect()
    }
}

impl WriteTx {
    pub async fn incident(&mut self, id: &str) -> Result<Option<Incident>> {
        fetch_incident(&mut *self.tx, id).await
    }

    pub async fn insert_incident(&mut self, i: &Incident) -> Result<()> {
        sqlx::query(
            "INSERT INTO incidents (id, service_id, supplier_id, reported_by, reporter_org_id, started_at, ended_at, announced, \
             description, notified_at, confirmation, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
        )
        .bind(&i.id)
        .bind(&i.service_id)
        .bind(&i.supplier_id)
        .bind(&i.reported_by)
        .bind(&i.reporter_org_id)
        .bind(i.started_at)
        .bind(i.ended_at)
        .bind(i64::from(i.announced))
        .bind(&i.description)
        .bind(i.notified_at)
        .bind(&i.confirmation)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Ends an open incident; `false` when it was no longer open.
    pub async fn resolve_incident(&mut self, id: &str, ended_at: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE incidents SET ended_at = $2, updated_at = $3 WHERE id = $1 AND ended_at IS NULL")
            .bind(id)
            .bind(ended_at)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The supplier's answer to a pending report: `confirmed`, or `contested` with a reason;
    /// `false` when it was no longer pending.
    pub async fn answer_incident(&mut self, id: &str, confirmation: &str, by: &str, reason: Option<&str>) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE incidents SET confirmation = $2, answered_by = $3, answered_at = $4, contest_reason = $5, updated_at = $4 \
             WHERE id = $1 AND confirmation = 'pending'",
        )
        .bind(id)
        .bind(confirmation)
        .bind(by)
        .bind(self.now)
        .bind(reason)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks the incident notified; `false` when it already was (so nobody is told twice).
    pub async fn mark_incident_notified(&mut self, id: &str) -> Result<bool> {
        let done = sqlx::query("UPDATE incidents SET notified_at = $2 WHERE id = $1 AND notified_at IS NULL")
            .bind(id)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
