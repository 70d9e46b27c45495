//! The life of a supplier's own service (docs/RULES.md#lifecycle, docs/API.md): drafts, their edits, the
//! submission, the operator's decision, suspension, and the documents attached to a service.
//!
//! A service has at most one open revision beside its public one (`services.draft_revision`):
//! its `state` says where it stands (`draft` → `submitted` → `in_review` → `listed` | `rejected`).
//! A listed revision never changes again; the one it replaces becomes `superseded`. The decisions
//! (which transition is allowed when) are the domain's (`gureum_domain::lifecycle`); this module
//! only reads and writes.

use crate::{Db, Result, StorageError, WriteTx};
use gureum_domain::{Listing, ServiceCode, ServiceKind, ServiceStatus};
use sqlx::Row;
use sqlx::any::AnyRow;

// The revision states are the domain's (its lifecycle decides their transitions); re-exported so
// that `gureum_storage::RevisionState` keeps naming it.
pub use gureum_domain::RevisionState;

/// A service's own row, without any revision's content.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceHead {
    pub id: String,
    pub code: String,
    pub supplier_id: String,
    pub status: ServiceStatus,
    pub status_reason: Option<String>,
    pub public_revision: Option<i64>,
    pub latest_revision: i64,
    /// The open revision (draft, submitted or in review), if any.
    pub draft_revision: Option<i64>,
    pub first_listed_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One revision of a service with its content and its review dates (µs).
#[derive(Debug, Clone, PartialEq)]
pub struct Revision {
    pub service_id: String,
    pub revision: i64,
    pub state: RevisionState,
    pub listing: Listing,
    pub created_at: i64,
    pub submitted_at: Option<i64>,
    pub decided_at: Option<i64>,
    pub decision_reason: Option<String>,
    /// The public revision it was compared with when submitted.
    pub base_revision: Option<i64>,
    /// Whether the change against `base_revision` was material (set on submission).
    pub material: Option<bool>,
}

/// A submitted revision waiting for the operator.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueEntry {
    pub head: ServiceHead,
    pub supplier_name: String,
    pub revision: Revision,
}

/// A document attached to a service (서비스 정의서, 가격표, SLA, 인증서).
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceDocument {
    pub id: String,
    pub service_id: String,
    /// The revision that was open when it was attached.
    pub revision: i64,
    pub doc_type: String,
    pub sha256: String,
    pub filename: String,
    pub size_bytes: i64,
    pub media_type: String,
    pub created_at: i64,
}

const HEAD_COLUMNS: &str = "s.id, s.code, s.supplier_id, s.status, s.status_reason, s.public_revision, s.latest_revision, \
     s.draft_revision, s.first_listed_at, s.created_at, s.updated_at";

const REVISION_COLUMNS: &str = "r.service_id AS r_service, r.revision AS r_revision, r.state AS r_state, r.content AS r_content, \
     r.created_at AS r_created, r.submitted_at AS r_submitted, r.decided_at AS r_decided, r.decision_reason AS r_reason, \
     r.base_revision AS r_base, r.material AS r_material";

fn head_from(row: &AnyRow) -> Result<ServiceHead> {
    let status: String = row.try_get("status")?;
    Ok(ServiceHead {
        id: row.try_get("id")?,
        code: row.try_get("code")?,
        supplier_id: row.try_get("supplier_id")?,
        status: ServiceStatus::parse(&status).ok_or_else(|| StorageError::Corrupt(format!("status {status}")))?,
        status_reason: row.try_get("status_reason")?,
        public_revision: row.try_get("public_revision")?,
        latest_revision: row.try_get("latest_revision")?,
        draft_revision: row.try_get("draft_revision")?,
        first_listed_at: row.try_get("first_listed_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

fn revision_from(row: &AnyRow) -> Result<Revision> {
    let service_id: String = row.try_get("r_service")?;
    let state: String = row.try_get("r_state")?;
    let content: String = row.try_get("r_content")?;
    let material: Option<i64> = row.try_get("r_material")?;
    Ok(Revision {
        revision: row.try_get("r_revision")?,
        state: RevisionState::parse(&state).ok_or_else(|| StorageError::Corrupt(format!("revision state {state}")))?,
        listing: Listing::from_json(&content).map_err(|e| StorageError::Corrupt(format!("revision of {service_id}: {e}")))?,
        created_at: row.try_get("r_created")?,
        submitted_at: row.try_get("r_submitted")?,
        decided_at: row.try_get("r_decided")?,
        decision_reason: row.try_get("r_reason")?,
        base_revision: row.try_get("r_base")?,
        material: material.map(|m| m != 0),
        service_id,
    })
}

fn document_from(row: &AnyRow) -> Result<ServiceDocument> {
    Ok(ServiceDocument {
        id: row.try_get("id")?,
        service_id: row.try_get("service_id")?,
        revision: row.try_get("revision")?,
        doc_type: row.try_get("doc_type")?,
        sha256: row.try_get("sha256")?,
        filename: row.try_get("filename")?,
        size_bytes: row.try_get("size_bytes")?,
        media_type: row.try_get("media_type")?,
        created_at: row.try_get("created_at")?,
    })
}

const DOCUMENT_SELECT: &str = "SELECT d.id, d.service_id, d.revision, d.doc_type, d.sha256, d.filename, d.created_at, \
     f.size_bytes, f.media_type FROM service_documents d JOIN documents f ON f.sha256 = d.sha256";

impl Db {
    /// A service's row by id or code.
    #[tracing::instrument(skip_all)]
    pub async fn service_head(&self, key: crate::ServiceKey<'_>) -> Result<Option<ServiceHead>> {
        let (cond, val) = match key {
            crate::ServiceKey::Id(id) => ("s.id = $1", id),
            crate::ServiceKey::Code(code) => ("s.code = $1", code),
        };
        let sql = format!("SELECT {HEAD_COLUMNS} FROM services s WHERE {cond}");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(val).fetch_optional(&self.pool).await?;
        row.as_ref().map(head_from).transpose()
    }

    /// Every revision of a service, oldest first.
    #[tracing::instrument(skip_all)]
    pub async fn service_revisions(&self, service_id: &str) -> Result<Vec<Revision>> {
        let sql = format!("SELECT {REVISION_COLUMNS} FROM service_revisions r WHERE r.service_id = $1 ORDER BY r.revision");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).fetch_all(&self.pool).await?;
        rows.iter().map(revision_from).collect()
    }

    /// The services of one supplier, whatever their status, by code.
    #[tracing::instrument(skip_all)]
    pub async fn supplier_service_heads(&self, supplier_id: &str) -> Result<Vec<ServiceHead>> {
        let sql = format!("SELECT {HEAD_COLUMNS} FROM services s WHERE s.supplier_id = $1 ORDER BY s.code");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id).fetch_all(&self.pool).await?;
        rows.iter().map(head_from).collect()
    }

    /// Every revision of every service of a supplier, in code and revision order.
    #[tracing::instrument(skip_all)]
    pub async fn supplier_revisions(&self, supplier_id: &str) -> Result<Vec<Revision>> {
        let sql = format!(
            "SELECT {REVISION_COLUMNS} FROM services s JOIN service_revisions r ON r.service_id = s.id \
             WHERE s.supplier_id = $1 ORDER BY s.code, r.revision"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(supplier_id).fetch_all(&self.pool).await?;
        rows.iter().map(revision_from).collect()
    }

    /// Submitted and in-review revisions, oldest submission first.
    #[tracing::instrument(skip_all)]
    pub async fn review_queue(&self, limit: i64) -> Result<Vec<QueueEntry>> {
        let sql = format!(
            "SELECT {HEAD_COLUMNS}, p.name AS supplier_name, {REVISION_COLUMNS} FROM service_revisions r \
             JOIN services s ON s.id = r.service_id AND s.draft_revision = r.revision \
             JOIN suppliers p ON p.id = s.supplier_id \
             WHERE r.state IN ('submitted', 'in_review') ORDER BY r.submitted_at, s.code LIMIT $1"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(QueueEntry { head: head_from(row)?, supplier_name: row.try_get("supplier_name")?, revision: revision_from(row)? })
            })
            .collect()
    }

    /// The documents of a service, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn service_documents(&self, service_id: &str) -> Result<Vec<ServiceDocument>> {
        let sql = format!("{DOCUMENT_SELECT} WHERE d.service_id = $1 ORDER BY d.created_at DESC, d.id");
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).fetch_all(&self.pool).await?;
        rows.iter().map(document_from).collect()
    }

    pub async fn service_document(&self, service_id: &str, doc_id: &str) -> Result<Option<ServiceDocument>> {
        let sql = format!("{DOCUMENT_SELECT} WHERE d.service_id = $1 AND d.id = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).bind(doc_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(document_from).transpose()
    }
}

fn host_code_of(listing: &Listing) -> Option<String> {
    listing.certification.as_ref().and_then(|c| c.host_infra.clone()).filter(|h| ServiceCode::parse(h).is_ok())
}

impl WriteTx {
    /// A service's row, read inside the transaction (writers are serialised, so it stays true
    /// until commit).
    pub async fn service_head(&mut self, service_id: &str) -> Result<Option<ServiceHead>> {
        let sql = format!("SELECT {HEAD_COLUMNS} FROM services s WHERE s.id = $1");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(head_from).transpose()
    }

    pub async fn service_revision(&mut self, service_id: &str, revision: i64) -> Result<Option<Revision>> {
        let sql = format!("SELECT {REVISION_COLUMNS} FROM service_revisions r WHERE r.service_id = $1 AND r.revision = $2");
        let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(service_id).bind(revision).fetch_optional(&mut *self.tx).await?;
        row.as_ref().map(revision_from).transpose()
    }

    pub async fn service_code_taken(&mut self, code: &str) -> Result<bool> {
        let row = sqlx::query("SELECT id FROM services WHERE code = $1").bind(code).fetch_optional(&mut *self.tx).await?;
        Ok(row.is_some())
    }

    /// A new, unused service code of a kind and classification, with the next serial.
    pub async fn assign_service_code(&mut self, kind: ServiceKind, class: u8, sub: u8) -> Result<String> {
        for _ in 0..10_000 {
            let row = sqlx::query("UPDATE service_code_serial SET next_serial = next_serial + 1 WHERE id = 1 RETURNING next_serial")
                .fetch_one(&mut *self.tx)
                .await?;
            let serial = row.try_get::<i64, _>("next_serial")? - 1;
            let serial = u32::try_from(serial % 10_000_000).unwrap_or(0);
            let code = ServiceCode::assemble(kind, class, sub, serial).as_str().to_owned();
            if !self.service_code_taken(&code).await? {
                return Ok(code);
            }
        }
        Err(StorageError::Corrupt("no free service code serial".into()))
    }

    async fn upsert_category(&mut self, name: &str) -> Result<()> {
        sqlx::query("INSERT INTO categories (name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(self.now)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// A new service whose first revision is an open draft.
    pub async fn create_draft_service(&mut self, id: &str, supplier_id: &str, listing: &Listing) -> Result<()> {
        let (json, digest) = crate::content_digest(listing);
        sqlx::query(
            "INSERT INTO services (id, code, supplier_id, status, public_revision, latest_revision, draft_revision, host_code, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, NULL, 1, 1, $5, $6, $6)",
        )
        .bind(id)
        .bind(&listing.code)
        .bind(supplier_id)
        .bind(ServiceStatus::Draft.as_str())
        .bind(host_code_of(listing))
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "INSERT INTO service_revisions (service_id, revision, content, content_sha256, created_at, state) VALUES ($1, 1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(&json)
        .bind(&digest)
        .bind(self.now)
        .bind(RevisionState::Draft.as_str())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Opens a new draft revision after the latest one, with the given content; returns its number.
    pub async fn open_draft_revision(&mut self, head: &ServiceHead, listing: &Listing) -> Result<i64> {
        let (json, digest) = crate::content_digest(listing);
        let revision = head.latest_revision + 1;
        sqlx::query(
            "INSERT INTO service_revisions (service_id, revision, content, content_sha256, created_at, state, base_revision) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&head.id)
        .bind(revision)
        .bind(&json)
        .bind(&digest)
        .bind(self.now)
        .bind(RevisionState::Draft.as_str())
        .bind(head.public_revision)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE services SET latest_revision = $1, draft_revision = $1, updated_at = $2 WHERE id = $3")
            .bind(revision)
            .bind(self.now)
            .bind(&head.id)
            .execute(&mut *self.tx)
            .await?;
        Ok(revision)
    }

    /// Replaces the content of an open draft (a draft is the one revision that may still change).
    pub async fn save_draft_revision(&mut self, service_id: &str, revision: i64, listing: &Listing) -> Result<()> {
        let (json, digest) = crate::content_digest(listing);
        let r = sqlx::query(
            "UPDATE service_revisions SET content = $1, content_sha256 = $2 WHERE service_id = $3 AND revision = $4 AND state = $5",
        )
        .bind(&json)
        .bind(&digest)
        .bind(service_id)
        .bind(revision)
        .bind(RevisionState::Draft.as_str())
        .execute(&mut *self.tx)
        .await?;
        if r.rows_affected() != 1 {
            return Err(StorageError::Corrupt(format!("revision {revision} of {service_id} is not an open draft")));
        }
        sqlx::query("UPDATE services SET updated_at = $1 WHERE id = $2").bind(self.now).bind(service_id).execute(&mut *self.tx).await?;
        Ok(())
    }

    /// Sets a service's status and the reason shown with it (`None` clears the reason).
    pub async fn set_service_status(&mut self, service_id: &str, status: ServiceStatus, reason: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE services SET status = $1, status_reason = $2, updated_at = $3 WHERE id = $4")
            .bind(status.as_str())
            .bind(reason)
            .bind(self.now)
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Changes a service's code (a never-listed draft whose kind changed, or on listing).
    pub async fn set_service_code(&mut self, service_id: &str, code: &str) -> Result<()> {
        sqlx::query("UPDATE services SET code = $1, updated_at = $2 WHERE id = $3")
            .bind(code)
            .bind(self.now)
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Sends a draft to the operator, recording what it was compared with.
    pub async fn submit_revision(&mut self, service_id: &str, revision: i64, base: Option<i64>, material: bool) -> Result<()> {
        sqlx::query(
            "UPDATE service_revisions SET state = $1, submitted_at = $2, base_revision = $3, material = $4, decided_at = NULL, decision_reason = NULL \
             WHERE service_id = $5 AND revision = $6",
        )
        .bind(RevisionState::Submitted.as_str())
        .bind(self.now)
        .bind(base)
        .bind(i64::from(material))
        .bind(service_id)
        .bind(revision)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    pub async fn set_revision_state(&mut self, service_id: &str, revision: i64, state: RevisionState) -> Result<()> {
        sqlx::query("UPDATE service_revisions SET state = $1 WHERE service_id = $2 AND revision = $3")
            .bind(state.as_str())
            .bind(service_id)
            .bind(revision)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Makes the open revision the public one: the previous public revision is superseded, the
    /// service takes `status`, its code and host follow the new content, and it is first listed
    /// now unless it was listed before.
    pub async fn list_revision(&mut self, head: &ServiceHead, revision: i64, listing: &Listing, status: ServiceStatus) -> Result<()> {
        if let Some(old) = head.public_revision.filter(|p| *p != revision) {
            self.set_revision_state(&head.id, old, RevisionState::Superseded).await?;
        }
        sqlx::query(
            "UPDATE service_revisions SET state = $1, decided_at = $2, decision_reason = NULL WHERE service_id = $3 AND revision = $4",
        )
        .bind(RevisionState::Listed.as_str())
        .bind(self.now)
        .bind(&head.id)
        .bind(revision)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query(
            "UPDATE services SET status = $1, status_reason = CASE WHEN $1 = 'listed' THEN NULL ELSE status_reason END, \
             public_revision = $2, draft_revision = NULL, code = $3, host_code = $4, \
             first_listed_at = COALESCE(first_listed_at, $5), updated_at = $5 WHERE id = $6",
        )
        .bind(status.as_str())
        .bind(revision)
        .bind(&listing.code)
        .bind(host_code_of(listing))
        .bind(self.now)
        .bind(&head.id)
        .execute(&mut *self.tx)
        .await?;
        self.upsert_category(&listing.category).await
    }

    /// Turns the open revision down with a reason and closes it.
    pub async fn reject_revision(&mut self, service_id: &str, revision: i64, reason: &str) -> Result<()> {
        sqlx::query(
            "UPDATE service_revisions SET state = $1, decided_at = $2, decision_reason = $3 WHERE service_id = $4 AND revision = $5",
        )
        .bind(RevisionState::Rejected.as_str())
        .bind(self.now)
        .bind(reason)
        .bind(service_id)
        .bind(revision)
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE services SET draft_revision = NULL, updated_at = $1 WHERE id = $2")
            .bind(self.now)
            .bind(service_id)
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Attaches a stored document to a service.
    pub async fn insert_service_document(
        &mut self,
        id: &str,
        service_id: &str,
        revision: i64,
        doc_type: &str,
        sha256: &str,
        filename: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO service_documents (id, service_id, revision, doc_type, sha256, filename, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id)
        .bind(service_id)
        .bind(revision)
        .bind(doc_type)
        .bind(sha256)
        .bind(filename)
        .bind(self.now)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }
}
