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
mod budget;
mod bulk;
mod bulk_baseline;
mod buying;
mod catalog;
mod catalog_import;
mod db;
mod documents;
mod forecast;
mod incidents;
mod invoices;
mod jobs;
mod lifecycle;
mod ocds;
mod outbox;
mod profile;
mod ratings;
mod review;
mod rollup;
mod spend;
mod stats;
mod tx;
mod usage;
mod vouchers;

pub use accounts::{ApiToken, LoginFailure, NewApiToken, NewOrganisation, NewUser, OrgStatus, Organisation, SessionInfo, User, UserStatus};
pub use audit::{AuditRow, VerifyReport};
pub use audit_query::*;
pub use budget::BudgetLine;
pub use bulk::{BulkTx, SqliteBulk, SqliteReader};
pub use bulk_baseline::Rewrite;
pub use buying::*;
pub use catalog::{ExportRow, ImportOutcome, IndexSource, ServiceKey, ServiceRecord, SupplierRecord, content_digest};
pub use catalog_import::{BatchResult, CreatedSupplier, LineResult, StagedLine};
pub use db::{Backend, Db, OutboxGauges, SqliteFileSummary, inspect_sqlite_file, sqlite_file_of};
pub use documents::{DocumentStore, MediaKind};
pub use forecast::*;
#[allow(unused_imports)]
pub use incidents::*;
#[allow(unused_imports)]
pub use invoices::*;
pub use jobs::{Debarment, Lease, SentNotice};
pub use lifecycle::*;
pub use ocds::*;
pub use outbox::*;
pub use profile::{IdPage, Notification};
#[allow(unused_imports)]
pub use ratings::*;
pub use review::*;
pub use rollup::*;
#[allow(unused_imports)]
pub use spend::*;
pub use stats::*;
pub use tx::{NewAuditEvent, WriteTx};
#[allow(unused_imports)]
pub use usage::*;
pub use vouchers::*;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Sqlx(sqlx::Error),
    /// A unique constraint refused a write (a race that slipped past the use case's checks).
    #[error("unique constraint {} refused the write", .0.constraint())]
    Unique(UniqueKey),
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

/// The unique constraints a use case may meet, by the names the migrations give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UniqueKey {
    SupplierBusinessNumber,
    ServiceCode,
    OrgSupplier,
    OrgKindBusinessNumber,
    UserEmail,
    ApiTokenHash,
    ReviewVote,
    ReviewerConflict,
    ApplicationRevision,
    BudgetLineName,
    VoucherService,
    VoucherApplication,
    VoucherInvoice,
}

impl UniqueKey {
    /// Each key with its constraint name (PostgreSQL reports it) and its columns as SQLite
    /// reports them (SQLite names no constraint, only `table.column, …`).
    const ALL: [(UniqueKey, &'static str, &'static str); 13] = [
        (Self::SupplierBusinessNumber, "uq_supplier_bizno", "suppliers.business_number"),
        (Self::ServiceCode, "uq_service_code", "services.code"),
        (Self::OrgSupplier, "uq_org_supplier", "organisations.supplier_id"),
        (Self::OrgKindBusinessNumber, "uq_org_kind_bizno", "organisations.kind, organisations.business_number"),
        (Self::UserEmail, "uq_user_email", "users.email"),
        (Self::ApiTokenHash, "uq_api_token_hash", "api_tokens.token_hash"),
        (Self::ReviewVote, "uq_review_vote", "review_votes.application_id, review_votes.reviewer_id"),
        (Self::ReviewerConflict, "uq_reviewer_conflict", "reviewer_conflicts.user_id, reviewer_conflicts.business_number"),
        (Self::ApplicationRevision, "uq_application_revision", "applications.service_id, applications.revision"),
        (Self::BudgetLineName, "uq_budget_line_name", "budget_lines.org_id, budget_lines.fiscal_year, budget_lines.name"),
        (Self::VoucherService, "uq_voucher_service", "voucher_services.programme_id, voucher_services.service_id"),
        (Self::VoucherApplication, "uq_voucher_application", "voucher_applications.programme_id, voucher_applications.org_id"),
        (Self::VoucherInvoice, "uq_voucher_invoice", "voucher_claims.programme_id, voucher_claims.tax_invoice_number"),
    ];

    pub fn constraint(self) -> &'static str {
        Self::ALL.iter().find(|(k, _, _)| *k == self).map(|(_, name, _)| *name).unwrap_or("unknown")
    }

    /// The key a unique violation names: its constraint (PostgreSQL) or its columns (SQLite).
    fn of(e: &dyn sqlx::error::DatabaseError) -> Option<Self> {
        if let Some(name) = e.constraint() {
            return Self::ALL.iter().find(|(_, n, _)| *n == name).map(|(k, _, _)| *k);
        }
        let columns = e.message().strip_prefix("UNIQUE constraint failed: ")?;
        Self::ALL.iter().find(|(_, _, c)| *c == columns).map(|(k, _, _)| *k)
    }
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e
            && db.kind() == sqlx::error::ErrorKind::UniqueViolation
            && let Some(key) = UniqueKey::of(db.as_ref())
        {
            return Self::Unique(key);
        }
        Self::Sqlx(e)
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
