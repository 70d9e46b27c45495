//! The SME cloud voucher (클라우드 바우처; SPEC §4 "Cloud vouchers", docs/API.md "Cloud
//! vouchers"): programmes, the supplier pool, applications and selection, vouchers, evidence,
//! claims and settlement, fraud flags. Extract, call `gureum_app::voucher`, answer.

use crate::api::lifecycle::{not_multipart, read_upload};
use crate::api::review::body_value;
use crate::api::schema::{Uuid, component, form_field_name, reference, text};
use crate::auth::{Auth, Client, Rule, request_id};
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gureum_app::voucher::{self, applications, claims, documents, flags, pool, programmes};
use gureum_domain::voucher::{CostType, FlagKind, MAX_KRW, PoolAction};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_programmes, create_programme))
        .routes(routes!(get_programme))
        .routes(routes!(list_pool, offer_service))
        .routes(routes!(list_pool_entries))
        .routes(routes!(approve_pool_entry))
        .routes(routes!(reject_pool_entry))
        .routes(routes!(list_applications, apply))
        .routes(routes!(get_application))
        .routes(routes!(select_application))
        .routes(routes!(reject_application))
        .routes(routes!(list_vouchers))
        .routes(routes!(get_voucher))
        .routes(routes!(upload_document))
        .routes(routes!(download_document))
        .routes(routes!(list_claims, submit_claim))
        .routes(routes!(get_claim))
        .routes(routes!(approve_claim))
        .routes(routes!(request_evidence))
        .routes(routes!(supply_evidence))
        .routes(routes!(reject_claim))
        .routes(routes!(settle_claim))
        .routes(routes!(report_refund))
        .routes(routes!(list_flags))
}

fn ok<T: serde::Serialize>(v: T) -> Result<Json<Value>, AppError> {
    Ok(Json(serde_json::to_value(v).map_err(AppError::internal)?))
}

fn created<T: serde::Serialize>(v: T) -> Result<(StatusCode, Json<Value>), AppError> {
    Ok((StatusCode::CREATED, ok(v)?))
}

/// One query parameter's value (empty counts as absent).
fn query_param(raw: &Option<String>, key: &str) -> Option<String> {
    let q = raw.as_deref()?;
    form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == key).map(|(_, v)| v.into_owned()).filter(|v| !v.is_empty())
}

// ───────────────────────────── Schemas ─────────────────────────────

fn krw(min: i64) -> Value {
    json!({"type": "integer", "minimum": min, "maximum": MAX_KRW, "description": "Whole won"})
}

fn amount() -> Value {
    json!({"type": "integer", "minimum": 0, "description": "Whole won"})
}

fn date() -> Value {
    json!({"type": "string", "format": "date"})
}

fn datetime() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn nullable(v: Value) -> Value {
    json!({"anyOf": [v, {"type": "null"}]})
}

fn cost_types() -> Vec<&'static str> {
    CostType::ALL.iter().map(|c| c.as_str()).collect()
}

component!(
    /// A voucher programme's settings (the operator).
    NewProgrammeDoc,
    "NewVoucherProgramme",
    json!({"type": "object", "required": ["year", "name", "total_budget_krw", "company_cap_krw", "government_share_pct", "cost_types", "apply_from", "apply_to", "use_until"],
        "properties": {
            "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
            "name": text(programmes::MAX_NAME_CHARS),
            "total_budget_krw": krw(1),
            "company_cap_krw": krw(1),
            "government_share_pct": {"type": "integer", "minimum": 1, "maximum": 100},
            "cost_types": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": cost_types()}},
            "apply_from": date(),
            "apply_to": {"type": "string", "format": "date", "description": "On or after apply_from (else 400 invalid_field)"},
            "use_until": {"type": "string", "format": "date", "description": "On or after apply_to (else 400 invalid_field)"}
        }})
);

component!(
    /// A voucher programme with its totals.
    ProgrammeDoc,
    "VoucherProgramme",
    json!({"type": "object", "required": ["id", "year", "name", "total_budget_krw", "company_cap_krw", "government_share_pct", "cost_types", "apply_from", "apply_to", "use_until", "granted_krw", "reimbursed_krw", "settled_krw", "remaining_krw", "open", "created_at"],
        "properties": {
            "id": reference("Uuid"), "year": {"type": "integer"}, "name": {"type": "string"},
            "total_budget_krw": amount(), "company_cap_krw": amount(),
            "government_share_pct": {"type": "integer", "minimum": 1, "maximum": 100},
            "cost_types": {"type": "array", "items": {"type": "string", "enum": cost_types()}},
            "apply_from": date(), "apply_to": date(), "use_until": date(),
            "granted_krw": amount(), "reimbursed_krw": amount(), "settled_krw": amount(),
            "remaining_krw": {"type": "integer", "minimum": 0, "description": "What the budget has left to grant"},
            "open": {"type": "boolean", "description": "Whether the application window is open today"},
            "created_at": datetime()
        }}),
    uses [Uuid]
);

component!(
    /// A service to offer to a programme's pool.
    OfferDoc,
    "VoucherServiceOffer",
    json!({"type": "object", "required": ["service_id"], "properties": {"service_id": reference("Uuid")}}),
    uses [Uuid]
);

component!(
    /// A service in a programme's pool.
    PoolEntryDoc,
    "VoucherService",
    json!({"type": "object", "required": ["id", "programme_id", "service_id", "supplier_id", "code", "name", "status", "reason", "created_at"],
        "properties": {
            "id": reference("Uuid"), "programme_id": reference("Uuid"), "service_id": reference("Uuid"), "supplier_id": reference("Uuid"),
            "code": {"type": "string"}, "name": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "approved", "rejected"]},
            "reason": {"type": ["string", "null"]}, "created_at": datetime()
        }}),
    uses [Uuid]
);

component!(
    /// A reason (required).
    VoucherReasonDoc,
    "VoucherReason",
    json!({"type": "object", "required": ["reason"], "properties": {"reason": text(voucher::MAX_TEXT_CHARS)}})
);

component!(
    /// An SME's application.
    NewApplicationDoc,
    "NewVoucherApplication",
    json!({"type": "object", "required": ["programme_id", "plan", "requested_krw"], "properties": {
        "programme_id": reference("Uuid"),
        "plan": text(voucher::MAX_TEXT_CHARS),
        "requested_krw": krw(1),
        "company_size": {"anyOf": [{"type": "string", "enum": ["small", "medium", "midsize", "large", ""]}, {"type": "null"}],
            "description": "The company's size as it declares it; midsize or large is 403 not_sme"}
    }}),
    uses [Uuid]
);

component!(
    /// An application with what the operator compares side by side.
    ApplicationDoc,
    "VoucherApplication",
    json!({"type": "object", "required": ["id", "programme_id", "company_id", "company_name", "plan", "requested_krw", "company_size", "region", "prior_vouchers", "status", "reason", "voucher_id", "created_at", "decided_at"],
        "properties": {
            "id": reference("Uuid"), "programme_id": reference("Uuid"), "company_id": reference("Uuid"),
            "company_name": {"type": "string"}, "plan": {"type": "string"}, "requested_krw": amount(),
            "company_size": {"type": ["string", "null"], "enum": ["small", "medium", null]},
            "region": {"type": ["string", "null"], "description": "The first word of the company's address (시·도)"},
            "prior_vouchers": {"type": "integer", "minimum": 0, "description": "Vouchers the company holds from other programmes"},
            "status": {"type": "string", "enum": ["submitted", "selected", "rejected"]},
            "reason": {"type": ["string", "null"]},
            "voucher_id": nullable(reference("Uuid")),
            "created_at": datetime(), "decided_at": nullable(datetime())
        }}),
    uses [Uuid]
);

component!(
    /// A selection: the amount granted.
    SelectionDoc,
    "VoucherSelection",
    json!({"type": "object", "required": ["granted_krw"], "properties": {"granted_krw": krw(1)}})
);

component!(
    /// A voucher: granted, reimbursed (approved claims), remaining.
    VoucherDoc,
    "Voucher",
    json!({"type": "object", "required": ["id", "company_id", "company_name", "programme_id", "application_id", "granted_krw", "reimbursed_krw", "remaining_krw", "created_at"],
        "properties": {
            "id": reference("Uuid"), "company_id": reference("Uuid"), "company_name": {"type": "string"},
            "programme_id": reference("Uuid"), "application_id": reference("Uuid"),
            "granted_krw": amount(), "reimbursed_krw": amount(), "remaining_krw": amount(), "created_at": datetime()
        }}),
    uses [Uuid]
);

component!(
    /// An evidence upload: a PDF or an image.
    EvidenceUploadDoc,
    "VoucherEvidenceUpload",
    json!({"type": "object", "required": ["file"], "propertyNames": form_field_name(), "properties": {
        "file": {"type": "string", "format": "binary", "minLength": 1, "description": "A PDF or an image (PNG, JPEG, GIF, WebP; recognised by its content) of at most 20 MiB"}
    }})
);

component!(
    /// An uploaded evidence document.
    EvidenceDoc,
    "VoucherDocument",
    json!({"type": "object", "required": ["id", "filename", "media_type", "size_bytes", "sha256", "created_at"], "properties": {
        "id": reference("Uuid"), "filename": {"type": "string"}, "media_type": {"type": "string"},
        "size_bytes": {"type": "integer", "minimum": 1}, "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"}, "created_at": datetime()
    }}),
    uses [Uuid]
);

component!(
    /// A claim for reimbursement.
    NewClaimDoc,
    "NewVoucherClaim",
    json!({"type": "object", "required": ["voucher_id", "voucher_service_id", "cost_type", "paid_krw", "paid_on", "tax_invoice_number", "evidence_document_ids"],
        "properties": {
            "voucher_id": reference("Uuid"),
            "voucher_service_id": reference("Uuid"),
            "cost_type": {"type": "string", "enum": cost_types()},
            "paid_krw": krw(1),
            "paid_on": {"type": "string", "format": "date", "description": "Not after today; after the programme's use_until is 409 usage_period_over"},
            "tax_invoice_number": {"type": "string", "minLength": 1, "maxLength": voucher::MAX_INVOICE_CHARS, "pattern": "[0-9A-Za-z]",
                "description": "Compared and stored by its letters and digits, upper-cased; once per programme"},
            "evidence_document_ids": {"type": "array", "minItems": 1, "items": reference("Uuid"), "description": "Documents the company uploaded (POST /api/v1/voucher-documents)"},
            "usage_krw": {"anyOf": [krw(0), {"type": "null"}], "description": "The usage amount on the supplier's usage statement, compared by the claim_above_usage flag"}
        }}),
    uses [Uuid]
);

component!(
    /// A claim.
    ClaimDoc,
    "VoucherClaim",
    json!({"type": "object", "required": ["id", "voucher_id", "programme_id", "company_id", "voucher_service_id", "service_id", "supplier_id", "cost_type", "paid_krw", "paid_on", "usage_krw", "tax_invoice_number", "evidence_document_ids", "reimbursement_krw", "status", "evidence_message", "reason", "approval_reason", "settled_on", "refunded_krw", "submitted_on", "created_at"],
        "properties": {
            "id": reference("Uuid"), "voucher_id": reference("Uuid"), "programme_id": reference("Uuid"), "company_id": reference("Uuid"),
            "voucher_service_id": reference("Uuid"), "service_id": reference("Uuid"), "supplier_id": reference("Uuid"),
            "cost_type": {"type": "string", "enum": cost_types()},
            "paid_krw": amount(), "paid_on": date(), "usage_krw": {"type": ["integer", "null"], "minimum": 0},
            "tax_invoice_number": {"type": "string"},
            "evidence_document_ids": {"type": "array", "items": reference("Uuid")},
            "reimbursement_krw": {"type": "integer", "minimum": 0, "description": "⌊paid_krw × government_share_pct / 100⌋"},
            "status": {"type": "string", "enum": ["submitted", "evidence_requested", "approved", "rejected", "settled"]},
            "evidence_message": {"type": ["string", "null"]}, "reason": {"type": ["string", "null"]}, "approval_reason": {"type": ["string", "null"]},
            "settled_on": nullable(date()), "refunded_krw": amount(), "submitted_on": date(), "created_at": datetime()
        }}),
    uses [Uuid]
);

component!(
    /// An approval: a reason, required when the claim is flagged.
    ApprovalDoc,
    "VoucherApproval",
    json!({"type": "object", "properties": {"reason": {"type": ["string", "null"], "maxLength": voucher::MAX_TEXT_CHARS}}})
);

component!(
    /// A request for more evidence.
    EvidenceRequestDoc,
    "VoucherEvidenceRequest",
    json!({"type": "object", "required": ["message"], "properties": {"message": text(voucher::MAX_TEXT_CHARS)}})
);

component!(
    /// More evidence for a claim the operator asked about.
    EvidenceSupplyDoc,
    "VoucherEvidenceSupply",
    json!({"type": "object", "required": ["evidence_document_ids"], "properties": {
        "evidence_document_ids": {"type": "array", "minItems": 1, "items": reference("Uuid"), "description": "Documents the company uploaded (POST /api/v1/voucher-documents); added to the claim's evidence"}
    }}),
    uses [Uuid]
);

component!(
    /// A settlement: the day the reimbursement was paid out.
    SettlementDoc,
    "VoucherSettlement",
    json!({"type": "object", "required": ["settled_on"], "properties": {"settled_on": date()}})
);

component!(
    /// Money returned after a reimbursement.
    RefundDoc,
    "VoucherRefund",
    json!({"type": "object", "required": ["amount_krw"], "properties": {
        "amount_krw": krw(1),
        "note": {"type": ["string", "null"], "maxLength": voucher::MAX_TEXT_CHARS}
    }})
);

component!(
    /// A fraud flag with its evidence.
    FlagDoc,
    "VoucherFlag",
    json!({"type": "object", "required": ["kind", "detail", "evidence"], "properties": {
        "kind": {"type": "string", "enum": FlagKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>()},
        "claim_id": reference("Uuid"),
        "application_id": reference("Uuid"),
        "detail": {"type": "string"},
        "evidence": {"type": "object"}
    }}),
    uses [Uuid]
);

// ───────────────────────────── Programmes and the pool ─────────────────────────────

/// Every voucher programme with its settings and totals granted, reimbursed and settled (public).
#[utoipa::path(get, path = "/api/v1/voucher-programmes", tag = "vouchers",
    responses((status = 200, description = "Newest year first", body = Vec<ProgrammeDoc>)))]
pub async fn list_programmes(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    ok(programmes::list(&state).await?)
}

/// Configure a programme (the operator).
#[utoipa::path(post, path = "/api/v1/voucher-programmes", tag = "vouchers", request_body = NewProgrammeDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = ProgrammeDoc),
        (status = 400, description = "invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
    ))]
pub async fn create_programme(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    created(programmes::create(&state, p, &body_value(&body)?, request_id(&headers)).await?)
}

/// One programme (public).
#[utoipa::path(get, path = "/api/v1/voucher-programmes/{id}", tag = "vouchers", params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The programme", body = ProgrammeDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_programme(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    ok(programmes::get(&state, &id).await?)
}

/// The approved services of a programme's pool (public).
#[utoipa::path(get, path = "/api/v1/voucher-programmes/{id}/services", tag = "vouchers", params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The approved pool, by code", body = Vec<PoolEntryDoc>),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn list_pool(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    ok(pool::approved(&state, &id).await?)
}

/// Offer one's own listed service with a certification valid today to a programme's pool (a
/// supplier's admin).
#[utoipa::path(post, path = "/api/v1/voucher-programmes/{id}/services", tag = "vouchers", request_body = OfferDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 201, description = "Offered (pending)", body = PoolEntryDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier's admin", body = ErrorBody),
        (status = 404, description = "not_found: no such programme, or no such service of the caller's", body = ErrorBody),
        (status = 409, description = "invalid_status (not listed), certification_required, already_in_pool", body = ErrorBody),
    ))]
pub async fn offer_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    created(pool::offer(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Pool entries in every status: the operator's and the auditor's all, a supplier's its own.
#[utoipa::path(get, path = "/api/v1/voucher-services", tag = "vouchers", security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = Vec<PoolEntryDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_pool_entries(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(pool::entries(&state, p).await?)
}

/// Approve a pending pool entry (the operator).
#[utoipa::path(post, path = "/api/v1/voucher-services/{id}/approve", tag = "vouchers", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved", body = PoolEntryDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn approve_pool_entry(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(pool::decide(&state, p, &id, PoolAction::Approve, &json!({}), request_id(&headers)).await?)
}

/// Reject a pending pool entry with a reason (the operator).
#[utoipa::path(post, path = "/api/v1/voucher-services/{id}/reject", tag = "vouchers", request_body = VoucherReasonDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = PoolEntryDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn reject_pool_entry(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(pool::decide(&state, p, &id, PoolAction::Reject, &body_value(&body)?, request_id(&headers)).await?)
}

// ───────────────────────────── Applications and vouchers ─────────────────────────────

/// Applications: the operator's and the auditor's all (of one programme when asked), an SME's
/// its own.
#[utoipa::path(get, path = "/api/v1/voucher-applications", tag = "vouchers", security(("bearer" = [])),
    params(("programme_id" = Option<Uuid>, Query, description = "Only this programme's")),
    responses(
        (status = 200, description = "Oldest first", body = Vec<ApplicationDoc>),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_applications(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(applications::list(&state, p, query_param(&q, "programme_id").as_deref()).await?)
}

/// Apply for a voucher (an SME user of an approved small or medium company), once per programme,
/// within its window.
#[utoipa::path(post, path = "/api/v1/voucher-applications", tag = "vouchers", request_body = NewApplicationDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Submitted", body = ApplicationDoc),
        (status = 400, description = "invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "not_sme", body = ErrorBody),
        (status = 404, description = "not_found: no such programme", body = ErrorBody),
        (status = 409, description = "programme_closed, already_applied", body = ErrorBody),
    ))]
pub async fn apply(
    State(state): State<AppState>,
    auth: Auth,
    client: Client,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let network = client.0.map(gureum_domain::voucher::client_network);
    created(applications::apply(&state, p, &body_value(&body)?, network, request_id(&headers)).await?)
}

/// One application (the operator, the auditor, its SME).
#[utoipa::path(get, path = "/api/v1/voucher-applications/{id}", tag = "vouchers", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The application", body = ApplicationDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found (also another company's)", body = ErrorBody),
    ))]
pub async fn get_application(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(applications::get(&state, p, &id).await?)
}

/// Select an application (the operator): answers the voucher.
#[utoipa::path(post, path = "/api/v1/voucher-applications/{id}/select", tag = "vouchers", request_body = SelectionDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Selected: the voucher", body = VoucherDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, above_company_cap", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status, programme_budget_exceeded", body = ErrorBody),
    ))]
pub async fn select_application(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(applications::select(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Reject an application with a reason (the operator).
#[utoipa::path(post, path = "/api/v1/voucher-applications/{id}/reject", tag = "vouchers", request_body = VoucherReasonDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = ApplicationDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn reject_application(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(applications::reject(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Vouchers: the operator's and the auditor's all, an SME's its own.
#[utoipa::path(get, path = "/api/v1/vouchers", tag = "vouchers", security(("bearer" = [])),
    responses(
        (status = 200, description = "Oldest first", body = Vec<VoucherDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_vouchers(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(applications::vouchers(&state, p).await?)
}

/// One voucher (the operator, the auditor, its SME).
#[utoipa::path(get, path = "/api/v1/vouchers/{id}", tag = "vouchers", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The voucher", body = VoucherDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found (also another company's)", body = ErrorBody),
    ))]
pub async fn get_voucher(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(applications::voucher(&state, p, &id).await?)
}

// ───────────────────────────── Evidence and claims ─────────────────────────────

/// Upload evidence (an SME): multipart `file`, a PDF or an image recognised by its content.
#[utoipa::path(post, path = "/api/v1/voucher-documents", tag = "vouchers", security(("bearer" = [])),
    request_body(content = EvidenceUploadDoc, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = EvidenceDoc),
        (status = 400, description = "invalid_body, file_required, invalid_file_type", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an SME", body = ErrorBody),
        (status = 413, description = "file_too_large", body = ErrorBody),
    ))]
pub async fn upload_document(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    if !voucher::is_sme(p) {
        return Err(AppError::from(gureum_app::Error::forbidden()));
    }
    let up = read_upload(mp.map_err(not_multipart)?).await?;
    let (filename, bytes) = up.file.ok_or_else(|| AppError::new(Code::FileRequired, "attach a PDF or an image in the field `file`"))?;
    created(documents::upload(&state, p, &filename, bytes, request_id(&headers)).await?)
}

/// Download an evidence document (its company, the operator, the auditor).
#[utoipa::path(get, path = "/api/v1/voucher-documents/{id}", tag = "vouchers", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The file, as its content was recognised", content(
            (crate::api::schema::Binary = "application/pdf"), (crate::api::schema::Binary = "image/png"), (crate::api::schema::Binary = "image/jpeg"),
            (crate::api::schema::Binary = "image/gif"), (crate::api::schema::Binary = "image/webp"))),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn download_document(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let (doc, bytes) = documents::download(&state, p, &id).await?;
    let ascii: String = doc.filename.chars().map(|c| if c.is_ascii_alphanumeric() || "-._".contains(c) { c } else { '_' }).collect();
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&doc.media_type).map_err(AppError::internal)?);
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&format!("attachment; filename=\"{ascii}\"")).map_err(AppError::internal)?);
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(res)
}

/// Claims: the operator's and the auditor's all, an SME's its own, a supplier's those on its
/// services.
#[utoipa::path(get, path = "/api/v1/voucher-claims", tag = "vouchers", security(("bearer" = [])),
    params(("voucher_id" = Option<Uuid>, Query, description = "Only this voucher's")),
    responses(
        (status = 200, description = "Oldest first", body = Vec<ClaimDoc>),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_claims(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(claims::list(&state, p, query_param(&q, "voucher_id").as_deref()).await?)
}

/// Claim reimbursement (the SME, after paying the supplier in full).
#[utoipa::path(post, path = "/api/v1/voucher-claims", tag = "vouchers", request_body = NewClaimDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Submitted", body = ClaimDoc),
        (status = 400, description = "invalid_body, invalid_field, evidence_required, cost_type_not_eligible, service_not_in_programme", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an SME", body = ErrorBody),
        (status = 404, description = "not_found: no such voucher of the company", body = ErrorBody),
        (status = 409, description = "usage_period_over, duplicate_invoice", body = ErrorBody),
    ))]
pub async fn submit_claim(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    created(claims::submit(&state, p, &body_value(&body)?, request_id(&headers)).await?)
}

/// One claim (the operator, the auditor, its SME, its supplier).
#[utoipa::path(get, path = "/api/v1/voucher-claims/{id}", tag = "vouchers", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The claim", body = ClaimDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found (also another company's)", body = ErrorBody),
    ))]
pub async fn get_claim(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(claims::get(&state, p, &id).await?)
}

/// Approve a claim (the operator): its reimbursement is committed against the voucher. A flagged
/// claim needs a reason.
#[utoipa::path(post, path = "/api/v1/voucher-claims/{id}/approve", tag = "vouchers", request_body = ApprovalDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Approved", body = ClaimDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, flag_reason_required", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status, voucher_exhausted", body = ErrorBody),
    ))]
pub async fn approve_claim(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(claims::approve(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Ask for more evidence (the operator).
#[utoipa::path(post, path = "/api/v1/voucher-claims/{id}/request-evidence", tag = "vouchers", request_body = EvidenceRequestDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Asked", body = ClaimDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn request_evidence(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(claims::request_evidence(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Answer a request for evidence (the claim's SME): the documents join the claim's evidence and
/// the claim is submitted again.
#[utoipa::path(post, path = "/api/v1/voucher-claims/{id}/evidence", tag = "vouchers", request_body = EvidenceSupplyDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Supplied; the claim is submitted again", body = ClaimDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, evidence_required (none, or a document that is not the company's)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status (no evidence was asked for)", body = ErrorBody),
    ))]
pub async fn supply_evidence(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(claims::supply_evidence(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Reject a claim with a reason (the operator).
#[utoipa::path(post, path = "/api/v1/voucher-claims/{id}/reject", tag = "vouchers", request_body = VoucherReasonDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Rejected", body = ClaimDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn reject_claim(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(claims::reject(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Settle an approved claim (the operator).
#[utoipa::path(post, path = "/api/v1/voucher-claims/{id}/settle", tag = "vouchers", request_body = SettlementDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Settled", body = ClaimDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn settle_claim(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(claims::settle(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Report money returned after a reimbursement (the claim's supplier or SME).
#[utoipa::path(post, path = "/api/v1/voucher-claims/{id}/refund-report", tag = "vouchers", request_body = RefundDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = ClaimDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, refund_above_paid", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: neither a supplier nor an SME", body = ErrorBody),
        (status = 404, description = "not_found (also a claim of others)", body = ErrorBody),
        (status = 409, description = "invalid_status: not approved or settled", body = ErrorBody),
    ))]
pub async fn report_refund(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(claims::report_refund(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Fraud flags with their evidence (the operator only).
#[utoipa::path(get, path = "/api/v1/voucher-flags", tag = "vouchers", security(("bearer" = [])),
    params(("programme_id" = Option<Uuid>, Query, description = "Only this programme's")),
    responses(
        (status = 200, description = "The flags", body = Vec<FlagDoc>),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_flags(State(state): State<AppState>, auth: Auth, RawQuery(q): RawQuery) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    ok(flags::list(&state, p, query_param(&q, "programme_id").as_deref()).await?)
}
