//! Invoices (SPEC §4 "Usage, invoices and post-management"): the list and one invoice for the
//! contract's parties, its CSV, and the steps — the supplier issues (and re-issues a disputed
//! one), the agency's buyer or budget officer accepts or disputes with a reason, the budget
//! officer records the payment. Extract, call `gureum_app::usage::invoices`, answer.

use crate::api::review::body_value;
use crate::api::schema::{Uuid, component, text};
use crate::auth::{Auth, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use gureum_app::usage::invoices::{self, InvoiceView, ListQuery};
use gureum_domain::buying::REASON_MAX_CHARS;
use serde_json::{Value, json};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices))
        .routes(routes!(get_invoice))
        .routes(routes!(invoice_csv))
        .routes(routes!(issue_invoice))
        .routes(routes!(accept_invoice))
        .routes(routes!(dispute_invoice))
        .routes(routes!(pay_invoice))
}

fn won() -> Value {
    json!({"type": "integer", "minimum": 0, "description": "Whole won"})
}

component!(
    /// An invoice of one contract, supplier and billing period (SPEC §3 arithmetic).
    InvoiceDoc,
    "Invoice",
    json!({
        "type": "object",
        "required": ["id", "contract_id", "supplier_id", "period", "lines", "fixed_krw", "credit_krw", "net_krw", "vat_krw", "total_krw", "status"],
        "properties": {
            "id": {"$ref": "#/components/schemas/Uuid"},
            "contract_id": {"$ref": "#/components/schemas/Uuid"},
            "supplier_id": {"$ref": "#/components/schemas/Uuid"},
            "period": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$", "description": "A month (2026-11) or a quarter (2026-Q4), Asia/Seoul"},
            "lines": {
                "type": "array",
                "description": "One per metered contract line; fixed fees are in fixed_krw",
                "items": {
                    "type": "object",
                    "required": ["description", "meter", "quantity", "unit_price_krw", "amount_krw"],
                    "properties": {
                        "description": {"type": "string"},
                        "meter": {"type": "string"},
                        "quantity": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,6})?$", "description": "The exact decimal sum of the usage"},
                        "unit_price_krw": {"type": "integer", "minimum": 0, "description": "Net of VAT (a VAT-inclusive price ÷ 1.1, half-up)"},
                        "amount_krw": won()
                    }
                }
            },
            "fixed_krw": won(),
            "credit_krw": won(),
            "net_krw": won(),
            "vat_krw": won(),
            "total_krw": won(),
            "status": {"type": "string", "enum": invoices::STATUSES}
        }
    }),
    uses [Uuid]
);

component!(
    /// A dispute's reason.
    DisputeDoc,
    "InvoiceDispute",
    json!({"type": "object", "required": ["reason"], "properties": {"reason": text(REASON_MAX_CHARS)}})
);

component!(
    /// A payment's date.
    PaymentDoc,
    "InvoicePayment",
    json!({"type": "object", "required": ["paid_on"], "properties": {"paid_on": {"type": "string", "format": "date", "description": "Not after today (Asia/Seoul)"}}})
);

#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvoicesQuery {
    /// Only this contract's or order's.
    #[param(value_type = Option<Uuid>)]
    pub contract_id: Option<String>,
    /// Only this period: `2026-11` or `2026-Q4`.
    #[param(pattern = "^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$")]
    pub period: Option<String>,
    /// Only this status: draft, issued, accepted, disputed, paid.
    #[param(pattern = "^(draft|issued|accepted|disputed|paid)$")]
    pub status: Option<String>,
}

fn ok(v: &InvoiceView) -> Result<Json<Value>, AppError> {
    Ok(Json(serde_json::to_value(v).map_err(|e| AppError::from(gureum_app::Error::internal(e)))?))
}

/// The caller's invoices (an agency's, a supplier's; every one for the operator and the
/// auditor), newest period first.
#[utoipa::path(get, path = "/api/v1/invoices", tag = "usage", params(InvoicesQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The invoices", body = Vec<InvoiceDoc>),
        (status = 400, description = "invalid_field: contract_id, period or status; invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: no role that reads invoices", body = ErrorBody),
    ))]
pub async fn list_invoices(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let pairs = gureum_app::query::pairs(raw.as_deref());
    let get = |k: &str| pairs.iter().find(|(n, v)| n == k && !v.is_empty()).map(|(_, v)| v.clone());
    let q = ListQuery { contract_id: get("contract_id"), period: get("period"), status: get("status") };
    let list = invoices::list_views(&state, p, &q).await?;
    Ok(Json(serde_json::to_value(list).map_err(|e| AppError::from(gureum_app::Error::internal(e)))?))
}

/// One invoice, for the contract's parties, the operator and the auditor.
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "usage", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The invoice", body = InvoiceDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found: no such invoice the caller may read", body = ErrorBody),
    ))]
pub async fn get_invoice(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(&invoices::get(&state, p, &id).await?)
}

/// One invoice as CSV (lines, fixed fees, credits, totals; cells guarded against formulas).
#[utoipa::path(get, path = "/api/v1/invoices/{id}/csv", tag = "usage", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The invoice as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found: no such invoice the caller may read", body = ErrorBody),
    ))]
pub async fn invoice_csv(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let (name, body) = invoices::csv(&state, p, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        body,
    )
        .into_response())
}

/// Issue a draft invoice of an ended period, in period order, or re-issue a disputed one (the
/// invoice's supplier). The draft is recomputed from exactly the usage it then bills.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/issue", tag = "usage", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Issued", body = InvoiceDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the invoice's supplier", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status, period_not_ended, earlier_invoice_draft", body = ErrorBody),
    ))]
pub async fn issue_invoice(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(&invoices::issue(&state, p, &id, request_id(&headers)).await?)
}

/// Accept an issued invoice (the agency's buyer or budget officer).
#[utoipa::path(post, path = "/api/v1/invoices/{id}/accept", tag = "usage", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted", body = InvoiceDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the agency's buyer or budget officer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not issued", body = ErrorBody),
    ))]
pub async fn accept_invoice(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(&invoices::accept(&state, p, &id, request_id(&headers)).await?)
}

/// Dispute an issued invoice with a reason (the agency's buyer or budget officer); the
/// supplier re-issues it.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/dispute", tag = "usage", request_body = DisputeDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Disputed", body = InvoiceDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the agency's buyer or budget officer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not issued", body = ErrorBody),
    ))]
pub async fn dispute_invoice(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(&invoices::dispute(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Record the payment of an accepted invoice (the agency's budget officer); the contract's
/// budget line's spent amount grows by its total.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/pay", tag = "usage", request_body = PaymentDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Paid", body = InvoiceDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field: paid_on", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the agency's budget officer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not accepted", body = ErrorBody),
    ))]
pub async fn pay_invoice(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(&invoices::pay(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}
