//! `/vouchers` (every programme with its settings and totals granted, reimbursed and settled)
//! and `/vouchers/{id}` (one programme and its pool of approved services, each linking to its
//! service page). Public: no company's applications or claims.

use super::W;
use crate::error::AppError;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use gureum_app::voucher::{PoolEntryView, ProgrammeView, pool, programmes};

#[derive(Template)]
#[template(path = "voucher/programmes.html")]
struct ListTpl {
    layout: Layout,
    w: W,
    programmes: Vec<ProgrammeView>,
}

impl ListTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn costs(&self, p: &ProgrammeView) -> String {
        p.cost_types.iter().map(|c| self.w.of("ct", c)).collect::<Vec<_>>().join(", ")
    }
}

pub async fn list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let w = W(ctx.lang);
    let programmes = match programmes::list(&state).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let tpl = ListTpl { layout: ctx.layout(w.t("title"), Section::None), w, programmes };
    ctx.render(StatusCode::OK, &tpl)
}

#[derive(Template)]
#[template(path = "voucher/programme.html")]
struct ProgrammeTpl {
    layout: Layout,
    w: W,
    p: ProgrammeView,
    pool: Vec<PoolEntryView>,
}

impl ProgrammeTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn costs(&self) -> String {
        self.p.cost_types.iter().map(|c| self.w.of("ct", c)).collect::<Vec<_>>().join(", ")
    }
}

pub async fn programme(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let w = W(ctx.lang);
    let p = match programmes::get(&state, &id).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let pool = match pool::approved(&state, &p.id).await {
        Ok(p) => p,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let tpl = ProgrammeTpl { layout: ctx.layout(p.name.clone(), Section::None), w, p, pool };
    ctx.render(StatusCode::OK, &tpl)
}
