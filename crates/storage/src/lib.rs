//! Gureum's storage: the only crate that speaks SQL.
//!
//! One portable query set runs on SQLite (the embedded default, WAL) and PostgreSQL (production),
//! chosen at run time from the URL scheme through sqlx's `Any` driver: `$n` placeholders,
//! INTEGER/BIGINT microsecond instants, TEXT dates. Every write goes through a [`WriteTx`], which
//! locks the head of the audit chain first, so writers are serialised, the change feed's sequence
//! equals commit order, and two app instances can never fork the chain.

mod accounts;
mod audit;
mod audit_query;
mod bulk;
mod bulk_baseline;
mod catalog;
mod catalog_import;
mod db;
mod documents;
mod lifecycle;
mod outbox;
mod profile;
mod tx;

pub use accounts::{ApiToken, NewOrganisation, NewUser, OrgStatus, Organisation, SessionInfo, User, UserStatus};
pub use audit::{AuditRow, VerifyReport};
pub use audit_query::*;
pub use bulk::{BulkTx, SqliteBulk, SqliteReader};
pub use bulk_baseline::Rewrite;
pub use catalog::{ExportRow, ImportOutcome, IndexSource, ServiceKey, ServiceRecord, SupplierRecord, content_digest};
pub use catalog_import::{BatchResult, CreatedSupplier, LineResult, StagedLine};
pub use db::{Backend, Db, OutboxGauges, SqliteFileSummary, inspect_sqlite_file};
pub use documents::{DocumentStore, MediaKind};
pub use lifecycle::*;
pub use outbox::*;
pub use profile::{IdPage, Notification};
pub use tx::{NewAuditEvent, WriteTx};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database error (bulk SQLite connection): {0}")]
    Bulk(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (use sqlite://… or postgres://…)")]
    UnsupportedUrl,
    #[error("service code {0} belongs to another supplier")]
    CodeOfAnotherSupplier(String),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
