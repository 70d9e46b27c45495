//! An organisation admin's pages: `/account/people` (its people, invitations, roles) and
//! `/account/tokens` (API tokens for machines: created and shown once, listed, revoked).

use super::{FormData, FormErrors, check_csrf, notice, private, redirect, request_id, require};
use crate::auth::{Client, Principal, Rule};
use crate::error::{AppError, Code, with_retry_after};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::masking::contact_for;
use gureum_app::{accounts, profile};
use gureum_domain::account::Role;
use gureum_domain::clock::{format_date, seoul_minute};
use gureum_storage::{User, UserStatus};

/// A role checkbox of a form.
pub struct RoleOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

pub fn role_options(lang: crate::i18n::Lang, allowed: &[Role], checked: &[Role]) -> Vec<RoleOption> {
    allowed
        .iter()
        .map(|r| RoleOption { value: r.as_str(), label: lang.pick(r.label_ko(), r.label_en()), checked: checked.contains(r) })
        .collect()
}

/// The roles a form named, unknown names refused.
pub fn roles_of(form: &FormData) -> Result<Vec<Role>, AppError> {
    form.all("roles")
        .into_iter()
        .map(|r| Role::parse(r).ok_or_else(|| AppError::new(Code::InvalidRoles, format!("unknown role {r:?}"))))
        .collect()
}

pub fn user_status_label(ctx: &Ctx, u: &User, now: i64) -> &'static str {
    match u.status {
        UserStatus::Invited => ctx.lang.pick("초대됨 (비밀번호 설정 전)", "Invited (no password yet)"),
        UserStatus::Disabled => ctx.lang.pick("잠김 (운영기관)", "Locked by the operator"),
        UserStatus::Active if u.locked_until.is_some_and(|t| t > now) => ctx.lang.pick("잠김 (로그인 실패)", "Locked (failed logins)"),
        UserStatus::Active => ctx.lang.pick("사용 중", "Active"),
    }
}

pub struct PersonRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub roles: String,
    pub admin: bool,
    pub status: &'static str,
    pub me: bool,
    pub role_opts: Vec<RoleOption>,
}

/// What the invitation form held, kept on an error.
#[derive(Default)]
pub struct InviteValues {
    pub email: String,
    pub name: String,
    pub admin: bool,
}

#[derive(Template)]
#[template(path = "account/people.html")]
struct PeopleTpl {
    layout: Layout,
    org_name: String,
    people: Vec<PersonRow>,
    role_opts: Vec<RoleOption>,
    v: InviteValues,
    errs: FormErrors,
    notice: Option<&'static str>,
}

async fn people_page(
    state: &AppState,
    ctx: &Ctx,
    p: &Principal,
    v: InviteValues,
    checked: &[Role],
    errs: FormErrors,
    status: StatusCode,
) -> Response {
    let org = p.org();
    let users = match state.db().users_of(&org.id).await {
        Ok(u) => u,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let now = state.clock().now_micros();
    let me = p.user().map(|u| u.id.clone()).unwrap_or_default();
    let allowed = org.kind.allowed_roles();
    let people = users
        .iter()
        .map(|u| {
            let c = contact_for(Some(p), u);
            PersonRow {
                id: u.id.clone(),
                name: u.name.clone(),
                email: c.email,
                phone: c.phone,
                roles: u.roles.iter().map(|r| ctx.lang.pick(r.label_ko(), r.label_en())).collect::<Vec<_>>().join(", "),
                admin: u.is_admin,
                status: user_status_label(ctx, u, now),
                me: u.id == me,
                role_opts: role_options(ctx.lang, allowed, &u.roles),
            }
        })
        .collect();
    // A kind with one role: it is the only choice, checked.
    let checked: Vec<Role> = if allowed.len() == 1 { allowed.to_vec() } else { checked.to_vec() };
    let tpl = PeopleTpl {
        layout: ctx.layout(ctx.t("people.title"), Section::Desk),
        org_name: org.name.clone(),
        people,
        role_opts: role_options(ctx.lang, allowed, &checked),
        v,
        errs,
        notice: notice(ctx),
    };
    ctx.render(status, &tpl)
}

pub async fn people(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::OrgAdmin) {
        Ok(p) => p,
        Err(r) => return r,
    };
    people_page(&state, &ctx, p, InviteValues::default(), &[], FormErrors::default(), StatusCode::OK).await
}

fn invite_field(code: &str) -> &'static str {
    match code {
        "invalid_email" | "email_taken" => "email",
        "invalid_name" => "name",
        "invalid_roles" => "roles",
        _ => "",
    }
}

pub async fn invite(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, client: Client, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::OrgAdmin) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let v = InviteValues { email: form.get("email").trim().into(), name: form.get("name").trim().into(), admin: form.checked("admin") };
    let result = match roles_of(&form) {
        Ok(roles) => accounts::invite(&state, p, &p.org().id, &v.email, &v.name, &roles, v.admin, client.0, request_id(&headers))
            .await
            .map_err(AppError::from)
            .map_err(|e| (e, roles)),
        Err(e) => Err((e, Vec::new())),
    };
    match result {
        Ok(_) => redirect("/account/people?done=invited"),
        Err((e, roles)) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN && e.status != StatusCode::NOT_FOUND => {
            let errs = FormErrors::one(ctx.lang, invite_field(e.code.as_str()), &e);
            with_retry_after(people_page(&state, &ctx, p, v, &roles, errs, e.status).await, &e)
        }
        Err((e, _)) => ctx.error(&e),
    }
}

pub async fn set_roles(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::OrgAdmin) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let result = match roles_of(&form) {
        Ok(roles) => profile::set_roles(&state, p, &id, &roles, form.checked("admin"), request_id(&headers)).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => redirect("/account/people?done=roles_saved"),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let errs = FormErrors::one(ctx.lang, "", &e);
            people_page(&state, &ctx, p, InviteValues::default(), &[], errs, e.status).await
        }
        Err(e) => ctx.error(&e),
    }
}

pub struct TokenRow {
    pub id: String,
    pub name: String,
    pub scopes: String,
    pub expires_on: String,
    pub expired: bool,
    pub created_at: String,
    pub last_used_at: String,
    pub revoked_at: Option<String>,
}

/// A scope checkbox of the new-token form.
pub struct ScopeOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// What the new-token form held, kept on an error.
pub struct TokenValues {
    pub name: String,
    pub scopes: Vec<String>,
    pub expires_on: String,
}

#[derive(Template)]
#[template(path = "account/tokens.html")]
struct TokensTpl {
    layout: Layout,
    org_name: String,
    tokens: Vec<TokenRow>,
    name: String,
    /// The organisation may have machine tokens (not the operator's, not an auditor's).
    machine_tokens: bool,
    scope_opts: Vec<ScopeOption>,
    expires_on: String,
    expires_min: String,
    expires_max: String,
    errs: FormErrors,
    notice: Option<&'static str>,
}

fn scope_label(lang: crate::i18n::Lang, s: accounts::Scope) -> &'static str {
    match s {
        accounts::Scope::Read => lang.pick("read — 조회만", "read — reading only"),
        accounts::Scope::ServicesWrite => lang.pick("services:write — 서비스 등록·수정", "services:write — create and edit services"),
        accounts::Scope::UsageWrite => lang.pick("usage:write — 사용량 보고", "usage:write — report usage"),
        accounts::Scope::InvoicesWrite => lang.pick("invoices:write — 청구서", "invoices:write — invoices"),
    }
}

async fn tokens_page(state: &AppState, ctx: &Ctx, p: &Principal, v: TokenValues, errs: FormErrors, status: StatusCode) -> Response {
    let list = match state.db().api_tokens_of(&p.org().id).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let never = ctx.t("tokens.never");
    let now = state.clock().now_micros();
    let tokens = list
        .into_iter()
        .map(|t| TokenRow {
            id: t.id,
            name: t.name,
            scopes: t.scopes.join(", "),
            expires_on: t.expires_at.map(accounts::expires_on).unwrap_or_default(),
            expired: t.expires_at.is_some_and(|e| e <= now),
            created_at: seoul_minute(t.created_at),
            last_used_at: t.last_used_at.map(seoul_minute).unwrap_or_else(|| never.to_owned()),
            revoked_at: t.revoked_at.map(seoul_minute),
        })
        .collect();
    let today = state.clock().today();
    let tpl = TokensTpl {
        layout: ctx.layout(ctx.t("tokens.title"), Section::Desk),
        org_name: p.org().name.clone(),
        tokens,
        name: v.name,
        machine_tokens: accounts::machine_tokens_allowed(p.org().kind),
        scope_opts: accounts::grantable_scopes(p)
            .into_iter()
            .map(|sc| ScopeOption {
                value: sc.as_str(),
                label: scope_label(ctx.lang, sc),
                checked: v.scopes.iter().any(|c| c == sc.as_str()) || (v.scopes.is_empty() && sc == accounts::Scope::Read),
            })
            .collect(),
        expires_on: v.expires_on,
        expires_min: format_date(today + time::Duration::days(1)),
        expires_max: format_date(today.replace_year(today.year() + 2).unwrap_or(today)),
        errs,
        notice: notice(ctx),
    };
    ctx.render(status, &tpl)
}

pub async fn tokens(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::OrgAdmin) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let values = TokenValues { name: String::new(), scopes: Vec::new(), expires_on: String::new() };
    tokens_page(&state, &ctx, p, values, FormErrors::default(), StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "account/token_created.html")]
struct TokenCreatedTpl {
    layout: Layout,
    name: String,
    secret: String,
}

pub async fn create_token(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::OrgAdmin) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let v = TokenValues {
        name: form.get("name").trim().to_owned(),
        scopes: form.all("scopes").into_iter().map(str::to_owned).collect(),
        expires_on: form.get("expires_on").trim().to_owned(),
    };
    let created = accounts::create_api_token(&state, p, &v.name, &v.scopes, Some(v.expires_on.as_str()), request_id(&headers)).await;
    match created.map_err(AppError::from) {
        Ok((t, secret)) => {
            let tpl = TokenCreatedTpl { layout: ctx.layout(ctx.t("tokens.created_title"), Section::Desk), name: t.name, secret };
            private(ctx.render(StatusCode::CREATED, &tpl))
        }
        // a scope the person may not grant is shown beside the scopes
        Err(e) if e.status == StatusCode::BAD_REQUEST || e.details.as_ref().is_some_and(|d| d.contains_key("scope")) => {
            let field = match e.code.as_str() {
                "invalid_scopes" | "forbidden" => "scopes",
                "invalid_expiry" => "expires_on",
                _ => "name",
            };
            let errs = FormErrors::one(ctx.lang, field, &e);
            tokens_page(&state, &ctx, p, v, errs, e.status).await
        }
        Err(e) => ctx.error(&e),
    }
}

pub async fn revoke_token(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::OrgAdmin) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match accounts::revoke_api_token(&state, p, &id, request_id(&headers)).await.map_err(AppError::from) {
        Ok(()) => redirect("/account/tokens?done=revoked"),
        Err(e) => ctx.error(&e),
    }
}
