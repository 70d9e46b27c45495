//! A write transaction: it holds the audit chain's head from its first statement to its commit,
//! so every state change and its audit event land together or not at all.

use crate::catalog_import::{CHANGES_TABLE, Val};
use crate::{Db, Result};
use gureum_domain::audit::AuditEvent;
use serde_json::Value;
use sqlx::{Any, Row, Transaction};
use tokio::sync::OwnedMutexGuard;

/// An audit event to append; sequence, time and hash are filled in by the transaction.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    pub actor: String,
    pub organisation: Option<String>,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub request_id: Option<String>,
    /// The after as canonical JSON text instead of `after` (see [`NewAuditEvent::after_canonical`]).
    after_text: Option<String>,
}

impl NewAuditEvent {
    pub fn new(actor: &str, action: &str, entity_kind: &str, entity_id: &str) -> Self {
        Self {
            actor: actor.into(),
            organisation: None,
            action: action.into(),
            entity_kind: entity_kind.into(),
            entity_id: entity_id.into(),
            before: None,
            after: None,
            request_id: None,
            after_text: None,
        }
    }

    /// The after as the canonical JSON text (RFC 8785) of an object, written by
    /// [`gureum_domain::canonical::ObjectWriter`]: hashed and stored as it is, for records too
    /// large to build as a `Value` first (an import batch names every line). It replaces `after`.
    pub fn after_canonical(mut self, text: String) -> Self {
        self.after = None;
        self.after_text = Some(text);
        self
    }

    /// The after given by [`NewAuditEvent::after_canonical`].
    pub fn after_text(&self) -> Option<&str> {
        self.after_text.as_deref()
    }

    pub fn before(mut self, v: Value) -> Self {
        self.before = Some(v);
        self
    }

    /// The after as a value (replacing one given by [`NewAuditEvent::after_canonical`]).
    pub fn after(mut self, v: Value) -> Self {
        self.after = Some(v);
        self.after_text = None;
        self
    }

    pub fn request_id(mut self, id: Option<String>) -> Self {
        self.request_id = id;
        self
    }
}

impl NewAuditEvent {
    /// The event as the chain records it at `seq` and `at` (µs) after `previous_hash`: the
    /// event, its hash and the stored text of its before and after.
    pub(crate) fn record(self, seq: i64, at: i64, previous_hash: &str) -> AuditRecord {
        let event = AuditEvent {
            seq,
            at,
            actor: self.actor,
            organisation: self.organisation,
            action: self.action,
            entity_kind: self.entity_kind,
            entity_id: self.entity_id,
            before: self.before,
            after: self.after,
            request_id: self.request_id,
        };
        let hash = event.chain_hash_with(previous_hash, self.after_text.as_deref());
        let (before, after) = event_json(&event);
        AuditRecord { after: self.after_text.or(after), before, hash, event }
    }
}

/// An audit event ready to be inserted.
pub(crate) struct AuditRecord {
    pub(crate) event: AuditEvent,
    pub(crate) hash: String,
    pub(crate) before: Option<String>,
    pub(crate) after: Option<String>,
}

impl AuditRecord {
    /// The values of [`INSERT_AUDIT_SQL`].
    pub(crate) fn values(&self) -> [Val<'_>; 11] {
        audit_values(&self.event, &self.before, &self.after, &self.hash)
    }
}

pub(crate) const INSERT_AUDIT_SQL: &str = "INSERT INTO audit_events \
     (seq, at, actor, organisation, action, entity_kind, entity_id, before_json, after_json, request_id, hash) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
/// Locks the chain head (a write, so SQLite takes its write lock at once and PostgreSQL a row lock).
pub(crate) const LOCK_HEAD_SQL: &str = "UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash";
pub(crate) const MOVE_HEAD_SQL: &str = "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1";
pub(crate) const NEXT_CHANGE_SQL: &str = "SELECT COALESCE(MAX(seq), 0) + 1 AS m FROM catalog_changes";

/// The stored text of an event's before and after.
pub(crate) fn event_json(event: &AuditEvent) -> (Option<String>, Option<String>) {
    (event.before.as_ref().map(Value::to_string), event.after.as_ref().map(Value::to_string))
}

/// The values of [`INSERT_AUDIT_SQL`].
pub(crate) fn audit_values<'a>(
    event: &'a AuditEvent,
    before: &'a Option<String>,
    after: &'a Option<String>,
    hash: &'a str,
) -> [Val<'a>; 11] {
    [
        Val::Int(event.seq),
        Val::Int(event.at),
        Val::Text(&event.actor),
        Val::OptText(event.organisation.as_deref()),
        Val::Text(&event.action),
        Val::Text(&event.entity_kind),
        Val::Text(&event.entity_id),
        Val::OptText(before.as_deref()),
        Val::OptText(after.as_deref()),
        Val::OptText(event.request_id.as_deref()),
        Val::Text(hash),
    ]
}

pub struct WriteTx {
    pub(crate) tx: Transaction<'static, Any>,
    _guard: OwnedMutexGuard<()>,
    pub(crate) now: i64,
    pub(crate) backend: crate::Backend,
    head_seq: i64,
    head_hash: String,
    next_change_seq: Option<i64>,
    pub(crate) changed_services: Vec<String>,
}

impl Db {
    /// Begins a write: waits for this process's writer slot, then locks the chain head (a write,
    /// so SQLite takes its write lock at once and PostgreSQL a row lock).
    pub async fn begin_write(&self) -> Result<WriteTx> {
        let guard = self.write_lock.clone().lock_owned().await;
        let mut tx = self.pool.begin().await?;
        let row = sqlx::query(LOCK_HEAD_SQL).fetch_one(&mut *tx).await?;
        let head_seq: i64 = row.try_get("seq")?;
        let head_hash: String = row.try_get("hash")?;
        Ok(WriteTx {
            tx,
            _guard: guard,
            now: self.clock.now_micros(),
            backend: self.backend(),
            head_seq,
            head_hash,
            next_change_seq: None,
            changed_services: Vec::new(),
        })
    }
}

impl WriteTx {
    /// The instant this transaction records its changes at (µs).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Appends an audit event to the chain; returns its sequence.
    pub async fn audit(&mut self, ev: NewAuditEvent) -> Result<i64> {
        let record = ev.record(self.head_seq + 1, self.now, &self.head_hash);
        let mut q = sqlx::query(INSERT_AUDIT_SQL);
        for v in record.values() {
            q = v.bind_to(q);
        }
        q.execute(&mut *self.tx).await?;
        self.head_seq = record.event.seq;
        self.head_hash = record.hash;
        Ok(self.head_seq)
    }

    /// Records that a service's public state changed, for every index's change feed.
    pub async fn record_change(&mut self, service_id: &str) -> Result<i64> {
        let seq = match self.next_change_seq {
            Some(s) => s,
            None => {
                let row = sqlx::query(NEXT_CHANGE_SQL).fetch_one(&mut *self.tx).await?;
                row.try_get::<i64, _>("m")?
            }
        };
        sqlx::query("INSERT INTO catalog_changes (seq, service_id, created_at) VALUES ($1, $2, $3)")
            .bind(seq)
            .bind(service_id)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        self.next_change_seq = Some(seq + 1);
        self.changed_services.push(service_id.to_owned());
        Ok(seq)
    }

    /// Records several changes at once (a bulk import), in the given order.
    pub async fn record_changes(&mut self, service_ids: &[String]) -> Result<()> {
        let Some((first, rest)) = service_ids.split_first() else {
            return Ok(());
        };
        // The first goes alone: it finds the next sequence number.
        let start = self.record_change(first).await? + 1;
        let now = self.now;
        let rows: Vec<[Val<'_>; 3]> =
            rest.iter().zip(start..).map(|(id, seq)| [Val::Int(seq), Val::Text(id.as_str()), Val::Int(now)]).collect();
        self.insert_rows(CHANGES_TABLE, rows).await?;
        self.changed_services.extend(rest.iter().cloned());
        let seq = start + rest.len() as i64;
        self.next_change_seq = Some(seq);
        Ok(())
    }

    /// Moves the chain head and commits everything.
    pub async fn commit(mut self) -> Result<()> {
        sqlx::query(MOVE_HEAD_SQL).bind(self.head_seq).bind(&self.head_hash).execute(&mut *self.tx).await?;
        self.tx.commit().await?;
        Ok(())
    }

    pub async fn rollback(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}
