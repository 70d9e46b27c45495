//! The operator's debarments of a supplier (부정당업자 제재): the list and the form. The auditor
//! reads the list.

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
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::debarments::{self, DebarmentInput};
use gureum_domain::account::Role;
use gureum_domain::clock::{format_date, seoul_minute};

const READERS: &[Role] = &[Role::Operator, Role::Auditor];

pub struct DebarmentRow {
    pub from: String,
    pub to: String,
    pub reason: String,
    pub at: String,
    pub in_force: bool,
}

#[derive(Template)]
#[template(path = "review/debarments.html")]
struct DebarmentsTpl {
    layout: Layout,
    w: Words,
    csrf: String,
    supplier_id: String,
    supplier_name: String,
    rows: Vec<DebarmentRow>,
    can_debar: bool,
    from: String,
    to: String,
    reason: String,
    notice: Option<&'static str>,
    problem: Option<Problem>,
}

async fn render(state: &AppState, ctx: &Ctx, d: &Desk, id: &str, status: StatusCode, refused: Option<(AppError, FormData)>) -> Response {
    let w = Words(ctx.lang);
    let list = match debarments::debarments(state, &d.p, id).await {
        Ok(l) => l,
        Err(e) => return ctx.error(&e.into()),
    };
    let supplier = match gureum_app::catalog::supplier(state, id).await {
        Ok((s, _)) => s,
        Err(e) => return ctx.error(&e.into()),
    };
    let today = state.clock().today();
    let (posted, problem) = match refused {
        Some((e, f)) => (f, Some(Problem::new(ctx, "debar", &e, |_| None))),
        None => (FormData::default(), None),
    };
    let tpl = DebarmentsTpl {
        layout: ctx.layout(format!("{} — {}", w.t("rv.debar.title"), supplier.name), Section::Desk),
        w,
        csrf: d.csrf.clone(),
        supplier_id: supplier.id.clone(),
        supplier_name: supplier.name.clone(),
        rows: list
            .iter()
            .map(|x| DebarmentRow {
                from: format_date(x.period.from),
                to: format_date(x.period.to),
                reason: x.reason.clone(),
                at: seoul_minute(x.created_at),
                in_force: x.period.active_on(today),
            })
            .collect(),
        can_debar: d.p.has_role(Role::Operator),
        from: posted.get("from").to_owned(),
        to: posted.get("to").to_owned(),
        reason: posted.get("reason").to_owned(),
        notice: if problem.is_none() { done_notice(ctx) } else { None },
        problem,
    };
    ctx.render(status, &tpl)
}

pub async fn list(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match desk(&ctx, READERS) {
        Ok(d) => render(&state, &ctx, &d, &id, StatusCode::OK, None).await,
        Err(r) => r,
    }
}

pub async fn debar(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let d = match desk(&ctx, crate::auth::OPERATOR) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let input = DebarmentInput { from: Some(form.get("from")), to: Some(form.get("to")), reason: Some(form.get("reason")) };
    match debarments::debar(&state, &d.p, &id, &input, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/operator/suppliers/{id}/debarments?done=debarred")),
        Err(e) if e.status == StatusCode::NOT_FOUND => ctx.error(&e),
        Err(e) => render(&state, &ctx, &d, &id, e.status, Some((e, form))).await,
    }
}
