//! `/sme/vouchers`: an SME applies once per open programme with its plan and the amount it
//! asks for; follows its applications, its vouchers with what is left, and its claims; claims a
//! reimbursement with its evidence file (`multipart/form-data`, a PDF or an image; no
//! JavaScript needed), the file stored first and the claim citing it.

use super::{Problem, Refused, W, stays_on_form, won_value};
use crate::api::lifecycle::{not_multipart, read_upload};
use crate::auth::{Client, Principal, Rule, request_id};
use crate::error::{AppError, Code};
use crate::pages::desk::{posted, see_other};
use crate::pages::form::{FormData, check_csrf, require};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use gureum_app::voucher::{
    ApplicationView, ClaimView, PoolEntryView, ProgrammeView, VoucherView, applications, claims, documents, is_sme, pool, programmes,
};
use serde_json::json;

#[derive(Template)]
#[template(path = "voucher/sme.html")]
struct DeskTpl {
    layout: Layout,
    w: W,
    programmes: Vec<ProgrammeView>,
    /// Open programmes the company has not applied to.
    open: Vec<ProgrammeView>,
    applications: Vec<ApplicationView>,
    vouchers: Vec<VoucherView>,
    /// The approved pool entries of the vouchers' programmes.
    pool: Vec<PoolEntryView>,
    /// The cost types of the vouchers' programmes.
    cost_types: Vec<String>,
    claims: Vec<ClaimView>,
    today: String,
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
        self.pool.iter().find(|e| e.id == c.voucher_service_id).map(|e| e.name.clone()).unwrap_or_else(|| c.service_id.clone())
    }
}

#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(super) fn sme(ctx: &Ctx) -> Result<&Principal, Response> {
    let p = require(ctx, Rule::Authenticated)?;
    if !is_sme(p) {
        return Err(ctx.error(&AppError::from(gureum_app::Error::forbidden())));
    }
    Ok(p)
}

async fn render(state: &AppState, ctx: &Ctx, p: &Principal, status: StatusCode, r: Refused) -> Response {
    let w = W(ctx.lang);
    let loaded = async {
        let programmes = programmes::list(state).await?;
        let applications = applications::list(state, p, None).await?;
        let vouchers = applications::vouchers(state, p).await?;
        let mut pool = Vec::new();
        let mut cost_types: Vec<String> = Vec::new();
        for v in &vouchers {
            pool.extend(pool::approved(state, &v.programme_id).await?);
            if let Some(prog) = programmes.iter().find(|p| p.id == v.programme_id) {
                for c in &prog.cost_types {
                    if !cost_types.contains(c) {
                        cost_types.push(c.clone());
                    }
                }
            }
        }
        let claims = claims::list(state, p, None).await?;
        Ok::<_, gureum_app::Error>((programmes, applications, vouchers, pool, cost_types, claims))
    };
    let (programmes, applications, vouchers, pool, cost_types, claims) = match loaded.await {
        Ok(l) => l,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let open = programmes.iter().filter(|p| p.open && !applications.iter().any(|a| a.programme_id == p.id)).cloned().collect();
    let done = r.problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done");
    let tpl = DeskTpl {
        layout: ctx.layout(w.t("sme.title"), Section::Desk),
        w,
        programmes,
        open,
        applications,
        vouchers,
        pool,
        cost_types,
        claims,
        today: gureum_domain::clock::format_date(state.clock().today()),
        done,
        r,
    };
    ctx.render(status, &tpl)
}

pub async fn desk(State(state): State<AppState>, ctx: Ctx) -> Response {
    match sme(&ctx) {
        Ok(p) => render(&state, &ctx, p, StatusCode::OK, Refused::none()).await,
        Err(r) => r,
    }
}

/// Applies to a programme.
pub async fn apply(State(state): State<AppState>, ctx: Ctx, client: Client, headers: HeaderMap, body: Bytes) -> Response {
    let p = match sme(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = json!({
        "programme_id": form.get("programme_id"),
        "plan": form.get("plan"),
        "requested_krw": won_value(form.get("requested_krw")),
        "company_size": form.get("company_size"),
    });
    let network = client.0.map(gureum_domain::voucher::client_network);
    match applications::apply(&state, p, &body, network, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other("/sme/vouchers?done=1"),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, "apply", &e);
            render(&state, &ctx, p, e.status, Refused { problem: Some(problem), draft: form }).await
        }
    }
}

/// Claims with an evidence file: the file is stored, then the claim cites it.
pub async fn claim(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, mp: Result<Multipart, MultipartRejection>) -> Response {
    // who first (a visitor signs in, another role is refused), then the form, whose CSRF field
    // is inside the multipart body
    let p = match sme(&ctx) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let up = match mp.map_err(not_multipart) {
        Ok(mp) => read_upload(mp).await,
        Err(e) => Err(e),
    };
    let up = match up {
        Ok(up) => up,
        Err(e) => return ctx.error(&e),
    };
    if let Err(r) = check_csrf(&ctx, &headers, up.fields.get(crate::auth::CSRF_FIELD).map(String::as_str)) {
        return r;
    }
    let draft = FormData::parse(encoded(&up.fields).as_bytes());
    let rid = request_id(&headers);
    let outcome = match up.file {
        None => Err(AppError::new(Code::EvidenceRequired, "attach the tax invoice or the payment proof in the field `file`")),
        Some((name, bytes)) => match documents::upload(&state, p, &name, bytes, rid.clone()).await {
            Err(e) => Err(AppError::from(e)),
            Ok(doc) => {
                let body = json!({
                    "voucher_id": draft.get("voucher_id"),
                    "voucher_service_id": draft.get("voucher_service_id"),
                    "cost_type": draft.get("cost_type"),
                    "paid_krw": won_value(draft.get("paid_krw")),
                    "paid_on": draft.get("paid_on"),
                    "tax_invoice_number": draft.get("tax_invoice_number"),
                    "evidence_document_ids": [doc.id],
                });
                claims::submit(&state, p, &body, rid).await.map_err(AppError::from)
            }
        },
    };
    match outcome {
        Ok(c) => see_other(&format!("/vouchers/claims/{}?done=1", c.id)),
        Err(e) if e.status == StatusCode::FORBIDDEN => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, "claim", &e);
            render(&state, &ctx, p, e.status, Refused { problem: Some(problem), draft }).await
        }
    }
}

/// The multipart form's text fields (the CSRF token aside) as a urlencoded body.
fn encoded(fields: &std::collections::HashMap<String, String>) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        if k != crate::auth::CSRF_FIELD {
            ser.append_pair(k, v);
        }
    }
    ser.finish()
}
