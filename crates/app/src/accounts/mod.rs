//! Accounts as the application does them (SPEC §3 "Accounts"): log in and out with lock-out,
//! sign up a supplier or SME, approve companies, invite people, reset and change passwords, API
//! tokens. Every change is one write transaction with its audit event; no secret (password,
//! link, token) ever reaches an audit event or a log line.

use crate::actor::{Principal, SESSION_IDLE_MICROS};
use crate::context::Context;
use crate::error::{Code, Error};
use crate::secrets::{self as auth, API_TOKEN_PREFIX, DUMMY_HASH, SESSION_PREFIX, new_secret, secret_hash};
use crate::throttle::Door;
use gureum_domain::BusinessNumber;
use gureum_domain::account::{Email, OrgKind, Role, mask_email, password_acceptable};
use gureum_domain::listing::{SupplierRef, SupplierSize};
use gureum_storage::{NewAuditEvent, NewOrganisation, NewUser, OrgStatus, Organisation, User, UserStatus, WriteTx};
use serde_json::json;
use std::net::IpAddr;

mod organisations;
mod passwords;
mod signup;
mod tokens;

pub use organisations::*;
pub use passwords::*;
pub use signup::*;
pub use tokens::*;
pub const LOCK_AFTER_FAILURES: i64 = 5;
pub const LOCK_MICROS: i64 = 15 * 60 * 1_000_000;
pub const RESET_LINK_MICROS: i64 = 60 * 60 * 1_000_000;
pub const INVITE_LINK_MICROS: i64 = 7 * 24 * 60 * 60 * 1_000_000;

fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A successful login.
pub struct LoggedIn {
    pub token: String,
    pub csrf: String,
    pub expires_at: i64,
    pub user: User,
    pub org: Organisation,
}

async fn audit_login_failure(
    ctx: &Context,
    user: Option<&User>,
    email: &str,
    reason: &str,
    request_id: Option<String>,
) -> Result<(), Error> {
    let mut tx = ctx.db().begin_write().await?;
    let mut ev = NewAuditEvent::new(
        user.map(|u| u.id.as_str()).unwrap_or("anonymous"),
        "auth.login_failed",
        "user",
        user.map(|u| u.id.as_str()).unwrap_or("unknown"),
    )
    .after(json!({"email": mask_email(email), "reason": reason}))
    .request_id(request_id);
    ev.organisation = user.map(|u| u.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The answer while an account is locked.
fn locked() -> Error {
    Error::new(Code::AccountLocked, "this account is locked; try again later or ask the operator")
}

/// A claimed password check failed: keeps it as a failure (the one that reaches the limit locks
/// the account) and audits it under `action` (`auth.login_failed`, or the change of password's).
async fn password_check_failed(ctx: &Context, user: &User, action: &str, request_id: Option<String>) -> Result<(), Error> {
    let mut tx = ctx.db().begin_write().await?;
    let now = tx.now();
    let f = tx.login_failed(&user.id, LOCK_AFTER_FAILURES, now + LOCK_MICROS).await?;
    let mut ev = NewAuditEvent::new(&user.id, if f.locked { "auth.account_locked" } else { action }, "user", &user.id)
        .after(json!({"email": mask_email(&user.email), "reason": "wrong_password", "failures": f.failures}))
        .request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a person's password as one claimed attempt of the lock-out (see
/// `gureum_storage`'s logins: the claim and the lock are decided atomically, so concurrent
/// attempts cannot slip past the limit). `Ok(true)`: right, and the claim is still open — the
/// caller closes it with `WriteTx::login_succeeded` in the transaction of what it grants.
async fn check_claimed_password(
    ctx: &Context,
    user: &User,
    password: &str,
    action: &str,
    request_id: Option<String>,
) -> Result<bool, Error> {
    let now = ctx.clock().now_micros();
    // The permit first: a busy answer must not count as an attempt against the account.
    let permit = ctx.hashing().permit().await?;
    if !ctx.db().claim_login_attempt(&user.id, LOCK_AFTER_FAILURES, now).await? {
        audit_login_failure(ctx, Some(user), &user.email, "locked", request_id).await?;
        return Err(locked());
    }
    let ok = match &user.password_hash {
        Some(h) => auth::verify_with(permit, password.to_owned(), h.clone()).await,
        None => {
            let _ = auth::verify_with(permit, password.to_owned(), DUMMY_HASH.to_owned()).await;
            false
        }
    };
    if !ok {
        password_check_failed(ctx, user, action, request_id).await?;
    }
    Ok(ok)
}

/// Logs a person in. A wrong e-mail or password is the same 401 `invalid_credentials`; the 5th
/// failure in a row locks the account for 15 minutes (then even the right password gets 401
/// `account_locked`), also when the attempts come all at once. `client`: the caller's address,
/// for the throttle (none when unknown).
pub async fn login(
    ctx: &Context,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
    request_id: Option<String>,
) -> Result<LoggedIn, Error> {
    let now = ctx.clock().now_micros();
    ctx.throttle().attempt(Door::Login, client, Some(email), now)?;
    let invalid = || Error::new(Code::InvalidCredentials, "the e-mail or the password is wrong");
    let user = match Email::parse(email) {
        Some(e) => ctx.db().user_by_email(e.as_str()).await?,
        None => None,
    };
    let Some(user) = user else {
        // The same work as for a known e-mail, so both failures take the same time.
        let _ = ctx.hashing().verify(password.to_owned(), DUMMY_HASH.to_owned()).await?;
        audit_login_failure(ctx, None, email, "unknown_email", request_id).await?;
        return Err(invalid());
    };
    if user.status == UserStatus::Disabled {
        audit_login_failure(ctx, Some(&user), email, "locked", request_id).await?;
        return Err(locked());
    }
    if !check_claimed_password(ctx, &user, password, "auth.login_failed", request_id.clone()).await? {
        return Err(invalid());
    }
    let org = ctx.db().organisation(&user.org_id).await?.ok_or_else(|| Error::internal("user without organisation"))?;
    let token = new_secret(SESSION_PREFIX)?;
    let csrf = new_secret("")?;
    let expires_at = now + SESSION_IDLE_MICROS;
    let mut tx = ctx.db().begin_write().await?;
    // The right password, but a burst of wrong ones locked the account meanwhile: the lock stands.
    if !tx.login_succeeded(&user.id, now).await? {
        tx.rollback().await?;
        audit_login_failure(ctx, Some(&user), email, "locked", request_id).await?;
        return Err(locked());
    }
    tx.insert_session(&secret_hash(&token), &user.id, &csrf, expires_at).await?;
    // Ended sessions (idle, or past their 12 hours) go with each login: cheap by their end's
    // index, and no periodic task is needed.
    tx.purge_ended_sessions(now).await?;
    let mut ev = NewAuditEvent::new(&user.id, "auth.login", "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(LoggedIn { token, csrf, expires_at, user, org })
}

pub async fn logout(ctx: &Context, p: &Principal, request_id: Option<String>) -> Result<(), Error> {
    let Principal::Person { token_hash, session, .. } = p else {
        return Err(Error::new(Code::NotASession, "an API token is revoked by its organisation's admin, not logged out"));
    };
    let mut tx = ctx.db().begin_write().await?;
    tx.delete_session(token_hash).await?;
    let mut ev = NewAuditEvent::new(&session.user.id, "auth.logout", "user", &session.user.id).request_id(request_id);
    ev.organisation = Some(session.org.id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

fn required(v: &str, code: Code, what: &str) -> Result<String, Error> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > 200 {
        Err(Error::new(code, format!("{what} is required (at most 200 characters)")))
    } else {
        Ok(v.to_owned())
    }
}

/// Free text people may leave empty, at most `max` characters (`None` when empty).
fn optional(v: Option<&str>, max: usize, code: Code, what: &str) -> Result<Option<String>, Error> {
    let v = v.map(str::trim).unwrap_or_default();
    if v.chars().count() > max {
        return Err(Error::new(code, format!("{what} has at most {max} characters")));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

/// The longest reason (a rejection's) people may give.
pub const MAX_REASON: usize = 2_000;

pub fn check_password(p: &str) -> Result<(), Error> {
    if password_acceptable(p) { Ok(()) } else { Err(Error::new(Code::WeakPassword, "a password has at least 10 characters")) }
}

/// Creates a one-time link and mails it.
async fn send_link(ctx: &Context, tx: &mut WriteTx, user: &User, purpose: &str, ttl: i64, subject: &str, intro: &str) -> Result<(), Error> {
    let secret = new_secret("")?;
    tx.insert_one_time_link(&secret_hash(&secret), purpose, &user.id, tx.now() + ttl).await?;
    let path = if purpose == "invite" { "/account/accept" } else { "/account/reset" };
    let body = format!("{intro}\n\n{}{path}?token={secret}\n\n— 구름 Gureum", ctx.public_url());
    tx.enqueue_mail(&id(), &user.email, subject, &body).await?;
    Ok(())
}

/// Unique violations that slipped past the checks (a race) are conflicts, told by constraint.
fn map_unique(e: gureum_storage::StorageError) -> Error {
    use gureum_storage::{StorageError, UniqueKey};
    match e {
        StorageError::Unique(UniqueKey::UserEmail) => Error::new(Code::EmailTaken, "this e-mail already has an account"),
        StorageError::Unique(UniqueKey::OrgKindBusinessNumber | UniqueKey::OrgSupplier) => {
            Error::new(Code::CompanyExists, "this company already has an account")
        }
        other => Error::from(other),
    }
}
