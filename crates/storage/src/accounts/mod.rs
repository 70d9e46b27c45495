//! Organisations, people, sessions, API tokens and one-time links: the shared types and row
//! mappings here, the queries in one file per idea.

use crate::{Db, Result, StorageError, WriteTx};
use gureum_domain::account::{Language, OrgKind, Role, roles_from_string, roles_to_string};
use sqlx::Row;
use sqlx::any::AnyRow;

mod links;
mod logins;
mod messages;
mod organisations;
mod sessions;
mod tokens;
mod users;

// The statuses are the domain's (their rules live there); re-exported so that
// `gureum_storage::OrgStatus` and `gureum_storage::UserStatus` keep naming them.
pub use gureum_domain::{OrgStatus, UserStatus};
pub use logins::LoginFailure;
pub use tokens::NewApiToken;

#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub business_number: Option<String>,
    pub supplier_id: Option<String>,
    pub status: OrgStatus,
    pub registration_doc: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact_email: Option<String>,
    pub status_reason: Option<String>,
    /// The business number a rejected sign-up claimed, kept for the record once the claim was
    /// released (so that the company can sign up again).
    pub released_business_number: Option<String>,
    /// An agency's kind (`central`, `local`, `public_institution`, `other`; migration
    /// `0014_forecast`), `None` until the operator says.
    pub agency_kind: Option<String>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
    pub is_admin: bool,
    pub status: UserStatus,
    pub failed_logins: i64,
    pub locked_until: Option<i64>,
    pub created_at: i64,
    /// The language of the pages they open signed in and of the e-mails they get.
    pub lang: Language,
}

/// A live session (or bearer login token) with the person and organisation behind it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionInfo {
    pub user: User,
    pub org: Organisation,
    pub csrf: String,
    /// When it began (its absolute lifetime counts from here).
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_by: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// What it may do (`read`, `services:write`, …).
    pub scopes: Vec<String>,
    /// When it stops working (µs).
    pub expires_at: Option<i64>,
}

const ORG_COLS: &str = "o.id AS org_id_, o.kind AS org_kind, o.name AS org_name, o.business_number AS org_bn, o.supplier_id AS org_supplier, \
    o.status AS org_status, o.registration_doc AS org_doc, o.representative AS org_rep, o.address AS org_address, o.phone AS org_phone, \
    o.contact_email AS org_email, o.status_reason AS org_reason, o.released_business_number AS org_released, o.agency_kind AS org_agency_kind, o.created_at AS org_created";

const USER_COLS: &str = "u.id AS user_id_, u.org_id AS user_org, u.email AS user_email, u.name AS user_name, u.phone AS user_phone, \
    u.password_hash AS user_hash, u.roles AS user_roles, u.is_admin AS user_admin, u.status AS user_status, \
    u.failed_logins AS user_failed, u.locked_until AS user_locked, u.created_at AS user_created, u.lang AS user_lang";

fn org_from(row: &AnyRow) -> Result<Organisation> {
    let kind: String = row.try_get("org_kind")?;
    let status: String = row.try_get("org_status")?;
    Ok(Organisation {
        id: row.try_get("org_id_")?,
        kind: OrgKind::parse(&kind).ok_or_else(|| StorageError::Corrupt(format!("organisation kind {kind}")))?,
        name: row.try_get("org_name")?,
        business_number: row.try_get("org_bn")?,
        supplier_id: row.try_get("org_supplier")?,
        status: OrgStatus::parse(&status).ok_or_else(|| StorageError::Corrupt(format!("organisation status {status}")))?,
        registration_doc: row.try_get("org_doc")?,
        representative: row.try_get("org_rep")?,
        address: row.try_get("org_address")?,
        phone: row.try_get("org_phone")?,
        contact_email: row.try_get("org_email")?,
        status_reason: row.try_get("org_reason")?,
        released_business_number: row.try_get("org_released")?,
        agency_kind: row.try_get("org_agency_kind")?,
        created_at: row.try_get("org_created")?,
    })
}

fn user_from(row: &AnyRow) -> Result<User> {
    let status: String = row.try_get("user_status")?;
    let roles: String = row.try_get("user_roles")?;
    Ok(User {
        id: row.try_get("user_id_")?,
        org_id: row.try_get("user_org")?,
        email: row.try_get("user_email")?,
        name: row.try_get("user_name")?,
        phone: row.try_get("user_phone")?,
        password_hash: row.try_get("user_hash")?,
        roles: roles_from_string(&roles),
        is_admin: row.try_get::<i64, _>("user_admin")? != 0,
        status: UserStatus::parse(&status).ok_or_else(|| StorageError::Corrupt(format!("user status {status}")))?,
        failed_logins: row.try_get("user_failed")?,
        locked_until: row.try_get("user_locked")?,
        created_at: row.try_get("user_created")?,
        lang: {
            let lang: String = row.try_get("user_lang")?;
            Language::parse(&lang).ok_or_else(|| StorageError::Corrupt(format!("user language {lang}")))?
        },
    })
}

/// New organisation fields.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    pub id: String,
    pub kind: OrgKind,
    pub name: String,
    pub business_number: Option<String>,
    pub supplier_id: Option<String>,
    pub status: OrgStatus,
    pub registration_doc: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact_email: Option<String>,
    pub privacy_consent: bool,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub id: String,
    pub org_id: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
    pub is_admin: bool,
    pub status: UserStatus,
}
