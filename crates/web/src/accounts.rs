//! Accounts as the application does them (SPEC §3 "Accounts"): log in and out with lock-out,
//! sign up a supplier or SME, approve companies, invite people, reset and change passwords, API
//! tokens. Every change is one write transaction with its audit event; no secret (password,
//! link, token) ever reaches an audit event or a log line.

use crate::auth::{self, API_TOKEN_PREFIX, DUMMY_HASH, Principal, SESSION_IDLE_MICROS, SESSION_PREFIX, new_secret, secret_hash};
use crate::error::AppError;
use crate::state::AppState;
use axum::http::StatusCode;
use gureum_domain::BusinessNumber;
use gureum_domain::account::{Email, OrgKind, Role, mask_email, password_acceptable};
use gureum_domain::listing::{SupplierRef, SupplierSize};
use gureum_storage::{MediaKind, NewAuditEvent, NewOrganisation, NewUser, OrgStatus, Organisation, User, UserStatus, WriteTx};
use serde_json::json;

pub const LOCK_AFTER_FAILURES: i64 = 5;
pub const LOCK_MICROS: i64 = 15 * 60 * 1_000_000;
pub const RESET_LINK_MICROS: i64 = 60 * 60 * 1_000_000;
pub const INVITE_LINK_MICROS: i64 = 7 * 24 * 60 * 60 * 1_000_000;
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

fn unauthorized(code: &'static str, message: &str) -> AppError {
    AppError::new(StatusCode::UNAUTHORIZED, code, message)
}

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
    state: &AppState,
    user: Option<&User>,
    email: &str,
    reason: &str,
    request_id: Option<String>,
) -> Result<(), AppError> {
    let mut tx = state.db().begin_write().await?;
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

/// Logs a person in. A wrong e-mail or password is the same 401 `invalid_credentials`; the 5th
/// failure in a row locks the account for 15 minutes (then even the right password gets 401
/// `account_locked`).
pub async fn login(state: &AppState, email: &str, password: &str, request_id: Option<String>) -> Result<LoggedIn, AppError> {
    let now = state.clock().now_micros();
    let invalid = || unauthorized("invalid_credentials", "the e-mail or the password is wrong");
    let user = match Email::parse(email) {
        Some(e) => state.db().user_by_email(e.as_str()).await?,
        None => None,
    };
    let Some(user) = user else {
        let _ = auth::verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
        audit_login_failure(state, None, email, "unknown_email", request_id).await?;
        return Err(invalid());
    };
    if user.status == UserStatus::Disabled || user.locked_until.is_some_and(|t| t > now) {
        audit_login_failure(state, Some(&user), email, "locked", request_id).await?;
        return Err(unauthorized("account_locked", "this account is locked; try again later or ask the operator"));
    }
    let ok = match &user.password_hash {
        Some(h) => auth::verify_password(password.to_owned(), h.clone()).await,
        None => {
            let _ = auth::verify_password(password.to_owned(), DUMMY_HASH.to_owned()).await;
            false
        }
    };
    if !ok {
        let mut tx = state.db().begin_write().await?;
        let failures = tx.record_failed_login(&user.id, LOCK_AFTER_FAILURES, now + LOCK_MICROS).await?;
        let locked = failures >= LOCK_AFTER_FAILURES;
        let mut ev = NewAuditEvent::new(&user.id, if locked { "auth.account_locked" } else { "auth.login_failed" }, "user", &user.id)
            .after(json!({"email": mask_email(&user.email), "reason": "wrong_password", "failures": failures}))
            .request_id(request_id);
        ev.organisation = Some(user.org_id.clone());
        tx.audit(ev).await?;
        tx.commit().await?;
        return Err(invalid());
    }
    let org = state.db().organisation(&user.org_id).await?.ok_or_else(|| AppError::internal("user without organisation"))?;
    let token = new_secret(SESSION_PREFIX)?;
    let csrf = new_secret("")?;
    let expires_at = now + SESSION_IDLE_MICROS;
    let mut tx = state.db().begin_write().await?;
    tx.reset_failed_logins(&user.id).await?;
    tx.insert_session(&secret_hash(&token), &user.id, &csrf, expires_at).await?;
    let mut ev = NewAuditEvent::new(&user.id, "auth.login", "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(LoggedIn { token, csrf, expires_at, user, org })
}

pub async fn logout(state: &AppState, p: &Principal, request_id: Option<String>) -> Result<(), AppError> {
    let Principal::Person { token_hash, session, .. } = p else {
        return Err(AppError::bad_request("not_a_session", "an API token is revoked by its organisation's admin, not logged out"));
    };
    let mut tx = state.db().begin_write().await?;
    tx.delete_session(token_hash).await?;
    let mut ev = NewAuditEvent::new(&session.user.id, "auth.logout", "user", &session.user.id).request_id(request_id);
    ev.organisation = Some(session.org.id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

/// A self-service sign-up (supplier or SME).
pub struct Signup {
    pub kind: OrgKind,
    pub business_number: String,
    pub company_name: String,
    pub size: Option<String>,
    pub representative: Option<String>,
    pub address: Option<String>,
    pub person_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub password: String,
    pub privacy_consent: bool,
    pub certificate: Option<Vec<u8>>,
}

fn required(v: &str, code: &'static str, what: &str) -> Result<String, AppError> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > 200 {
        Err(AppError::bad_request(code, format!("{what} is required (at most 200 characters)")))
    } else {
        Ok(v.to_owned())
    }
}

/// Validates an uploaded file by its content and size.
pub fn check_upload(bytes: &[u8], allow_images: bool) -> Result<MediaKind, AppError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "file_too_large", "a file may be at most 20 MiB"));
    }
    match MediaKind::sniff(bytes) {
        Some(MediaKind::Pdf) => Ok(MediaKind::Pdf),
        Some(k) if allow_images => Ok(k),
        _ if allow_images => Err(AppError::bad_request("invalid_file_type", "the file must be a PDF or an image (PNG, JPEG, GIF, WebP)")),
        _ => Err(AppError::bad_request("invalid_file_type", "the file must be a PDF")),
    }
}

pub fn check_password(p: &str) -> Result<(), AppError> {
    if password_acceptable(p) { Ok(()) } else { Err(AppError::bad_request("weak_password", "a password has at least 10 characters")) }
}

/// Signs up a company and its first admin, waiting for the operator's approval. A company that
/// import created without an account is claimed; one that already has an account answers 409.
pub async fn signup(state: &AppState, s: Signup, request_id: Option<String>) -> Result<(Organisation, User), AppError> {
    if !s.kind.self_service() {
        return Err(AppError::bad_request("invalid_kind", "only suppliers and SMEs sign up themselves"));
    }
    if !s.privacy_consent {
        return Err(AppError::bad_request("consent_required", "consent to the collection and use of personal information is required"));
    }
    let bn = BusinessNumber::parse(&s.business_number).map_err(|e| AppError::bad_request("invalid_business_number", e.to_string()))?;
    let email = Email::parse(&s.email).ok_or_else(|| AppError::bad_request("invalid_email", "the e-mail address is not valid"))?;
    check_password(&s.password)?;
    let company = required(&s.company_name, "invalid_name", "the company name")?;
    let person = required(&s.person_name, "invalid_name", "your name")?;
    let size = match s.kind {
        OrgKind::Supplier => Some(
            s.size
                .as_deref()
                .and_then(SupplierSize::parse)
                .ok_or_else(|| AppError::bad_request("invalid_size", "size is small, medium, midsize or large"))?,
        ),
        _ => None,
    };
    let cert = s
        .certificate
        .as_deref()
        .ok_or_else(|| AppError::bad_request("certificate_required", "attach the business registration certificate (PDF or image)"))?;
    let media = check_upload(cert, true)?;
    if state.db().organisation_by_bizno(s.kind, bn.digits()).await?.is_some() {
        return Err(AppError::conflict("company_exists", "this company already has an account; ask its admin to invite you"));
    }
    if state.db().user_by_email(email.as_str()).await?.is_some() {
        return Err(AppError::conflict("email_taken", "this e-mail already has an account"));
    }
    let hash = auth::hash_password(s.password.clone()).await?;
    let store = state.documents().clone();
    let bytes = cert.to_vec();
    let sha = tokio::task::spawn_blocking(move || store.put(&bytes)).await.map_err(AppError::internal)?.map_err(AppError::internal)?;

    let mut tx = state.db().begin_write().await?;
    tx.record_document(&sha, cert.len() as i64, media.media_type()).await?;
    let supplier_id = match s.kind {
        OrgKind::Supplier => {
            let sref =
                SupplierRef { name: company.clone(), business_number: bn.digits().to_owned(), size: size.unwrap_or(SupplierSize::Small) };
            let (sid, _) = tx.supplier_for(&sref, &bn, id).await?;
            Some(sid)
        }
        _ => None,
    };
    let org = NewOrganisation {
        id: id(),
        kind: s.kind,
        name: company,
        business_number: Some(bn.digits().to_owned()),
        supplier_id,
        status: OrgStatus::Pending,
        registration_doc: Some(sha.clone()),
        representative: s.representative.filter(|v| !v.trim().is_empty()),
        address: s.address.filter(|v| !v.trim().is_empty()),
        phone: s.phone.clone().filter(|v| !v.trim().is_empty()),
        contact_email: Some(email.as_str().to_owned()),
        privacy_consent: true,
    };
    tx.insert_organisation(&org).await.map_err(map_unique)?;
    let user = NewUser {
        id: id(),
        org_id: org.id.clone(),
        email: email.as_str().to_owned(),
        name: person,
        phone: s.phone.filter(|v| !v.trim().is_empty()),
        password_hash: Some(hash),
        roles: s.kind.allowed_roles().to_vec(),
        is_admin: true,
        status: UserStatus::Active,
    };
    tx.insert_user(&user).await.map_err(map_unique)?;
    let mut ev = NewAuditEvent::new(&user.id, "org.signup", "organisation", &org.id)
        .after(json!({"kind": org.kind.as_str(), "name": org.name, "business_number": org.business_number, "supplier_id": org.supplier_id,
                      "registration_doc": sha, "admin": user.id, "privacy_consent": true}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    notify_operators(
        state,
        &mut tx,
        "org.signup",
        &format!("{} 가입 승인 요청", org.name),
        &format!("{} asks to be approved", org.name),
        "/operator/organisations",
    )
    .await?;
    tx.commit().await?;
    let org = state.db().organisation(&org.id).await?.ok_or_else(|| AppError::internal("organisation vanished"))?;
    let user = state.db().user(&user.id).await?.ok_or_else(|| AppError::internal("user vanished"))?;
    Ok((org, user))
}

/// Unique violations that slipped past the checks (a race) are conflicts, told by constraint.
fn map_unique(e: gureum_storage::StorageError) -> AppError {
    let text = e.to_string();
    if text.contains("uq_user_email") || text.contains("users.email") {
        AppError::conflict("email_taken", "this e-mail already has an account")
    } else if text.contains("uq_org_") || text.contains("organisations.") {
        AppError::conflict("company_exists", "this company already has an account")
    } else {
        AppError::from(e)
    }
}

/// In-app notifications and e-mails to every operator.
pub async fn notify_operators(state: &AppState, tx: &mut WriteTx, kind: &str, ko: &str, en: &str, link: &str) -> Result<(), AppError> {
    for u in state.db().active_users_of_kind(OrgKind::Operator).await? {
        tx.notify(&id(), &u.id, kind, ko, en, Some(link)).await?;
    }
    Ok(())
}

/// Notifies every admin of an organisation in the app and by e-mail.
pub async fn tell_org_admins(
    state: &AppState,
    tx: &mut WriteTx,
    org_id: &str,
    kind: &str,
    ko: &str,
    en: &str,
    link: &str,
) -> Result<(), AppError> {
    for u in state.db().users_of(org_id).await? {
        if u.is_admin || u.roles.contains(&Role::Supplier) {
            tx.notify(&id(), &u.id, kind, ko, en, Some(link)).await?;
            let body = format!("{ko}\n\n{en}\n\n{}{link}\n\n— 구름 Gureum", state.public_url());
            tx.enqueue_mail(&id(), &u.email, &format!("[구름] {ko}"), &body).await?;
        }
    }
    Ok(())
}

/// The operator approves or rejects a signed-up company.
pub async fn decide_organisation(
    state: &AppState,
    p: &Principal,
    org_id: &str,
    approve: bool,
    reason: Option<&str>,
    request_id: Option<String>,
) -> Result<Organisation, AppError> {
    let org = state.db().organisation(org_id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    if org.status != OrgStatus::Pending {
        return Err(AppError::conflict("invalid_state", "only a company waiting for approval can be approved or rejected"));
    }
    if !approve && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(AppError::bad_request("reason_required", "a rejection needs a reason"));
    }
    let status = if approve { OrgStatus::Approved } else { OrgStatus::Rejected };
    let mut tx = state.db().begin_write().await?;
    tx.set_organisation_status(org_id, status, reason).await?;
    let mut ev = NewAuditEvent::new(&p.actor(), if approve { "org.approve" } else { "org.reject" }, "organisation", org_id)
        .before(json!({"status": org.status.as_str()}))
        .after(json!({"status": status.as_str(), "reason": reason}))
        .request_id(request_id);
    ev.organisation = Some(org_id.to_owned());
    tx.audit(ev).await?;
    let (ko, en) = if approve {
        (format!("{} 가입이 승인되었습니다", org.name), format!("{} has been approved", org.name))
    } else {
        (
            format!("{} 가입이 반려되었습니다: {}", org.name, reason.unwrap_or_default()),
            format!("{} was not approved: {}", org.name, reason.unwrap_or_default()),
        )
    };
    tell_org_admins(state, &mut tx, org_id, "org.decision", &ko, &en, "/account").await?;
    tx.commit().await?;
    state.db().organisation(org_id).await?.ok_or_else(|| AppError::not_found("organisation"))
}

/// Creates a one-time link and mails it.
async fn send_link(
    state: &AppState,
    tx: &mut WriteTx,
    user: &User,
    purpose: &str,
    ttl: i64,
    subject: &str,
    intro: &str,
) -> Result<(), AppError> {
    let secret = new_secret("")?;
    tx.insert_one_time_link(&secret_hash(&secret), purpose, &user.id, tx.now() + ttl).await?;
    let path = if purpose == "invite" { "/account/accept" } else { "/account/reset" };
    let body = format!("{intro}\n\n{}{path}?token={secret}\n\n— 구름 Gureum", state.public_url());
    tx.enqueue_mail(&id(), &user.email, subject, &body).await?;
    Ok(())
}

/// Invites a person into an organisation: its admin for its own organisation, or the operator
/// for any (the first admin of an organisation it created).
#[allow(clippy::too_many_arguments)]
pub async fn invite(
    state: &AppState,
    p: &Principal,
    org_id: &str,
    email: &str,
    name: &str,
    roles: &[Role],
    admin: bool,
    request_id: Option<String>,
) -> Result<User, AppError> {
    let org = state.db().organisation(org_id).await?.ok_or_else(|| AppError::not_found("organisation"))?;
    let allowed = p.has_role(Role::Operator) || (auth::Rule::OrgAdmin.check(p).is_ok() && p.org().id == org.id);
    if !allowed {
        return Err(if p.org().id == org.id {
            AppError::forbidden("forbidden", "only an admin invites people")
        } else {
            AppError::not_found("organisation")
        });
    }
    let email = Email::parse(email).ok_or_else(|| AppError::bad_request("invalid_email", "the e-mail address is not valid"))?;
    let name = required(name, "invalid_name", "the name")?;
    if roles.is_empty() || roles.iter().any(|r| !org.kind.allowed_roles().contains(r)) {
        return Err(AppError::bad_request("invalid_roles", "give roles that this kind of organisation may hold"));
    }
    if state.db().user_by_email(email.as_str()).await?.is_some() {
        return Err(AppError::conflict("email_taken", "this e-mail already has an account"));
    }
    let user = NewUser {
        id: id(),
        org_id: org.id.clone(),
        email: email.as_str().to_owned(),
        name,
        phone: None,
        password_hash: None,
        roles: roles.to_vec(),
        is_admin: admin,
        status: UserStatus::Invited,
    };
    let mut tx = state.db().begin_write().await?;
    tx.insert_user(&user).await.map_err(map_unique)?;
    let mut ev = NewAuditEvent::new(&p.actor(), "user.invite", "user", &user.id)
        .after(json!({"email": user.email, "roles": roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(), "admin": admin}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    let stored = User {
        id: user.id.clone(),
        org_id: user.org_id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        phone: None,
        password_hash: None,
        roles: user.roles.clone(),
        is_admin: admin,
        status: UserStatus::Invited,
        failed_logins: 0,
        locked_until: None,
        created_at: tx.now(),
    };
    let intro = format!(
        "{} 구름에 초대되었습니다. 아래 링크에서 비밀번호를 정하세요(7일 안).\nYou are invited to Gureum ({}). Set your password at the link below (within 7 days).",
        org.name, org.name
    );
    send_link(state, &mut tx, &stored, "invite", INVITE_LINK_MICROS, "[구름] 초대 / Invitation", &intro).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Asks for a reset link. Always succeeds, so the answer never tells whether an e-mail exists.
pub async fn request_reset(state: &AppState, email: &str, request_id: Option<String>) -> Result<(), AppError> {
    let Some(e) = Email::parse(email) else { return Ok(()) };
    let Some(user) = state.db().user_by_email(e.as_str()).await? else { return Ok(()) };
    if user.status != UserStatus::Active {
        return Ok(());
    }
    let mut tx = state.db().begin_write().await?;
    let mut ev = NewAuditEvent::new(&user.id, "auth.reset_requested", "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    let intro = "비밀번호 재설정 링크입니다(1시간 동안 한 번 쓸 수 있습니다). 요청하지 않았다면 무시하세요.\nYour password reset link (valid once, for 1 hour). Ignore this if you did not ask for it.";
    send_link(state, &mut tx, &user, "reset", RESET_LINK_MICROS, "[구름] 비밀번호 재설정 / Password reset", intro).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a password through a one-time link (`reset` or `invite`).
pub async fn use_link(
    state: &AppState,
    purpose: &str,
    token: &str,
    new_password: &str,
    request_id: Option<String>,
) -> Result<User, AppError> {
    let now = state.clock().now_micros();
    let hash_of_link = secret_hash(token.trim());
    let user = state
        .db()
        .one_time_link(&hash_of_link, purpose, now)
        .await?
        .ok_or_else(|| AppError::bad_request("invalid_link", "this link has expired or was already used; ask for a new one"))?;
    check_password(new_password)?;
    let hash = auth::hash_password(new_password.to_owned()).await?;
    let mut tx = state.db().begin_write().await?;
    if !tx.use_one_time_link(&hash_of_link, now).await? {
        tx.rollback().await?;
        return Err(AppError::bad_request("invalid_link", "this link has expired or was already used; ask for a new one"));
    }
    tx.set_password(&user.id, &hash).await?;
    tx.reset_failed_logins(&user.id).await?;
    let action = if purpose == "invite" { "user.accept_invite" } else { "auth.password_reset" };
    let mut ev = NewAuditEvent::new(&user.id, action, "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(user)
}

pub async fn change_password(
    state: &AppState,
    p: &Principal,
    current: &str,
    new: &str,
    request_id: Option<String>,
) -> Result<(), AppError> {
    let user = p.user().ok_or_else(|| AppError::forbidden("forbidden", "a machine token has no password"))?;
    let ok = match &user.password_hash {
        Some(h) => auth::verify_password(current.to_owned(), h.clone()).await,
        None => false,
    };
    if !ok {
        return Err(AppError::bad_request("wrong_password", "the current password is wrong"));
    }
    check_password(new)?;
    let hash = auth::hash_password(new.to_owned()).await?;
    let mut tx = state.db().begin_write().await?;
    tx.set_password(&user.id, &hash).await?;
    let mut ev = NewAuditEvent::new(&user.id, "auth.password_changed", "user", &user.id).request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates an API token for the caller's organisation; the secret is returned once.
pub async fn create_api_token(
    state: &AppState,
    p: &Principal,
    name: &str,
    request_id: Option<String>,
) -> Result<(gureum_storage::ApiToken, String), AppError> {
    let name = required(name, "invalid_name", "the token name")?;
    let secret = new_secret(API_TOKEN_PREFIX)?;
    let tid = id();
    let mut tx = state.db().begin_write().await?;
    tx.insert_api_token(&tid, &p.org().id, &name, &secret_hash(&secret), &p.actor()).await?;
    let mut ev = NewAuditEvent::new(&p.actor(), "api_token.create", "api_token", &tid).after(json!({"name": name})).request_id(request_id);
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    let token = state
        .db()
        .api_tokens_of(&p.org().id)
        .await?
        .into_iter()
        .find(|t| t.id == tid)
        .ok_or_else(|| AppError::internal("token vanished"))?;
    Ok((token, secret))
}

pub async fn revoke_api_token(state: &AppState, p: &Principal, token_id: &str, request_id: Option<String>) -> Result<(), AppError> {
    let mut tx = state.db().begin_write().await?;
    if !tx.revoke_api_token(&p.org().id, token_id).await? {
        tx.rollback().await?;
        return Err(AppError::not_found("api token"));
    }
    let mut ev = NewAuditEvent::new(&p.actor(), "api_token.revoke", "api_token", token_id).request_id(request_id);
    ev.organisation = Some(p.org().id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    Ok(())
}

/// The operator locks (disables) or unlocks a person's account.
pub async fn set_locked(
    state: &AppState,
    p: &Principal,
    user_id: &str,
    locked: bool,
    request_id: Option<String>,
) -> Result<User, AppError> {
    let user = state.db().user(user_id).await?.ok_or_else(|| AppError::not_found("user"))?;
    let status = if locked {
        UserStatus::Disabled
    } else if user.password_hash.is_some() {
        UserStatus::Active
    } else {
        UserStatus::Invited
    };
    let mut tx = state.db().begin_write().await?;
    tx.set_user_status(user_id, status).await?;
    if !locked {
        tx.reset_failed_logins(user_id).await?;
    }
    let mut ev = NewAuditEvent::new(&p.actor(), if locked { "user.lock" } else { "user.unlock" }, "user", user_id)
        .before(json!({"status": user.status.as_str()}))
        .after(json!({"status": status.as_str()}))
        .request_id(request_id);
    ev.organisation = Some(user.org_id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    state.db().user(user_id).await?.ok_or_else(|| AppError::not_found("user"))
}

/// The operator creates an organisation of a kind that does not sign up itself; it is approved
/// at once, and its first admin is then invited.
pub async fn create_organisation(
    state: &AppState,
    p: &Principal,
    kind: &str,
    name: &str,
    business_number: Option<&str>,
    request_id: Option<String>,
) -> Result<Organisation, AppError> {
    let kind = OrgKind::parse(kind).ok_or_else(|| AppError::bad_request("invalid_kind", "unknown organisation kind"))?;
    if kind.self_service() {
        return Err(AppError::bad_request("invalid_kind", "suppliers and SMEs sign up themselves"));
    }
    let name = required(name, "invalid_name", "the name")?;
    let bn = match business_number.filter(|b| !b.trim().is_empty()) {
        Some(b) => {
            Some(BusinessNumber::parse(b).map_err(|e| AppError::bad_request("invalid_business_number", e.to_string()))?.digits().to_owned())
        }
        None => None,
    };
    let org = NewOrganisation {
        id: id(),
        kind,
        name,
        business_number: bn,
        supplier_id: None,
        status: OrgStatus::Approved,
        registration_doc: None,
        representative: None,
        address: None,
        phone: None,
        contact_email: None,
        privacy_consent: false,
    };
    let mut tx = state.db().begin_write().await?;
    tx.insert_organisation(&org).await.map_err(map_unique)?;
    let mut ev = NewAuditEvent::new(&p.actor(), "org.create", "organisation", &org.id)
        .after(json!({"kind": kind.as_str(), "name": org.name, "business_number": org.business_number}))
        .request_id(request_id);
    ev.organisation = Some(org.id.clone());
    tx.audit(ev).await?;
    tx.commit().await?;
    state.db().organisation(&org.id).await?.ok_or_else(|| AppError::internal("organisation vanished"))
}
