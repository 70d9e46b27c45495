//! The operator's voucher desk: `/operator/vouchers` (each programme's budget granted,
//! reimbursed and settled; the form to create one; the pool's pending offers to approve or
//! reject; the applications side by side with a select or reject form per row; the claims) and
//! `/operator/vouchers/flags` (every fraud flag with its evidence).

use super::{Problem, Refused, W, stays_on_form, won_value};
use crate::auth::{OPERATOR, Principal, Rule, request_id};
use crate::error::AppError;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::require;
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::voucher::flags::FlagView;
use gureum_app::voucher::{ApplicationView, ClaimView, PoolEntryView, ProgrammeView, applications, claims, flags, pool, programmes};
use gureum_domain::voucher::PoolAction;
use serde_json::json;

#[derive(Template)]
#[template(path = "voucher/operator.html")]
struct DeskTpl {
    layout: Layout,
    w: W,
    programmes: Vec<ProgrammeView>,
    offers: Vec<PoolEntryView>,
    applications: Vec<ApplicationView>,
    claims: Vec<ClaimView>,
    /// The programme the applications are filtered to ("" for all).
    programme: String,
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

    fn company_of(&self, c: &ClaimView) -> String {
        self.applications
            .iter()
            .find(|a| a.company_id == c.company_id)
            .map(|a| a.company_name.clone())
            .unwrap_or_else(|| c.company_id.clone())
    }

    fn size(&self, a: &ApplicationView) -> String {
        a.company_size.as_deref().map(|s| self.w.of("size", s)).unwrap_or_else(|| "-".into())
    }

    fn checked(&self, cost: &str) -> bool {
        if self.r.on_form("create") { self.r.draft.all("cost_types").contains(&cost) } else { true }
    }
}

#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
fn operator(ctx: &Ctx) -> Result<&Principal, Response> {
    require(ctx, Rule::AnyRole(OPERATOR))
}

async fn render(state: &AppState, ctx: &Ctx, p: &Principal, status: StatusCode, r: Refused) -> Response {
    let w = W(ctx.lang);
    let programme = ctx.pairs().into_iter().find(|(k, _)| k == "programme").map(|(_, v)| v).unwrap_or_default();
    let loaded = async {
        let programmes = programmes::list(state).await?;
        let offers: Vec<PoolEntryView> = pool::entries(state, p).await?.into_iter().filter(|e| e.status == "pending").collect();
        let applications = applications::list(state, p, Some(&programme)).await?;
        let claims = claims::list(state, p, None).await?;
        Ok::<_, gureum_app::Error>((programmes, offers, applications, claims))
    };
    let (programmes, offers, applications, claims) = match loaded.await {
        Ok(l) => l,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let done = r.problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done");
    let tpl =
        DeskTpl { layout: ctx.layout(w.t("op.title"), Section::Desk), w, programmes, offers, applications, claims, programme, done, r };
    ctx.render(status, &tpl)
}

pub async fn desk(State(state): State<AppState>, ctx: Ctx) -> Response {
    match operator(&ctx) {
        Ok(p) => render(&state, &ctx, p, StatusCode::OK, Refused::none()).await,
        Err(r) => r,
    }
}

/// Creates a programme from the form.
pub async fn create(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, body: Bytes) -> Response {
    let p = match operator(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = json!({
        "name": form.get("name"),
        "year": won_value(form.get("year")),
        "total_budget_krw": won_value(form.get("total_budget_krw")),
        "company_cap_krw": won_value(form.get("company_cap_krw")),
        "government_share_pct": won_value(form.get("government_share_pct")),
        "cost_types": form.all("cost_types"),
        "apply_from": form.get("apply_from"),
        "apply_to": form.get("apply_to"),
        "use_until": form.get("use_until"),
    });
    match programmes::create(&state, p, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other("/operator/vouchers?done=1"),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, "create", &e);
            render(&state, &ctx, p, e.status, Refused { problem: Some(problem), draft: form }).await
        }
    }
}

/// Approves or rejects a pool offer.
pub async fn pool(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let p = match operator(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let action = match action.as_str() {
        "approve" => PoolAction::Approve,
        "reject" => PoolAction::Reject,
        _ => return ctx.error(&AppError::not_found("page")),
    };
    let body = json!({"reason": form.get("reason")});
    match pool::decide(&state, p, &id, action, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other("/operator/vouchers?done=1#offers-title"),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, format!("pool-{id}"), &e);
            render(&state, &ctx, p, e.status, Refused { problem: Some(problem), draft: form }).await
        }
    }
}

/// Selects (a granted amount) or rejects (a reason) an application.
pub async fn application(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let p = match operator(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(&headers);
    let done = match action.as_str() {
        "select" => {
            applications::select(&state, p, &id, &json!({"granted_krw": won_value(form.get("granted_krw"))}), rid).await.map(|_| ())
        }
        "reject" => applications::reject(&state, p, &id, &json!({"reason": form.get("reason")}), rid).await.map(|_| ()),
        _ => return ctx.error(&AppError::not_found("page")),
    };
    match done.map_err(AppError::from) {
        Ok(()) => see_other("/operator/vouchers?done=1#applications-title"),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, format!("app-{id}"), &e);
            render(&state, &ctx, p, e.status, Refused { problem: Some(problem), draft: form }).await
        }
    }
}

#[derive(Template)]
#[template(path = "voucher/flags.html")]
struct FlagsTpl {
    layout: Layout,
    w: W,
    flags: Vec<FlagView>,
}

impl FlagsTpl {
    fn evidence(&self, f: &FlagView) -> String {
        match f.evidence.as_object() {
            Some(o) => o
                .iter()
                .map(|(k, v)| format!("{k}: {}", v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string())))
                .collect::<Vec<_>>()
                .join("; "),
            None => f.evidence.to_string(),
        }
    }
}

/// Every fraud flag with its evidence.
pub async fn flags(State(state): State<AppState>, ctx: Ctx) -> Response {
    let p = match operator(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let w = W(ctx.lang);
    let programme = ctx.pairs().into_iter().find(|(k, _)| k == "programme").map(|(_, v)| v);
    let flags = match flags::list(&state, p, programme.as_deref()).await {
        Ok(f) => f,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let tpl = FlagsTpl { layout: ctx.layout(w.t("op.flags"), Section::Desk), w, flags };
    ctx.render(StatusCode::OK, &tpl)
}
