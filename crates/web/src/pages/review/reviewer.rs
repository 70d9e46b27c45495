//! The reviewer's declared ties (이해충돌 신고): the list and the form.

use super::Problem;
use crate::auth::request_id;
use crate::error::AppError;
use crate::pages::desk::words::Words;
use crate::pages::desk::{Desk, desk, done_notice, posted, see_other};
use crate::pages::form::FormData;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::review;
use gureum_domain::BusinessNumber;
use gureum_domain::account::Role;
use gureum_domain::clock::seoul_minute;

const REVIEWER: &[Role] = &[Role::Reviewer];

pub struct TieRow {
    pub business_number: String,
    pub reason: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "review/conflicts.html")]
struct ConflictsTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    rows: Vec<TieRow>,
    business_number: String,
    reason: String,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

async fn render(state: &AppState, ctx: &Ctx, d: &Desk, status: StatusCode, refused: Option<(AppError, FormData)>) -> Response {
    let w = Words(ctx.lang);
    let ties = match review::my_conflicts(state, &d.p).await {
        Ok(t) => t,
        Err(e) => return ctx.error(&e.into()),
    };
    let (posted, problem) = match refused {
        Some((e, f)) => (f, Some(Problem::new(ctx, "conflict", &e, |_| None))),
        None => (FormData::default(), None),
    };
    let tpl = ConflictsTpl {
        layout: ctx.layout(w.t("rv.conflicts.title"), Section::Desk),
        w,
        csrf: d.csrf.clone(),
        rows: ties
            .iter()
            .map(|t| TieRow {
                business_number: BusinessNumber::parse(&t.business_number)
                    .map(|b| b.formatted())
                    .unwrap_or_else(|_| t.business_number.clone()),
                reason: t.reason.clone(),
                at: seoul_minute(t.created_at),
            })
            .collect(),
        business_number: posted.get("business_number").to_owned(),
        reason: posted.get("reason").to_owned(),
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

pub async fn conflicts(State(state): State<AppState>, ctx: Ctx) -> Response {
    match desk(&ctx, REVIEWER) {
        Ok(d) => render(&state, &ctx, &d, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

pub async fn declare(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let d = match desk(&ctx, REVIEWER) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let result =
        review::declare_conflict(&state, &d.p, Some(form.get("business_number")), Some(form.get("reason")), request_id(&headers)).await;
    match result.map_err(AppError::from) {
        Ok(_) => see_other("/reviewer/conflicts?done=declared"),
        Err(e) => render(&state, &ctx, &d, e.status, Some((e, form))).await,
    }
}
