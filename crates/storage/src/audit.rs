//! Reading and verifying the audit chain.

use crate::{Db, Result};
use gureum_domain::audit::AuditEvent;
use serde_json::Value;
use sqlx::Row;

#[derive(Debug, Clone)]
pub struct AuditRow {
    pub event: AuditEvent,
    pub hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyReport {
    Ok {
        events: i64,
    },
    /// The first event whose stored hash does not match its recomputed one (or whose sequence
    /// breaks the chain).
    Broken {
        seq: i64,
        reason: String,
    },
}

fn parse_json(s: Option<String>) -> Option<Value> {
    s.map(|s| serde_json::from_str(&s).unwrap_or(Value::String(s)))
}

impl Db {
    /// Walks the whole chain in order, recomputing every hash; stops at the first mismatch.
    pub async fn verify_audit_chain(&self) -> Result<VerifyReport> {
        let mut previous = String::new();
        let mut expected_seq = 1i64;
        let mut after = 0i64;
        loop {
            let rows = sqlx::query(
                "SELECT seq, at, actor, organisation, action, entity_kind, entity_id, before_json, after_json, request_id, hash \
                 FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 5000",
            )
            .bind(after)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let r = to_row(&row)?;
                if r.event.seq != expected_seq {
                    return Ok(VerifyReport::Broken { seq: r.event.seq, reason: format!("expected sequence {expected_seq}") });
                }
                let hash = r.event.chain_hash(&previous);
                if hash != r.hash {
                    return Ok(VerifyReport::Broken { seq: r.event.seq, reason: "hash does not match the event's content".into() });
                }
                previous = r.hash;
                after = r.event.seq;
                expected_seq += 1;
            }
        }
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        let head_seq: i64 = head.try_get("seq")?;
        let head_hash: String = head.try_get("hash")?;
        if head_seq != after || head_hash != previous {
            return Ok(VerifyReport::Broken { seq: head_seq, reason: "the chain head does not match the last event".into() });
        }
        Ok(VerifyReport::Ok { events: after })
    }

    /// Audit events about one entity, oldest first.
    pub async fn audit_for_entity(&self, kind: &str, id: &str) -> Result<Vec<AuditRow>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, organisation, action, entity_kind, entity_id, before_json, after_json, request_id, hash \
             FROM audit_events WHERE entity_kind = $1 AND entity_id = $2 ORDER BY seq",
        )
        .bind(kind)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(to_row).collect()
    }

    pub async fn audit_count(&self) -> Result<i64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM audit_events").fetch_one(&self.pool).await?;
        Ok(row.try_get("n")?)
    }
}

/// One stored event (the columns of `audit_events`, by name).
pub(crate) fn to_row(row: &sqlx::any::AnyRow) -> Result<AuditRow> {
    Ok(AuditRow {
        event: AuditEvent {
            seq: row.try_get("seq")?,
            at: row.try_get("at")?,
            actor: row.try_get("actor")?,
            organisation: row.try_get("organisation")?,
            action: row.try_get("action")?,
            entity_kind: row.try_get("entity_kind")?,
            entity_id: row.try_get("entity_id")?,
            before: parse_json(row.try_get("before_json")?),
            after: parse_json(row.try_get("after_json")?),
            request_id: row.try_get("request_id")?,
        },
        hash: row.try_get("hash")?,
    })
}
