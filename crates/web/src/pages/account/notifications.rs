//! `/notifications`: the signed-in person's notifications, newest first, a page at a time (only
//! the unread ones when asked), each linking to the page it is about, with a "mark read" form per
//! unread one and "mark all read" (POST forms with `_csrf`, no JavaScript).

use super::{check_csrf, notice, redirect, request_id, require, safe_next};
use crate::auth::Rule;
use crate::error::AppError;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::pages::links::{self, Pager};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::notifications::{self, parse_query};
use gureum_domain::clock::seoul_minute;

pub struct Item {
    pub id: String,
    pub message: String,
    /// The page it is about, when it is one of this site.
    pub link: Option<String>,
    pub at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "account/notifications.html")]
struct NotificationsTpl {
    layout: Layout,
    items: Vec<Item>,
    unread: i64,
    total: i64,
    unread_only: bool,
    /// Where the forms come back to (this page with its query).
    back: String,
    pager: Option<Pager>,
    notice: Option<&'static str>,
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match require(&ctx, Rule::Person) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let pairs = ctx.pairs();
    let q = match parse_query(&pairs) {
        Ok(q) => q,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let page = match notifications::list(&state, p, q).await {
        Ok(page) => page,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let items = page
        .items
        .into_iter()
        .map(|n| Item {
            message: ctx.lang.pick(&n.message_ko, &n.message_en).to_owned(),
            link: n.link.filter(|l| safe_next(l) == *l),
            at: seoul_minute(n.created_at),
            unread: n.read_at.is_none(),
            id: n.id,
        })
        .collect();
    let kept: Vec<(String, String)> = pairs.iter().filter(|(k, _)| k != "done" && k != "lang").cloned().collect();
    let back = links::href("/notifications", &kept);
    let tpl = NotificationsTpl {
        layout: ctx.layout(ctx.t("account.notifications"), Section::Desk),
        items,
        unread: page.unread,
        total: page.total,
        unread_only: q.unread_only,
        back,
        pager: links::pager(&ctx.path, &kept, page.page, u64::try_from(page.total).unwrap_or(0), page.per_page),
        notice: notice(&ctx),
    };
    ctx.render(StatusCode::OK, &tpl)
}

/// Back to the list the form was on, with the confirmation.
fn back_to(form_back: &str) -> Response {
    let back = match safe_next(form_back) {
        b if b.starts_with("/notifications") => b,
        _ => "/notifications".to_owned(),
    };
    let sep = if back.contains('?') { '&' } else { '?' };
    redirect(&format!("{back}{sep}done=read"))
}

/// Marks every notification of the person read.
pub async fn read_all(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let form = super::FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::Person) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match notifications::mark_all_read(&state, p, request_id(&headers)).await {
        Ok(_) => back_to(form.get("back")),
        Err(e) => ctx.error(&AppError::from(e)),
    }
}

/// Marks one notification of the person read (another person's is the 404 page).
pub async fn read_one(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let form = super::FormData::parse(&body);
    if let Err(r) = check_csrf(&ctx, &headers, form.csrf()) {
        return r;
    }
    let p = match require(&ctx, Rule::Person) {
        Ok(p) => p,
        Err(r) => return r,
    };
    match notifications::mark_one_read(&state, p, &id, request_id(&headers)).await {
        Ok(()) => back_to(form.get("back")),
        Err(e) => ctx.error(&AppError::from(e)),
    }
}
