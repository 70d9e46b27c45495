//! The scheduled jobs' records (docs/RULES.md#jobs-and-notices): a lease per job, the notices
//! sent, and debarments (부정당업자 제재) with the services each suspended. What is due when is
//! the domain's (`gureum_domain::notice`, `gureum_domain::debarment`); this module only reads
//! and writes.

use crate::catalog::{SERVICE_COLUMNS, SERVICE_FROM, service_from_row};
use crate::{Db, Result, ServiceRecord, StorageError, WriteTx};
use gureum_domain::ServiceStatus;
use gureum_domain::clock::{format_date, parse_date};
use gureum_domain::debarment::Period;
use sqlx::Row;
use sqlx::any::AnyRow;
use time::Date;

/// Who holds a job, until when (µs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lease {
    pub job: String,
    pub holder: String,
    pub acquired_at: i64,
    pub expires_at: i64,
    /// The Asia/Seoul date of the job's last complete run.
    pub done_on: Option<String>,
}

/// A notice the jobs sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentNotice {
    pub service_id: String,
    pub kind: String,
    pub threshold: String,
    pub ends_on: String,
    pub sent_at: i64,
}

/// A debarment of a supplier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Debarment {
    pub id: String,
    pub supplier_id: String,
    pub period: Period,
    pub reason: String,
    pub created_by: String,
    pub created_at: i64,
    /// When the services it suspended were all released.
    pub ended_at: Option<i64>,
}

const DEBARMENT_COLUMNS: &str = "id, supplier_id, starts_on, ends_on, reason, created_by, created_at, ended_at";

fn date_col(row: &AnyRow, col: &str) -> Result<Date> {
    let s: String = row.try_get(col)?;
    parse_date(&s).ok_or_else(|| StorageError::Corrupt(format!("{col} {s}")))
}

fn debarment_from(row: &AnyRow) -> Result<Debarment> {
    let (from, to) = (date_col(row, "starts_on")?, date_col(row, "ends_on")?);
    Ok(Debarment {
        id: row.try_get("id")?,
        supplier_id: row.try_get("supplier_id")?,
        period: Period::new(from, to).map_err(|_| StorageError::Corrupt("a debarment ends before it starts".into()))?,
        reason: row.try_get("reason")?,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        ended_at: row.try_get("ended_at")?,
    })
}

/// Takes a job's lease for `holder` until `until` when it is free, expired at `now`, or already
/// the holder's (a renewal): one statement, so two instances asking at once cannot both win.
const TAKE_LEASE_SQL: &str = "INSERT INTO job_leases (job, holder, acquired_at, expires_at) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, \
     acquired_at = CASE WHEN job_leases.holder = excluded.holder AND job_leases.expires_at > excluded.acquired_at \
                        THEN job_leases.acquired_at ELSE excluded.acquired_at END \
     WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= excluded.acquired_at";

impl Db {
    /// Takes or renews a job's lease (µs instants of the holder's real time); `false` when
    /// another holder's lease is still running.
    pub async fn take_lease(&self, job: &str, holder: &str, now: i64, until: i64) -> Result<bool> {
        let _guard = self.write_lock.lock().await;
        let done = sqlx::query(TAKE_LEASE_SQL).bind(job).bind(holder).bind(now).bind(until).execute(&self.pool).await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends every lease `holder` has (a graceful shutdown), so another instance need not wait.
    pub async fn release_leases(&self, holder: &str) -> Result<()> {
        let _guard = self.write_lock.lock().await;
        sqlx::query("UPDATE job_leases SET expires_at = 0 WHERE holder = $1").bind(holder).execute(&self.pool).await?;
        Ok(())
    }

    /// Records that the holder finished the job's run for the date `day`.
    pub async fn mark_job_done(&self, job: &str, holder: &str, day: Date) -> Result<bool> {
        let _guard = self.write_lock.lock().await;
        let done = sqlx::query("UPDATE job_leases SET done_on = $1 WHERE job = $2 AND holder = $3")
            .bind(format_date(day))
            .bind(job)
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn lease(&self, job: &str) -> Result<Option<Lease>> {
        let row = sqlx::query("SELECT job, holder, acquired_at, expires_at, done_on FROM job_leases WHERE job = $1")
            .bind(job)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(Lease {
                job: r.try_get("job")?,
                holder: r.try_get("holder")?,
                acquired_at: r.try_get("acquired_at")?,
                expires_at: r.try_get("expires_at")?,
                done_on: r.try_get("done_on")?,
            })
        })
        .transpose()
    }

    /// Listed and suspended services (their public revision), by id after `after_id`: what the
    /// jobs look at, a page at a time.
    pub async fn job_services(&self, after_id: &str, limit: i64) -> Result<Vec<ServiceRecord>> {
        let sql = format!(
            "SELECT {SERVICE_COLUMNS} {SERVICE_FROM} WHERE s.status IN ('listed', 'suspended') AND s.id > $1 ORDER BY s.id LIMIT $2"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(after_id).bind(limit).fetch_all(&self.pool).await?;
        rows.iter().map(service_from_row).collect()
    }

    /// The notices sent about a service, oldest first.
    pub async fn sent_notices(&self, service_id: &str) -> Result<Vec<SentNotice>> {
        let rows = sqlx::query(
            "SELECT service_id, kind, threshold, ends_on, sent_at FROM sent_notices WHERE service_id = $1 ORDER BY sent_at, kind, threshold",
        )
        .bind(service_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(SentNotice {
                    service_id: r.try_get("service_id")?,
                    kind: r.try_get("kind")?,
                    threshold: r.try_get("threshold")?,
                    ends_on: r.try_get("ends_on")?,
                    sent_at: r.try_get("sent_at")?,
                })
            })
            .collect()
    }

    /// A supplier's debarments, latest start first.
    pub async fn debarments_of(&self, supplier_id: &str) -> Result<Vec<Debarment>> {
        let sql = format!("SELECT {DEBARMENT_COLUMNS} FROM debarments WHERE supplier_id = $1 ORDER BY starts_on DESC, created_at DESC");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id).fetch_all(&self.pool).await?;
        rows.iter().map(debarment_from).collect()
    }

    /// The debarment of a supplier in force on `day` that ends last, if any.
    pub async fn debarment_in_force(&self, supplier_id: &str, day: Date) -> Result<Option<Debarment>> {
        let sql = format!(
            "SELECT {DEBARMENT_COLUMNS} FROM debarments WHERE supplier_id = $1 AND starts_on <= $2 AND ends_on >= $2 \
             ORDER BY ends_on DESC LIMIT 1"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id).bind(format_date(day)).fetch_optional(&self.pool).await?;
        row.as_ref().map(debarment_from).transpose()
    }

    /// Debarments whose services are not all released yet (begun or not), oldest start first.
    pub async fn open_debarments(&self) -> Result<Vec<Debarment>> {
        let sql = format!("SELECT {DEBARMENT_COLUMNS} FROM debarments WHERE ended_at IS NULL ORDER BY starts_on, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?;
        rows.iter().map(debarment_from).collect()
    }
}

impl WriteTx {
    /// Records a notice as sent; `false` when it already was (then nothing may be sent).
    pub async fn insert_sent_notice(&mut self, service_id: &str, kind: &str, threshold: &str, ends_on: Date) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO sent_notices (service_id, kind, threshold, ends_on, sent_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (service_id, kind, threshold, ends_on) DO NOTHING",
        )
        .bind(service_id)
        .bind(kind)
        .bind(threshold)
        .bind(format_date(ends_on))
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_debarment(&mut self, d: &Debarment) -> Result<()> {
        sqlx::query(
            "INSERT INTO debarments (id, supplier_id, starts_on, ends_on, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&d.id)
        .bind(&d.supplier_id)
        .bind(format_date(d.period.from))
        .bind(format_date(d.period.to))
        .bind(&d.reason)
        .bind(&d.created_by)
        .bind(d.created_at)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// The ids of a supplier's services with a status, by id.
    pub async fn supplier_service_ids(&mut self, supplier_id: &str, status: ServiceStatus) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT id FROM services WHERE supplier_id = $1 AND status = $2 ORDER BY id")
            .bind(supplier_id)
            .bind(status.as_str())
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// Whether the debarment already touched the service (suspended it, or found it suspended
    /// and left it): it never suspends a service twice, so an operator's reinstatement stands.
    pub async fn debarment_touched(&mut self, debarment_id: &str, service_id: &str) -> Result<bool> {
        let row = sqlx::query("SELECT 1 AS one FROM debarment_suspensions WHERE debarment_id = $1 AND service_id = $2")
            .bind(debarment_id)
            .bind(service_id)
            .fetch_optional(&mut *self.tx)
            .await?;
        Ok(row.is_some())
    }

    pub async fn insert_debarment_suspension(&mut self, debarment_id: &str, service_id: &str) -> Result<()> {
        sqlx::query("INSERT INTO debarment_suspensions (debarment_id, service_id, suspended_at) VALUES ($1, $2, $3)")
            .bind(debarment_id)
            .bind(service_id)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// The services a debarment suspended and has not released, by id.
    pub async fn unreleased_suspensions(&mut self, debarment_id: &str) -> Result<Vec<String>> {
        let rows =
            sqlx::query("SELECT service_id FROM debarment_suspensions WHERE debarment_id = $1 AND released_at IS NULL ORDER BY service_id")
                .bind(debarment_id)
                .fetch_all(&mut *self.tx)
                .await?;
        rows.iter().map(|r| Ok(r.try_get("service_id")?)).collect()
    }

    pub async fn release_suspension(&mut self, debarment_id: &str, service_id: &str) -> Result<()> {
        sqlx::query("UPDATE debarment_suspensions SET released_at = $1 WHERE debarment_id = $2 AND service_id = $3")
            .bind(self.now)
            .bind(debarment_id)
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Whether another debarment of the supplier is in force on `day`.
    pub async fn other_debarment_in_force(&mut self, supplier_id: &str, except_id: &str, day: Date) -> Result<bool> {
        let row = sqlx::query(
            "SELECT 1 AS one FROM debarments WHERE supplier_id = $1 AND id <> $2 AND starts_on <= $3 AND ends_on >= $3 LIMIT 1",
        )
        .bind(supplier_id)
        .bind(except_id)
        .bind(format_date(day))
        .fetch_optional(&mut *self.tx)
        .await?;
        Ok(row.is_some())
    }

    pub async fn end_debarment(&mut self, id: &str) -> Result<()> {
        sqlx::query("UPDATE debarments SET ended_at = $1 WHERE id = $2").bind(self.now).bind(id).execute(&mut *self.tx).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::Db;
    use gureum_domain::Clock;

    /// One holder at a time; a lease that ran out is taken by the next; a renewal keeps the
    /// start; a released lease is free at once.
    #[tokio::test]
    async fn leases() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("l.sqlite3").display());
        let db = Db::connect(&url, Clock::System).await.expect("db");
        assert!(db.take_lease("j", "a", 100, 160).await.expect("take"));
        assert!(!db.take_lease("j", "b", 120, 180).await.expect("held"), "a holds it");
        assert!(db.take_lease("j", "a", 150, 210).await.expect("renew"));
        let l = db.lease("j").await.expect("lease").expect("row");
        assert_eq!((l.holder.as_str(), l.acquired_at, l.expires_at), ("a", 100, 210), "a renewal keeps the start");
        assert!(!db.take_lease("j", "b", 209, 270).await.expect("still held"));
        assert!(db.take_lease("j", "b", 210, 270).await.expect("expired"), "a's lease ran out");
        assert!(!db.take_lease("j", "a", 220, 280).await.expect("lost"), "a lost it");
        assert!(db.mark_job_done("j", "b", time::macros::date!(2026 - 11 - 23)).await.expect("done"));
        assert!(!db.mark_job_done("j", "a", time::macros::date!(2026 - 11 - 24)).await.expect("not a's"));
        assert_eq!(db.lease("j").await.expect("lease").and_then(|l| l.done_on).as_deref(), Some("2026-11-23"));
        db.release_leases("b").await.expect("release");
        assert!(db.take_lease("j", "a", 230, 290).await.expect("free"));
        assert!(db.take_lease("other", "b", 230, 290).await.expect("another job"));
    }
}
