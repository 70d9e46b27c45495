//! `/account`: my profile and organisation (with its approval state), my password, my
//! notifications.

use super::{FormData, FormErrors, check_csrf, notice, redirect, request_id, require};
use crate::auth::{Principal, Rule};
use crate::error::{AppError, Code};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::{accounts, profile};
use gureum_domain::clock::seoul_minute;
use gureum_storage::OrgStatus;

/// How many notifications the page lists.
const NOTIFICATIONS: i64 = 50;

pub struct NotificationView {
    pub id: String,
    pub message: String,
    pub link: Option<String>,
    pub at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountTpl {
    layout: Layout,
    name: String,
    email: String,
    phone: String,
    roles: Vec<&'static str>,
    admin: bool,
    org_name: String,
    org_kind: &'static str,
    status: &'static str,
    pending: bool,
    reason: Option<String>,
    company_admin: bool,
    notifications: Vec<NotificationView>,
    unread: i64,
    errs: FormErrors,
    notice: Option<&'static str>,
}

pub(crate) fn status_label(ctx: &Ctx, s: OrgStatus) -> &'static str {
    match s {
        OrgStatus::Pending => ctx.lang.pick("승인 대기 중", "Waiting for approval"),
        OrgStatus::Approved => ctx.lang.pick("승인됨", "Approved"),
        OrgStatus::Rejected => ctx.lang.pick("반려됨", "Not approved"),
    }
}

async fn page(state: &AppState, ctx: &Ctx, p: &Principal, errs: FormErrors, status: StatusCode) -> Response {
    let Some(user) = p.user() else { return ctx.error(&AppError::new(Code::Forbidden, "a person only")) };
    let org = p.org();
    let (list, unread) = match (state.db().notifications_of(&user.id, NOTIFICATIONS).await, state.db().unread_notifications(&user.id).await)
    {
        (Ok(l), Ok(n)) => (l, n),
        (Err(e), _) | (_, Err(e)) => return ctx.error(&AppError::from(e)),
    };
    let notifications = list
        .into_iter()
        .map(|n| NotificationView {
            message: ctx.lang.pick(&n.message_ko, &n.message_en).to_owned(),
            link: n.link.filter(|l| super::safe_next(l) == *l),
            at: seoul_minute(n.created_at),
            unread: n.read_at.is_none(),
            id: n.id,
        })
        .collect();
    let tpl = AccountTpl {
        layout: ctx.layout(ctx.t("account.title"), Section::Desk),
        name: user.name.clone(),
        email: user.email.clone(),
        phone: user.phone.clone().unwrap_or_default(),
        roles: user.roles.iter().map(|r| ctx.lang.pick(r.label_ko(), r.label_en())).collect(),
        admin: user.is_admin,
        org_name: org.name.clone(),
        org_kind: ctx.lang.pick(org.kind.label_ko(), org.kind.label_en()),
        status: status_label(ctx, org.status),
        pending: org.status == OrgStatus::Pending,
        reason: org.status_reason.clone().filter(|_| org.status == OrgStatus::Rejected),
        company_admin: user.is_admin && org.status == OrgStatus::Approved,
        notifications,
        unread,
        errs,
        notice: notice(ctx),
    };
    ctx.render(status, &tpl)
}

pub async fn account(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::Person) {
        Ok(p) => p,
        Err(r) => return r,
    };
    page(&state, &ctx, p, FormErrors::default(), StatusCode::OK).await
}

pub async fn change_password(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::Person) {
        Ok(p) => p,
        Err(r) => return r,
    };
    if form.get("new_password") != form.get("new_password_confirm") {
        let e = AppError::new(Code::PasswordMismatch, "the two new passwords differ");
        return page(&state, &ctx, p, FormErrors::one(ctx.lang, "new_password_confirm", &e), e.status).await;
    }
    match accounts::change_password(&state, p, form.get("current_password"), form.get("new_password"), request_id(&headers))
        .await
        .map_err(AppError::from)
    {
        // The person's other sessions ended with the change; this one goes on.
        Ok(()) => redirect("/account?done=password_changed"),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let field = if e.code == "wrong_password" { "current_password" } else { "new_password" };
            page(&state, &ctx, p, FormErrors::one(ctx.lang, field, &e), e.status).await
        }
        Err(e) => ctx.error(&e),
    }
}

pub async fn mark_read(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::Person) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = Some(form.get("id")).filter(|v| !v.is_empty());
    match profile::mark_read(&state, p, id, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => redirect("/account?done=read#notifications"),
        Err(e) => ctx.error(&e),
    }
}
