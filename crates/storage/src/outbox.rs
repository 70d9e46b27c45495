//! The mail outbox: e-mails written in the same transaction as the change that caused them,
//! sent afterwards by the mail worker (leased, so two instances never send the same mail).
//!
//! The writes here are operational bookkeeping of the delivery (a lease, a send, a failure), not
//! state changes a person decided, so they go straight to the pool without an audit event.

use crate::{Db, Result};
use sqlx::Row;
use sqlx::any::AnyRow;

/// One mail of the outbox, as the worker and the tests see it. Instants are µs since the epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMail {
    pub id: String,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    /// Failed sending attempts so far.
    pub attempts: i64,
    pub created_at: i64,
    /// The earliest instant the next attempt may happen.
    pub next_attempt_at: i64,
    /// Until when a worker holds the mail; `None` when nobody does.
    pub lease_until: Option<i64>,
    pub sent_at: Option<i64>,
    pub last_error: Option<String>,
}

const MAIL_COLUMNS: &str = "id, to_addr, subject, body, attempts, created_at, next_attempt_at, lease_until, sent_at, last_error";

fn mail_from(row: &AnyRow) -> Result<OutboxMail> {
    Ok(OutboxMail {
        id: row.try_get("id")?,
        to_addr: row.try_get("to_addr")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        attempts: row.try_get("attempts")?,
        created_at: row.try_get("created_at")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        lease_until: row.try_get("lease_until")?,
        sent_at: row.try_get("sent_at")?,
        last_error: row.try_get("last_error")?,
    })
}

impl Db {
    /// Leases up to `limit` unsent mails that are due (`next_attempt_at <= now`) and not leased by
    /// anyone else (no lease, or one that ended before `now`), until `lease_until`.
    ///
    /// One statement, so the choice and the lease are atomic: on PostgreSQL a concurrent claimer
    /// that picked the same rows waits on their row locks, re-checks the outer condition, finds
    /// the fresh lease and skips them; SQLite has a single writer. Either way, two workers never
    /// hold the same mail.
    #[tracing::instrument(skip_all, fields(limit = limit))]
    pub async fn claim_mail(&self, now: i64, lease_until: i64, limit: i64) -> Result<Vec<OutboxMail>> {
        let sql = format!(
            "UPDATE outbox SET lease_until = $1 \
             WHERE id IN (SELECT id FROM outbox \
                          WHERE sent_at IS NULL AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until < $2) \
                          ORDER BY next_attempt_at, id LIMIT $3) \
               AND sent_at IS NULL AND (lease_until IS NULL OR lease_until < $2) \
             RETURNING {MAIL_COLUMNS}"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(lease_until).bind(now).bind(limit).fetch_all(&self.pool).await?;
        let mut mails = rows.iter().map(mail_from).collect::<Result<Vec<_>>>()?;
        // RETURNING gives no order guarantee; send the oldest first.
        mails.sort_by(|a, b| (a.next_attempt_at, &a.id).cmp(&(b.next_attempt_at, &b.id)));
        Ok(mails)
    }

    /// Records that a mail was handed to the SMTP server; it is never claimed again.
    #[tracing::instrument(skip_all, fields(id = %id))]
    pub async fn mark_mail_sent(&self, id: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET sent_at = $1, lease_until = NULL, last_error = NULL WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a failed attempt: one more attempt, the error, the lease released and the next
    /// attempt postponed to `next_attempt_at`.
    #[tracing::instrument(skip_all, fields(id = %id))]
    pub async fn mark_mail_failed(&self, id: &str, error: &str, next_attempt_at: i64) -> Result<()> {
        sqlx::query("UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, lease_until = NULL WHERE id = $3 AND sent_at IS NULL")
            .bind(error)
            .bind(next_attempt_at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every mail ever queued for an address, oldest first (sent or not).
    pub async fn outbox_to(&self, to_addr: &str) -> Result<Vec<OutboxMail>> {
        let sql = format!("SELECT {MAIL_COLUMNS} FROM outbox WHERE to_addr = $1 ORDER BY created_at, id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(to_addr).fetch_all(&self.pool).await?;
        rows.iter().map(mail_from).collect()
    }

    /// How many mails are not sent yet (due or waiting for a retry).
    pub async fn outbox_pending_count(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL").fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }
}
