//! `/vouchers/claims/{id}`: one claim for its parties — the SME, the supplier and the operator
//! (and the auditor) — with its evidence links; for the operator its flags with their evidence
//! and the forms to approve (a reason required when flagged), request evidence, reject and
//! settle; for the SME and the supplier the refund report after a reimbursement.
//! `/vouchers/documents/{id}` answers an evidence file to its company and the oversight roles.

use super::{Problem, Refused, W, at, stays_on_form, won_value};
use crate::api::lifecycle::{not_multipart, read_upload};
use crate::auth::{OPERATOR, Principal, Rule, request_id};
use crate::error::AppError;
use crate::pages::desk::{posted, see_other};
use crate::pages::form::{FormData, check_csrf, require};
use crate::pages::layout::{Ctx, Layout, Section};
use crate::state::AppState;
use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use gureum_app::voucher::flags::FlagView;
use gureum_app::voucher::{ClaimView, applications, claims, documents, flags, is_oversight, is_sme, is_supplier, pool, programmes};
use gureum_domain::account::Role;
use gureum_domain::clock::format_date;
use serde_json::json;

#[derive(Template)]
#[template(path = "voucher/claim.html")]
struct ClaimTpl {
    layout: Layout,
    w: W,
    cl: ClaimView,
    programme: String,
    company: String,
    service: String,
    flags: Vec<FlagView>,
    /// The operator's forms are shown.
    operator: bool,
    /// The refund report is offered (the claim's SME or supplier, after approval).
    refund: bool,
    /// The claim's SME may answer the operator's request for evidence.
    supply: bool,
    /// The evidence files the caller may open, named.
    evidence: Vec<documents::DocumentView>,
    /// Where "back" goes: the caller's desk.
    back: &'static str,
    today: String,
    done: bool,
    r: Refused,
}

impl ClaimTpl {
    fn won(&self, n: &i64) -> String {
        self.layout.lang.won(*n)
    }

    fn open(&self) -> bool {
        matches!(self.cl.status.as_str(), "submitted" | "evidence_requested")
    }

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

    fn created(&self) -> String {
        at(&self.cl.created_at)
    }
}

fn back_for(p: &Principal) -> &'static str {
    if is_oversight(p) {
        "/operator/vouchers"
    } else if is_sme(p) {
        "/sme/vouchers"
    } else {
        "/supplier/vouchers"
    }
}

async fn render(state: &AppState, ctx: &Ctx, p: &Principal, id: &str, status: StatusCode, r: Refused) -> Response {
    let w = W(ctx.lang);
    let c = match claims::get(state, p, id).await {
        Ok(c) => c,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let loaded = async {
        let prog = programmes::get(state, &c.programme_id).await?;
        let service = pool::approved(state, &c.programme_id)
            .await?
            .into_iter()
            .find(|e| e.id == c.voucher_service_id)
            .map(|e| format!("{} ({})", e.name, e.code))
            .unwrap_or_else(|| c.service_id.clone());
        let operator = p.has_role(Role::Operator);
        let (company, flags) = if is_oversight(p) || is_sme(p) {
            let v = applications::voucher(state, p, &c.voucher_id).await?;
            let flags = if operator {
                flags::list(state, p, Some(&c.programme_id))
                    .await?
                    .into_iter()
                    .filter(|f| {
                        f.claim_id.as_deref() == Some(c.id.as_str()) || f.application_id.as_deref() == Some(v.application_id.as_str())
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (v.company_name, flags)
        } else {
            (String::new(), Vec::new())
        };
        let evidence = documents::describe(state, p, &c.evidence_document_ids).await?;
        Ok::<_, gureum_app::Error>((prog.name, service, company, flags, operator, evidence))
    };
    let (programme, service, company, flags, operator, evidence) = match loaded.await {
        Ok(l) => l,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let party = (is_sme(p) && c.company_id == p.org().id) || is_supplier(p, &c.supplier_id);
    let refund = party && matches!(c.status.as_str(), "approved" | "settled");
    let supply = is_sme(p) && c.company_id == p.org().id && c.status == "evidence_requested";
    let done = r.problem.is_none() && ctx.pairs().iter().any(|(k, _)| k == "done");
    let tpl = ClaimTpl {
        layout: ctx.layout(format!("{} — {}", w.t("claim.title"), c.tax_invoice_number), Section::Desk),
        w,
        programme,
        company,
        service,
        flags,
        operator,
        refund,
        supply,
        evidence,
        back: back_for(p),
        today: format_date(state.clock().today()),
        done,
        r,
        cl: c,
    };
    ctx.render(status, &tpl)
}

pub async fn detail(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    match require(&ctx, Rule::Authenticated) {
        Ok(p) => render(&state, &ctx, p, &id, StatusCode::OK, Refused::none()).await,
        Err(r) => r,
    }
}

/// The operator's decisions on a claim: approve, request-evidence, reject, settle.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let p = match require(&ctx, Rule::AnyRole(OPERATOR)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let rid = request_id(&headers);
    let done = match action.as_str() {
        "approve" => claims::approve(&state, p, &id, &json!({"reason": form.get("reason")}), rid).await,
        "request-evidence" => claims::request_evidence(&state, p, &id, &json!({"message": form.get("message")}), rid).await,
        "reject" => claims::reject(&state, p, &id, &json!({"reason": form.get("reason")}), rid).await,
        "settle" => claims::settle(&state, p, &id, &json!({"settled_on": form.get("settled_on")}), rid).await,
        _ => return ctx.error(&AppError::not_found("page")),
    };
    match done.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/vouchers/claims/{id}?done=1")),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, action.clone(), &e);
            render(&state, &ctx, p, &id, e.status, Refused { problem: Some(problem), draft: form }).await
        }
    }
}

/// The claim's SME or supplier reports money returned after the reimbursement.
pub async fn refund(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, Path(id): Path<String>, body: Bytes) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match posted(&ctx, &headers, &body) {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = json!({"amount_krw": won_value(form.get("amount_krw")), "note": form.get("note")});
    match claims::report_refund(&state, p, &id, &body, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/vouchers/claims/{id}?done=1")),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, "refund", &e);
            render(&state, &ctx, p, &id, e.status, Refused { problem: Some(problem), draft: form }).await
        }
    }
}

/// The claim's SME answers a request for evidence with a file (`multipart/form-data`, the CSRF
/// token inside the body like the claim form's).
pub async fn supply_evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Response {
    let p = match super::sme::sme(&ctx) {
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
    match claims::supply_evidence_file(&state, p, &id, up.file, request_id(&headers)).await.map_err(AppError::from) {
        Ok(_) => see_other(&format!("/vouchers/claims/{id}?done=1")),
        Err(e) if !stays_on_form(&e) => ctx.error(&e),
        Err(e) => {
            let problem = Problem::new(ctx.lang, "evidence", &e);
            render(&state, &ctx, p, &id, e.status, Refused { problem: Some(problem), draft: FormData::parse(b"") }).await
        }
    }
}

/// An evidence file, for its company and the oversight roles; never cached by others.
pub async fn document(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let p = match require(&ctx, Rule::Authenticated) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (doc, bytes) = match documents::download(&state, p, &id).await {
        Ok(d) => d,
        Err(e) => return ctx.error(&AppError::from(e)),
    };
    let ascii: String = doc.filename.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&doc.media_type) {
        h.insert(CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")) {
        h.insert(CONTENT_DISPOSITION, v);
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    res
}
