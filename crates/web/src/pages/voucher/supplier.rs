//! `/supplier/vouchers`: the supplier offers one of its listed services to an open programme's
//! pool (its admin; a service needs a certification valid today), follows its offers and the
//! operator's decisions, and sees the vouchers used on its services (the claims against its pool
//! entries), each claim's page taking a refund report after a reimbursement.

use super::{Problem, Refused, W};
use crate::auth::{Principal, Rule, SUPPLIER, request_id};
use crate::error::AppError;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::voucher::{ClaimView, PoolEntryView, ProgrammeView, claims, pool, programmes};
use serde_json::json;

#[derive(Template)]
#[template(path = "voucher/supplier.html")]
struct DeskTpl {
    layout: Layout,
    w: W,
    programmes: Vec<ProgrammeView>,
    /// The open programmes an offer may go to.
    open: Vec<ProgrammeView>,
    /// (id, name) of the supplier's listed services.
    services: Vec<(String, String)>,
    entries: Vec<PoolEntryView>,
    claims: Vec<ClaimView>,
    done: bool,
    r: Refused,
}

impl DeskTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn programme_name(&self, id: &str) -> String {
        self.programmes.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default()
    }

    fn service_name(&self, c: &ClaimView) -> String {
        self.entries.iter().find(|e| e.id == c.voucher_service_id).map(|e| e.name.clone()).unwrap_or_else(|| c.service_id.clone())
    }
}

async fn render(state: &AppState, ctx: &Ctx, p: &Principal, status: StatusCode, r: Refused) -> Response {
    let w = W(ctx.lang);
    let loaded = async {
        let programmes = programmes::list(state).await?;
        let entries = pool::entries(state, p).await?;
        let claims = claims::list(state, p, None).await?;
        let services = match p.org().supplier_id.as_deref() {
            Some(sid) => {
                gureum_app::catalog::supplier(state, sid).await?.1.into_iter().map(|h| (h.id, format!("{} ({})", h.name, h.code))).collect()
            }
            None => Vec::new(),
        };
        Ok::<_, gureum_app::Error>((programmes, entries, claims, services))
    };
    let (programmes, entries, claims, services) = match loaded.await {
        Ok(l) => l,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let open = programmes.iter().filter(|p| p.open).cloned().collect();
    let done = r.problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done");
    let tpl = DeskTpl { layout: ctx.layout(w.t("sup.title"), Section::Desk), w, programmes, open, services, entries, claims, done, r };
    ctx.render(status, &tpl)
}

pub async fn desk(State(state): State<AppState>, ctx: Ctx) -> Response {
    match require(&ctx, Rule::AnyRole(SUPPLIER)) {
        Ok(p) => render(&state, &ctx, p, StatusCode::OK, Refused::none()).await,
        Err(r) => r,
    }
}

/// Offers a service to a programme's pool.
pub async fn offer(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::AnyRole(SUPPLIER)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let programme = form.get("programme_id").to_owned();
    let body = json!({"service_id": form.get("service_id")});
    match pool::offer(&state, p, &programme, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other("/supplier/vouchers?done=1"),
        Err(e) if e.status == StatusCode::FORBIDDEN => ctx.error(&e),
        Err(e) => {
            let mut problem = Problem::new(ctx.lang, "offer", &e);
            if problem.field.is_empty() {
                problem.field = if e.message.contains("programme") { "programme_id".into() } else { "service_id".into() };
            }
            render(&state, &ctx, p, e.status, Refused { problem: Some(problem), draft: form }).await
        }
    }
}
