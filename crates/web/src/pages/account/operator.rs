//! The operator's account desk (운영기관): `/operator` (the hub), `/operator/users` (every person,
//! with locks) and `/operator/documents/{sha256}` (a registration certificate). The auditor reads
//! these pages too, without their forms; the organisations live in `operator_orgs.rs`.

use super::org::user_status_label;
use super::{checked_form, notice, redirect, request_id, require};
use crate::auth::{AUDIT_READERS, OPERATOR, Principal, Rule};
use crate::error::{AppError, Code};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::pages::links::{self, Pager};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gureum_app::accounts;
use gureum_app::masking::contact_for;
use gureum_domain::account::Role;
use gureum_storage::{OrgStatus, UserStatus};

pub use super::operator_orgs::{approve, create_organisation, invite, organisation, organisations, reject, remove, set_agency_kind};

/// Rows per page of the operator's lists.
pub const PER_PAGE: u32 = 50;

/// The `page` of a list's query (from 1).
pub fn page_of(ctx: &Ctx) -> u32 {
    ctx.pairs()
        .into_iter()
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.parse::<u32>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1)
        .min(100_000)
}

/// The query's `q`, trimmed.
pub fn q_of(ctx: &Ctx) -> String {
    ctx.pairs().into_iter().find(|(k, _)| k == "q").map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
}

/// This list's address without its `done` message, for the forms to come back to.
pub fn back_of(ctx: &Ctx) -> String {
    let kept: Vec<(String, String)> = ctx.pairs().into_iter().filter(|(k, _)| k != "done" && k != "lang").collect();
    links::href(&ctx.path, &kept)
}

/// Where a form of a list comes back to, with what it did: the form's `back` when it is under
/// `prefix`, else `prefix`.
pub fn back_with(back: &str, prefix: &str, done: &str) -> String {
    let back = super::safe_next(back);
    let base = if back == prefix || back.starts_with(&format!("{prefix}?")) || back.starts_with(&format!("{prefix}/")) {
        back
    } else {
        prefix.to_owned()
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}done={done}")
}

pub fn is_operator(p: &Principal) -> bool {
    p.has_role(Role::Operator)
}

#[derive(Template)]
#[template(path = "account/operator_hub.html")]
struct HubTpl {
    layout: Layout,
    pending: usize,
    people: i64,
    notice: Option<&'static str>,
    index: IndexState,
    /// Operators may rebuild; auditors read.
    can_rebuild: bool,
}

/// The search index of this instance, as the operator's desk shows it.
struct IndexState {
    generation: String,
    documents: u64,
    applied: i64,
    head: i64,
    rebuilding: bool,
}

pub async fn hub(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(r) = require(&ctx, Rule::AnyRole(AUDIT_READERS)) {
        return r;
    }
    let pending = match state.db().organisations(Some(OrgStatus::Pending)).await {
        Ok(o) => o.len(),
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let people = match state.db().search_user_ids("", 0, 1).await {
        Ok(p) => p.total,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let head = match state.db().max_change_seq().await {
        Ok(h) => h,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let sync = state.sync();
    let index = IndexState {
        generation: sync.generation(),
        documents: sync.index().doc_count(),
        applied: sync.index().applied_seq().unwrap_or(0),
        head,
        rebuilding: sync.is_rebuilding(),
    };
    let can_rebuild = ctx.viewer.as_ref().is_some_and(is_operator);
    let tpl =
        HubTpl { layout: ctx.layout(ctx.t("operator.title"), Section::Desk), pending, people, notice: notice(&ctx), index, can_rebuild };
    ctx.render(StatusCode::OK, &tpl)
}

/// The operator rebuilds this instance's search index beside the live one; searches keep
/// answering from the live generation until the new one is swapped in.
pub async fn rebuild_index(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let (_, p) = match checked_form(&ctx, &headers, &body, Rule::AnyRole(OPERATOR)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    let generation = state.sync().generation();
    if state.sync().is_rebuilding() {
        return ctx.error(&AppError::new(Code::RebuildRunning, "a rebuild of the search index is already running"));
    }
    let ev = gureum_storage::NewAuditEvent::new(&p.actor(), "search.rebuild", "search_index", &generation).request_id(request_id(&headers));
    let recorded = async {
        let mut tx = state.db().begin_write().await?;
        tx.audit(ev).await?;
        tx.commit().await
    };
    if let Err(e) = recorded.await {
        return ctx.error(&AppError::from(e));
    }
    if !state.sync().start_rebuild() {
        return ctx.error(&AppError::new(Code::RebuildRunning, "a rebuild of the search index is already running"));
    }
    redirect("/operator?done=rebuilding")
}

pub struct UserRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub org_id: String,
    pub org: String,
    pub kind: &'static str,
    pub roles: String,
    pub status: &'static str,
    pub locked: bool,
    pub me: bool,
}

#[derive(Template)]
#[template(path = "account/operator_users.html")]
struct UsersTpl {
    layout: Layout,
    rows: Vec<UserRow>,
    total: i64,
    q: String,
    back: String,
    operator: bool,
    pager: Option<Pager>,
    notice: Option<&'static str>,
}

pub async fn users(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::AnyRole(AUDIT_READERS)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (q, page) = (q_of(&ctx), page_of(&ctx));
    let found = match state.db().search_user_ids(&q, i64::from(page - 1) * i64::from(PER_PAGE), i64::from(PER_PAGE)).await {
        Ok(f) => f,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let now = state.clock().now_micros();
    let me = p.user().map(|u| u.id.clone()).unwrap_or_default();
    let mut rows = Vec::new();
    let mut orgs = std::collections::HashMap::new();
    for id in &found.ids {
        let user = match state.db().user(id).await {
            Ok(Some(u)) => u,
            Ok(None) => continue,
            Err(e) => return ctx.error(&AppError::from(e)),
        };
        if !orgs.contains_key(&user.org_id) {
            match state.db().organisation(&user.org_id).await {
                Ok(Some(o)) => {
                    orgs.insert(user.org_id.clone(), o);
                }
                Ok(None) => continue,
                Err(e) => return ctx.error(&AppError::from(e)),
            }
        }
        let Some(org) = orgs.get(&user.org_id) else { continue };
        let c = contact_for(Some(p), &user);
        rows.push(UserRow {
            id: user.id.clone(),
            name: user.name.clone(),
            email: c.email,
            phone: c.phone,
            org_id: org.id.clone(),
            org: org.name.clone(),
            kind: ctx.lang.pick(org.kind.label_ko(), org.kind.label_en()),
            roles: user.roles.iter().map(|r| ctx.lang.pick(r.label_ko(), r.label_en())).collect::<Vec<_>>().join(", "),
            status: user_status_label(&ctx, &user, now),
            locked: user.status == UserStatus::Disabled || user.locked_until.is_some_and(|t| t > now),
            me: user.id == me,
        });
    }
    let pairs: Vec<(String, String)> = ctx.pairs().into_iter().filter(|(k, _)| k != "done").collect();
    let tpl = UsersTpl {
        layout: ctx.layout(ctx.t("users.title"), Section::Desk),
        rows,
        total: found.total,
        q,
        back: back_of(&ctx),
        operator: is_operator(p),
        pager: links::pager(&ctx.path, &pairs, page, u64::try_from(found.total).unwrap_or(0), PER_PAGE),
        notice: notice(&ctx),
    };
    ctx.render(StatusCode::OK, &tpl)
}

async fn set_lock(state: AppState, ctx: Ctx, headers: HeaderMap, id: String, body: Bytes, locked: bool) -> Response {
    let (form, p) = match checked_form(&ctx, &headers, &body, Rule::AnyRole(OPERATOR)) {
        Ok(v) => v,
        Err(r) => return r,
    };
    if locked && p.user().is_some_and(|u| u.id == id) {
        return ctx.error(&AppError::new(Code::CannotLockSelf, "an operator does not lock its own account"));
    }
    match accounts::set_locked(&state, p, &id, locked, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => redirect(&back_with(form.get("back"), "/operator/users", if locked { "locked" } else { "unlocked" })),
        Err(e) => ctx.error(&e),
    }
}

pub async fn lock(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    set_lock(state, ctx, headers, id, body, true).await
}

pub async fn unlock(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    set_lock(state, ctx, headers, id, body, false).await
}

/// A stored document by its SHA-256, with the media type recorded when it was uploaded; the
/// browser is told to save it, never to guess its type.
pub async fn document(State(state): State<AppState>, ctx: Ctx, Path(sha): Path<String>) -> Response {
    if let Err(r) = require(&ctx, Rule::AnyRole(OPERATOR)) {
        return r;
    }
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()) {
        return ctx.error(&AppError::not_found("document"));
    }
    let media = match state.db().document_media_type(&sha).await {
        Ok(Some(m)) => m,
        Ok(None) => return ctx.error(&AppError::not_found("document")),
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let store = state.documents().clone();
    let key = sha.clone();
    let bytes = match tokio::task::spawn_blocking(move || store.get(&key)).await {
        Ok(Ok(b)) => b,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => return ctx.error(&AppError::not_found("document")),
        Ok(Err(e)) => return ctx.error(&AppError::internal(e)),
        Err(e) => return ctx.error(&AppError::internal(e)),
    };
    let ext = match media.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        "image/jpeg" => "jpg",
        "image/gif" => "gif",
        "image/webp" => "webp",
        _ => "bin",
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_str(&media).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"registration-{}.{ext}\"", &sha[..12])) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_back_to_themselves() {
        assert_eq!(back_with("/operator/users?q=kim&page=2", "/operator/users", "locked"), "/operator/users?q=kim&page=2&done=locked");
        assert_eq!(back_with("", "/operator/users", "locked"), "/operator/users?done=locked");
        assert_eq!(back_with("https://evil.example/", "/operator/users", "locked"), "/operator/users?done=locked");
        assert_eq!(back_with("/account", "/operator/organisations", "approved"), "/operator/organisations?done=approved");
        assert_eq!(
            back_with("/operator/organisations/abc", "/operator/organisations", "approved"),
            "/operator/organisations/abc?done=approved"
        );
        assert_eq!(back_with("/operator/usersx", "/operator/users", "x"), "/operator/users?done=x");
    }
}
