//! Buying (구매, SPEC §4 "Buying"): procurement projects with their searches, short lists and
//! decision records; quote requests and quotes; negotiated contracts with their text, acceptance,
//! amendments and end; PPS catalog contracts and delivery requests; time to contract. Extract,
//! call `gureum_app::buying`, answer. The answers' shapes are the application's views; the
//! schemas below state them for outside clients.

use super::review::body_value;
use super::schema::{NOT_BLANK, component, reference, text};
use crate::auth::{Auth, MaybeAuth, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gureum_app::buying::{self, BUYER, amendments, catalog, contracts, projects, quotes, stats, worklist as tasks};
use gureum_domain::budget::MAX_AMOUNT_KRW;
use gureum_domain::buying::{LONG_LIST_MAX, REASON_MAX_CHARS, SHORT_LIST_MAX};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_projects, create_project))
        .routes(routes!(get_project))
        .routes(routes!(record_search))
        .routes(routes!(set_shortlist))
        .routes(routes!(decide))
        .routes(routes!(get_decision_record))
        .routes(routes!(list_quote_requests, create_quote_request))
        .routes(routes!(get_quote_request))
        .routes(routes!(offer_quote))
        .routes(routes!(withdraw_quote))
        .routes(routes!(list_contracts, create_contract))
        .routes(routes!(get_contract))
        .routes(routes!(contract_text))
        .routes(routes!(accept_contract))
        .routes(routes!(list_amendments, propose_amendment))
        .routes(routes!(accept_amendment))
        .routes(routes!(refuse_amendment))
        .routes(routes!(terminate_contract))
        .routes(routes!(data_return))
        .routes(routes!(confirm_data_return))
        .routes(routes!(list_catalog_contracts, create_catalog_contract))
        .routes(routes!(get_catalog_contract))
        .routes(routes!(create_delivery_request))
        .routes(routes!(list_orders))
        .routes(routes!(get_order))
        .routes(routes!(confirm_order))
        .routes(routes!(refuse_order))
        .routes(routes!(time_to_contract))
        .routes(routes!(worklist))
}

// ───────────────────────────── Schemas ─────────────────────────────

fn uuid() -> Value {
    reference("Uuid")
}

fn uuid_or_null() -> Value {
    json!({"anyOf": [reference("Uuid"), {"type": "null"}]})
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

fn won() -> Value {
    json!({"type": "integer", "minimum": 0, "description": "Whole won"})
}

fn count() -> Value {
    json!({"type": "integer", "minimum": 0})
}

fn grade() -> Value {
    json!({"type": ["string", "null"], "enum": ["high", "medium", "low", null]})
}

fn hash() -> Value {
    json!({"type": "string", "pattern": "^[0-9a-f]{64}$", "description": "SHA-256, lower-case hex"})
}

fn reason_body() -> Value {
    json!({"type": "object", "required": ["reason"], "properties": {"reason": text(REASON_MAX_CHARS)}})
}

fn party() -> Value {
    json!({"type": "object", "required": ["id", "name"], "properties": {"id": uuid(), "name": {"type": "string"}}})
}

/// A whole number of at least 1 (quantities, months).
fn positive(max: i64) -> Value {
    json!({"type": "integer", "minimum": 1, "maximum": max})
}

component!(
    /// A new procurement project.
    NewProjectDoc,
    "NewProject",
    json!({"type": "object", "required": ["title"], "properties": {"title": text(projects::TITLE_MAX_CHARS), "required_grade": grade()}}),
    uses [super::schema::Uuid]
);

component!(
    /// A search run from a project and recorded with it.
    ProjectSearchDoc,
    "ProjectSearch",
    json!({
        "type": "object",
        "required": ["seq", "params", "searched_at", "total", "added", "left_out"],
        "properties": {
            "seq": {"type": "integer", "minimum": 1},
            "params": {"type": "object", "description": "The search API's parameters as given"},
            "searched_at": datetime(),
            "total": count(),
            "added": count(),
            "left_out": count()
        }
    })
);

component!(
    /// A listed revision seen in a search: an entry of the long list.
    SeenServiceDoc,
    "SeenService",
    json!({"type": "object", "required": ["service_id", "code", "revision"],
        "properties": {"service_id": uuid(), "code": {"type": "string"}, "revision": {"type": "integer", "minimum": 1}}}),
    uses [super::schema::Uuid]
);

component!(
    /// A procurement project (구매 사업).
    ProjectDoc,
    "Project",
    json!({
        "type": "object",
        "required": ["id", "title", "required_grade", "status", "created_at", "searches", "long_list", "short_list", "shortlisted_at", "decision_record_id"],
        "properties": {
            "id": uuid(),
            "title": {"type": "string"},
            "required_grade": grade(),
            "status": {"type": "string", "enum": ["open", "decided", "cancelled"]},
            "created_at": datetime(),
            "searches": {"type": "array", "items": reference("ProjectSearch")},
            "long_list": {"type": "array", "maxItems": LONG_LIST_MAX, "items": reference("SeenService")},
            "short_list": {"type": "array", "maxItems": SHORT_LIST_MAX, "items": uuid()},
            "shortlisted_at": nullable(datetime()),
            "decision_record_id": uuid_or_null()
        }
    }),
    uses [super::schema::Uuid, ProjectSearchDoc, SeenServiceDoc]
);

fn search_param_properties() -> Value {
    let many = |item: Value| json!({"anyOf": [item.clone(), {"type": "array", "items": item}]});
    json!({
        "q": {"type": "string", "description": "Free text; only its first 200 characters are used"},
        "kind": many(json!({"type": "string", "enum": ["iaas", "paas", "saas", "daas", "support", "convergence", ""]})),
        "category": many(json!({"type": "string"})),
        "tag": many(json!({"type": "string"})),
        "csap_grade": many(json!({"type": "string", "enum": ["high", "medium", "low", ""]})),
        "certified": {"type": "boolean"},
        "sme": {"type": "boolean"},
        "min_price": {"type": "integer", "minimum": 0, "maximum": gureum_domain::money::MAX_PRICE},
        "max_price": {"type": "integer", "minimum": 0, "maximum": gureum_domain::money::MAX_PRICE},
        "sort": {"type": "string", "enum": ["relevance", "price_asc", "price_desc", "newest", "rating", ""]},
        "page": {"type": "integer", "minimum": 1, "maximum": 100_000},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100}
    })
}

component!(
    /// The search API's parameters as a JSON object (`GET /api/v1/services`); a list gives a
    /// repeated parameter. Other members are ignored.
    ProjectSearchParamsDoc,
    "ProjectSearchParams",
    json!({"type": "object", "properties": search_param_properties()})
);

component!(
    /// What a recorded search did: the long list afterwards and how many new services did not fit.
    SearchAnswerDoc,
    "ProjectSearchAnswer",
    json!({
        "type": "object",
        "required": ["long_list", "left_out", "search"],
        "properties": {
            "long_list": {"type": "array", "maxItems": LONG_LIST_MAX, "items": reference("SeenService")},
            "left_out": count(),
            "search": reference("ProjectSearch")
        }
    }),
    uses [SeenServiceDoc, ProjectSearchDoc]
);

component!(
    /// A short list: 1–10 services of the long list.
    ShortlistDoc,
    "Shortlist",
    json!({"type": "object", "required": ["service_ids"], "properties": {"service_ids": {"type": "array", "minItems": 1, "maxItems": SHORT_LIST_MAX, "items": uuid()}}}),
    uses [super::schema::Uuid]
);

component!(
    /// The choice: one or more short-listed services and the reason.
    DecisionDoc,
    "Decision",
    json!({"type": "object", "required": ["chosen_service_ids", "reason"], "properties": {
        "chosen_service_ids": {"type": "array", "minItems": 1, "maxItems": SHORT_LIST_MAX, "items": uuid()},
        "reason": text(REASON_MAX_CHARS)
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// The decision record (선정 사유서), frozen when the buyer chose: `hash` is the SHA-256 hex of
    /// the RFC 8785 JSON of every other member (docs/API.md "Decision records").
    DecisionRecordDoc,
    "DecisionRecord",
    json!({
        "type": "object",
        "required": ["id", "project_id", "created_at", "searches", "long_list", "short_list", "comparison", "chosen", "reason", "hash"],
        "properties": {
            "id": uuid(),
            "project_id": uuid(),
            "project_title": {"type": "string"},
            "required_grade": grade(),
            "agency": party(),
            "created_at": datetime(),
            "searches": {"type": "array", "items": reference("ProjectSearch")},
            "long_list": {"type": "array", "items": reference("SeenService")},
            "short_list": {"type": "array", "items": uuid()},
            "comparison": {"type": "array", "items": {"type": "object", "required": ["service_id"], "properties": {
                "service_id": uuid(),
                "code": {"type": "string"},
                "revision": {"type": "integer"},
                "name": {"type": "string"},
                "supplier": party(),
                "kind": {"type": "string"},
                "status": {"type": "string"},
                "plans": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "model": {"type": "string"}, "unit": {"type": "string"},
                    "unit_price_krw": {"type": "integer"}, "vat_included": {"type": "boolean"}}}},
                "sla": {"type": ["object", "null"]},
                "csap_type": {"type": ["string", "null"]},
                "effective_grade": {"type": ["string", "null"]},
                "valid_to": nullable(date()),
                "data_location": {"type": ["string", "null"]}
            }}},
            "chosen": {"type": "array", "minItems": 1, "items": uuid()},
            "reason": {"type": "string"},
            "hash": hash()
        }
    }),
    uses [super::schema::Uuid, ProjectSearchDoc, SeenServiceDoc]
);

fn wanted_item() -> Value {
    json!({"type": "object", "required": ["plan", "quantity", "months"], "properties": {
        "plan": {"type": "string", "minLength": 1}, "quantity": positive(1_000_000), "months": positive(120)}})
}

fn priced_item() -> Value {
    json!({"type": "object", "required": ["plan", "unit_price_krw", "quantity", "months"], "properties": {
        "plan": {"type": "string", "minLength": 1}, "unit_price_krw": {"type": "integer", "minimum": 0, "maximum": gureum_domain::money::MAX_PRICE},
        "quantity": positive(1_000_000), "months": positive(120)}})
}

component!(
    /// A quote request (견적요청).
    NewQuoteRequestDoc,
    "NewQuoteRequest",
    json!({"type": "object", "required": ["service_id", "items", "starts_on", "ends_on"], "properties": {
        "project_id": uuid_or_null(),
        "service_id": uuid(),
        "items": {"type": "array", "minItems": 1, "maxItems": 50, "items": wanted_item()},
        "starts_on": date(),
        "ends_on": date(),
        "message": {"type": ["string", "null"], "maxLength": quotes::MESSAGE_MAX_CHARS}
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// A supplier's quote.
    NewQuoteDoc,
    "NewQuote",
    json!({"type": "object", "required": ["items", "valid_until"], "properties": {
        "items": {"type": "array", "minItems": 1, "maxItems": 50, "items": priced_item()},
        "valid_until": date(),
        "note": {"type": ["string", "null"], "maxLength": quotes::MESSAGE_MAX_CHARS}
    }})
);

fn quote_schema() -> Value {
    json!({"type": "object", "required": ["id", "request_id", "status", "items", "total_krw", "vat_krw", "valid_until", "note", "created_at"], "properties": {
        "id": uuid(), "request_id": uuid(),
        "status": {"type": "string", "enum": ["offered", "used", "withdrawn", "expired"]},
        "items": {"type": "array", "items": priced_item()},
        "total_krw": won(), "vat_krw": won(), "valid_until": date(), "note": {"type": "string"}, "created_at": datetime()
    }})
}

component!(
    /// A quote (견적).
    QuoteDoc,
    "Quote",
    quote_schema(),
    uses [super::schema::Uuid]
);

component!(
    /// A quote request with its quote once offered.
    QuoteRequestDoc,
    "QuoteRequest",
    json!({"type": "object", "required": ["id", "status", "project_id", "agency", "supplier", "service", "items", "starts_on", "ends_on", "message", "created_at", "quote"], "properties": {
        "id": uuid(),
        "status": {"type": "string", "enum": ["requested", "offered", "used", "withdrawn", "expired"]},
        "project_id": uuid_or_null(),
        "agency": party(),
        "supplier": {"type": "object", "required": ["id", "name"], "properties": {"id": uuid(), "name": {"type": "string"}}},
        "service": {"type": "object", "required": ["id", "code", "name"], "properties": {"id": uuid(), "code": {"type": "string"}, "name": {"type": "string"}}},
        "items": {"type": "array", "items": wanted_item()},
        "starts_on": date(), "ends_on": date(), "message": {"type": "string"}, "created_at": datetime(),
        "quote": nullable(reference("Quote"))
    }}),
    uses [super::schema::Uuid, QuoteDoc]
);

component!(
    /// A contract drafted from a quote (SPEC §4 "Buying").
    NewContractDoc,
    "NewContract",
    json!({"type": "object", "required": ["quote_id", "type", "fee_model", "billing", "budget_line_id"], "properties": {
        "quote_id": uuid(),
        "type": {"type": "string", "enum": ["one_off", "long_term", "unit_price", "joint"]},
        "fee_model": {"type": "string", "enum": contracts::FEE_MODELS},
        "billing": {"type": "string", "enum": contracts::BILLINGS},
        "budget_line_id": uuid(),
        "cap_krw": {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_AMOUNT_KRW},
        "starts_on": date(),
        "ends_on": date(),
        "installments": {"type": "array", "items": {"type": "object", "required": ["fiscal_year", "amount_krw"], "properties": {
            "fiscal_year": {"type": "integer", "minimum": 2000, "maximum": 2100}, "amount_krw": {"type": "integer", "minimum": 1, "maximum": MAX_AMOUNT_KRW},
            "budget_line_id": uuid()}}},
        "shares": {"type": "array", "items": {"type": "object", "required": ["supplier_id", "pct"], "properties": {
            "supplier_id": uuid(), "pct": {"type": "integer", "minimum": 1, "maximum": 99}}}},
        "decision_record_id": uuid_or_null()
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// A contract or an order (납품요구 orders answer the same shape).
    ContractDoc,
    "Contract",
    json!({"type": "object",
        "required": ["id", "method", "status", "type", "fee_model", "billing", "supplier", "agency", "items", "starts_on", "ends_on", "cap_krw", "total_krw", "text_hash", "decision_record_id", "time_to_contract"],
        "properties": {
            "id": uuid(),
            "method": {"type": "string", "enum": [contracts::NEGOTIATED, contracts::CATALOG, contracts::CALL_OFF]},
            "status": {"type": "string", "enum": ["draft", "signed", "active", "terminated", "ended", "data_returned", "closed", "requested", "confirmed", "refused"]},
            "type": {"type": "string", "enum": ["one_off", "long_term", "unit_price", "joint"]},
            "fee_model": {"type": "string", "enum": contracts::FEE_MODELS},
            "billing": {"type": "string", "enum": contracts::BILLINGS},
            "supplier": party(),
            "agency": party(),
            "items": {"type": "array", "items": {"type": "object", "required": ["service_id", "plan", "meter", "unit_price_krw", "quantity", "months"], "properties": {
                "service_id": uuid(), "code": {"type": "string"}, "name": {"type": "string"}, "plan": {"type": "string"}, "meter": {"type": "string"},
                "unit_price_krw": won(), "quantity": {"type": "integer", "minimum": 1}, "months": {"type": "integer", "minimum": 1}}}},
            "starts_on": date(),
            "ends_on": date(),
            "cap_krw": {"type": ["integer", "null"], "minimum": 0},
            "total_krw": won(),
            "vat_krw": won(),
            "budget_line_id": uuid_or_null(),
            "required_grade": grade(),
            "project_id": uuid_or_null(),
            "quote_id": uuid_or_null(),
            "catalog_contract_id": uuid_or_null(),
            "call_off_of": uuid_or_null(),
            "installments": {"type": "array", "items": {"type": "object", "required": ["fiscal_year", "amount_krw"], "properties": {"fiscal_year": {"type": "integer"}, "amount_krw": won()}}},
            "shares": {"type": "array", "items": {"type": "object", "required": ["supplier_id", "name", "pct", "amount_krw"], "properties": {
                "supplier_id": uuid(), "name": {"type": "string"}, "pct": {"type": "integer", "minimum": 1, "maximum": 99}, "amount_krw": won()}}},
            "text_hash": hash(),
            "accepted": {"type": "object", "properties": {"supplier": nullable(datetime()), "agency": nullable(datetime())}},
            "decision_record_id": uuid_or_null(),
            "signed_at": nullable(datetime()),
            "time_to_contract": nullable(json!({"type": "object", "required": ["from", "calendar_days", "business_days"], "properties": {
                "from": {"type": "string", "enum": ["shortlist", "quote_request", "delivery_request"]}, "started_at": datetime(),
                "calendar_days": count(), "business_days": count()}})),
            "ordered_krw": won(),
            "invoiced_krw": won(),
            "end_reason": {"type": ["string", "null"]},
            "created_at": datetime()
        }
    }),
    uses [super::schema::Uuid]
);

component!(
    /// The exact contract text and its hash.
    ContractTextDoc,
    "ContractText",
    json!({"type": "object", "required": ["text", "text_hash"], "properties": {"text": {"type": "string"}, "text_hash": hash()}})
);

component!(
    /// An acceptance by the hash of the text read.
    AcceptDoc,
    "Acceptance",
    json!({"type": "object", "required": ["text_hash"], "properties": {"text_hash": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": NOT_BLANK}}})
);

component!(
    /// A reason (a refusal, a termination).
    ReasonDoc,
    "ReasonBody",
    reason_body()
);

component!(
    /// A proposed change: any subset of the end date, the cap and the lines, with a reason.
    NewAmendmentDoc,
    "NewAmendment",
    json!({"type": "object", "required": ["changes", "reason"], "properties": {
        "changes": {"type": "object", "minProperties": 1, "properties": {
            "ends_on": date(),
            "cap_krw": {"type": "integer", "minimum": 0, "maximum": MAX_AMOUNT_KRW},
            "items": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["plan", "unit_price_krw", "quantity", "months"], "properties": {
                "service_id": uuid(), "plan": {"type": "string", "minLength": 1}, "unit_price_krw": {"type": "integer", "minimum": 0, "maximum": gureum_domain::money::MAX_PRICE},
                "quantity": positive(1_000_000), "months": positive(120)}}}
        }},
        "reason": text(REASON_MAX_CHARS)
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// An amendment (변경계약).
    AmendmentDoc,
    "Amendment",
    json!({"type": "object", "required": ["id", "contract_id", "proposed_by", "status", "changes", "reason", "text_hash", "created_at"], "properties": {
        "id": uuid(), "contract_id": uuid(),
        "proposed_by": {"type": "string", "enum": ["agency", "supplier"]},
        "status": {"type": "string", "enum": ["proposed", "accepted", "refused"]},
        "changes": {"type": "object"}, "reason": {"type": "string"}, "text_hash": hash(),
        "answer_reason": {"type": ["string", "null"]}, "created_at": datetime(), "answered_at": nullable(datetime())
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// A PPS master contract over a supplier's listings.
    NewCatalogContractDoc,
    "NewCatalogContract",
    json!({"type": "object", "required": ["supplier_id", "number", "items", "starts_on", "ends_on"], "properties": {
        "supplier_id": uuid(),
        "number": text(100),
        "items": {"type": "array", "minItems": 1, "maxItems": 200, "items": {"type": "object", "required": ["service_id", "plan", "unit_price_krw"], "properties": {
            "service_id": uuid(), "plan": {"type": "string", "minLength": 1}, "unit_price_krw": {"type": "integer", "minimum": 0, "maximum": gureum_domain::money::MAX_PRICE}}}},
        "starts_on": date(),
        "ends_on": date()
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// A catalog (master) contract (카탈로그 계약).
    CatalogContractDoc,
    "CatalogContract",
    json!({"type": "object", "required": ["id", "number", "supplier", "items", "starts_on", "ends_on", "status", "created_at"], "properties": {
        "id": uuid(), "number": {"type": "string"}, "supplier": party(),
        "items": {"type": "array", "items": {"type": "object", "required": ["service_id", "plan", "unit_price_krw"], "properties": {
            "service_id": uuid(), "code": {"type": "string"}, "name": {"type": "string"}, "plan": {"type": "string"}, "meter": {"type": "string"}, "unit_price_krw": won()}}},
        "starts_on": date(), "ends_on": date(),
        "status": {"type": "string", "enum": ["upcoming", "running", "ended"]},
        "created_at": datetime()
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// A delivery request (납품요구) against a catalog contract, or a call-off order under a
    /// unit-price contract (`contract_id` instead of `catalog_contract_id`).
    NewDeliveryRequestDoc,
    "NewDeliveryRequest",
    json!({"type": "object", "required": ["items"], "properties": {
        "catalog_contract_id": uuid(),
        "contract_id": uuid(),
        "items": {"type": "array", "minItems": 1, "maxItems": 50, "items": {"type": "object", "required": ["service_id", "plan", "quantity", "months"], "properties": {
            "service_id": uuid(), "plan": {"type": "string", "minLength": 1}, "quantity": positive(1_000_000), "months": positive(120)}}},
        "budget_line_id": uuid(),
        "required_grade": grade(),
        "starts_on": date(),
        "ends_on": date()
    }}),
    uses [super::schema::Uuid]
);

component!(
    /// How a contract came about: a negotiated contract, a delivery request against a catalog
    /// contract, a call-off order under a unit-price contract.
    TtcMethodDoc,
    "ContractMethod",
    json!({"type": "string", "enum": stats::METHODS})
);

fn figures() -> Value {
    json!({"type": "object", "required": ["count", "median_days", "p90_days"], "properties": {
        "count": count(), "median_days": {"type": ["integer", "null"]}, "p90_days": {"type": ["integer", "null"]},
        "median_business_days": {"type": ["integer", "null"]}, "within_target": count()}})
}

component!(
    /// Time to contract in aggregate.
    TimeToContractDoc,
    "TimeToContractStats",
    json!({"type": "object", "required": ["count", "median_days", "p90_days", "target_days", "by_method"], "properties": {
        "count": count(), "median_days": {"type": ["integer", "null"]}, "p90_days": {"type": ["integer", "null"]},
        "median_business_days": {"type": ["integer", "null"]}, "within_target": count(),
        "target_days": {"type": "integer", "const": gureum_domain::buying::TARGET_DAYS},
        "by_method": {"type": "object", "additionalProperties": figures()},
        "from": nullable(date()), "to": nullable(date())
    }})
);

fn ok<T: serde::Serialize>(v: T) -> Result<Json<Value>, AppError> {
    Ok(Json(serde_json::to_value(v).map_err(|e| AppError::from(gureum_app::Error::internal(e)))?))
}

fn created<T: serde::Serialize>(v: T) -> Result<(StatusCode, Json<Value>), AppError> {
    Ok((StatusCode::CREATED, ok(v)?))
}

// ───────────────────────────── Projects ─────────────────────────────

/// Open a procurement project (buyer).
#[utoipa::path(post, path = "/api/v1/projects", tag = "buying", request_body = NewProjectDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Opened", body = ProjectDoc),
        (status = 400, description = "invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a buyer", body = ErrorBody),
    ))]
pub async fn create_project(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(BUYER))?;
    created(projects::create(&state, p, &body_value(&body)?, request_id(&headers)).await?)
}

/// The caller's agency's projects, newest first (buyer, budget officer, signatory).
#[utoipa::path(get, path = "/api/v1/projects", tag = "buying", security(("bearer" = [])),
    responses(
        (status = 200, description = "The projects", body = Vec<ProjectDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not of an agency", body = ErrorBody),
    ))]
pub async fn list_projects(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(buying::AGENCY_READERS))?;
    ok(projects::list(&state, p).await?)
}

/// One project of the caller's agency.
#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The project", body = ProjectDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not of an agency", body = ErrorBody),
        (status = 404, description = "not_found: no such project in the caller's agency", body = ErrorBody),
    ))]
pub async fn get_project(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(buying::AGENCY_READERS))?;
    ok(projects::get(&state, p, &id).await?)
}

/// Run a search from the project and record it: its results' listed revisions join the long list
/// (at most 100 services; `left_out` counts the new ones that did not fit).
#[utoipa::path(post, path = "/api/v1/projects/{id}/searches", tag = "buying", request_body = ProjectSearchParamsDoc,
    params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Recorded", body = SearchAnswerDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, or a search parameter's code (invalid_kind, invalid_price, …)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a buyer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "project_decided, invalid_status", body = ErrorBody),
    ))]
pub async fn record_search(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(BUYER))?;
    ok(projects::record_search(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Set the short list: 1–10 services of the long list.
#[utoipa::path(put, path = "/api/v1/projects/{id}/shortlist", tag = "buying", request_body = ShortlistDoc,
    params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Set", body = ProjectDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, shortlist_size, not_in_long_list", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a buyer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "project_decided, invalid_status", body = ErrorBody),
    ))]
pub async fn set_shortlist(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::AnyRole(BUYER))?;
    ok(projects::set_shortlist(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Choose from the short list with a reason: freezes the decision record.
#[utoipa::path(post, path = "/api/v1/projects/{id}/decision", tag = "buying", request_body = DecisionDoc,
    params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 201, description = "The decision record", body = DecisionRecordDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, not_in_short_list, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a buyer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "project_decided, invalid_status", body = ErrorBody),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(BUYER))?;
    created(projects::decide(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// A decision record as JSON, or as CSV when the id ends in `.csv`: for the agency's buyers,
/// budget officers and signatories, the operator, the auditor and the supplier of a contract
/// citing it.
#[utoipa::path(get, path = "/api/v1/decision-records/{id}", tag = "buying",
    params(("id" = String, Path, pattern = "^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}(\\.csv)?$", description = "The record's id; with `.csv` the CSV form")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The record", content(
            (DecisionRecordDoc = "application/json"),
            (String = "text/csv")
        )),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found: no such record, or not the caller's to read", body = ErrorBody),
    ))]
pub async fn get_decision_record(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Response, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let (id, csv) = match id.strip_suffix(".csv") {
        Some(id) => (id, true),
        None => (id.as_str(), false),
    };
    let record = projects::record(&state, p, id).await?;
    if csv {
        let disposition = format!("attachment; filename=\"decision-record-{id}.csv\"");
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, disposition)],
            projects::record_csv(&record),
        )
            .into_response());
    }
    Ok(Json(record).into_response())
}

// ───────────────────────────── Quotes ─────────────────────────────

/// Ask a supplier for a quote on a listed service (buyer).
#[utoipa::path(post, path = "/api/v1/quote-requests", tag = "buying", request_body = NewQuoteRequestDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Requested", body = QuoteRequestDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, items_required, unknown_plan, invalid_quantity, invalid_period", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a buyer", body = ErrorBody),
        (status = 404, description = "not_found: no such public service or project", body = ErrorBody),
        (status = 409, description = "invalid_status: the project is cancelled", body = ErrorBody),
    ))]
pub async fn create_quote_request(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(BUYER))?;
    created(quotes::request(&state, p, &body_value(&body)?, request_id(&headers)).await?)
}

/// The caller's quote requests: an agency's own, or those sent to the caller's supplier.
#[utoipa::path(get, path = "/api/v1/quote-requests", tag = "buying", security(("bearer" = [])),
    responses(
        (status = 200, description = "The requests, newest first", body = Vec<QuoteRequestDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: neither an agency's nor a supplier's", body = ErrorBody),
    ))]
pub async fn list_quote_requests(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(quotes::list(&state, p).await?)
}

/// One quote request, for its agency and its supplier.
#[utoipa::path(get, path = "/api/v1/quote-requests/{id}", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The request", body = QuoteRequestDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_quote_request(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(quotes::get(&state, p, &id).await?)
}

/// Answer a quote request within the listed prices (the supplier).
#[utoipa::path(post, path = "/api/v1/quote-requests/{id}/quotes", tag = "buying", request_body = NewQuoteDoc,
    params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 201, description = "Offered", body = QuoteDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, items_required, unknown_plan, invalid_quantity, price_above_listed, amount_too_large", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: the agency's side", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: already answered", body = ErrorBody),
    ))]
pub async fn offer_quote(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    created(quotes::offer(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Withdraw a quote until a contract is drafted from it (the supplier).
#[utoipa::path(post, path = "/api/v1/quotes/{id}/withdraw", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Withdrawn", body = QuoteRequestDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: the agency's side", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: used, withdrawn or expired", body = ErrorBody),
    ))]
pub async fn withdraw_quote(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(quotes::withdraw(&state, p, &id, request_id(&headers)).await?)
}

// ───────────────────────────── Contracts ─────────────────────────────

/// Draft a contract from a quote (buyer): the certification gate and the budget are checked as
/// it is written.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "buying", request_body = NewContractDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Drafted", body = ContractDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, invalid_period, shares_not_100, invalid_shares, installments_not_total, invalid_installments", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a buyer", body = ErrorBody),
        (status = 404, description = "not_found: no such quote, budget line or decision record of the agency", body = ErrorBody),
        (status = 409, description = "not_orderable (with reason), budget_exceeded, quote_expired, invalid_status", body = ErrorBody),
    ))]
pub async fn create_contract(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(BUYER))?;
    created(contracts::create(&state, p, &body_value(&body)?, request_id(&headers)).await?)
}

/// The caller's contracts (an agency's, a supplier's; every one for the operator and the auditor).
#[utoipa::path(get, path = "/api/v1/contracts", tag = "buying", security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = Vec<ContractDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_contracts(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(contracts::list(&state, p, &[contracts::NEGOTIATED]).await?)
}

/// One contract, for its parties, the operator and the auditor.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The contract", body = ContractDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_contract(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(contracts::get(&state, p, &id).await?)
}

/// The exact contract text and its hash.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/text", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The text", body = ContractTextDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn contract_text(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let (text, text_hash) = contracts::text(&state, p, &id).await?;
    Ok(Json(json!({"text": text, "text_hash": text_hash})))
}

/// Accept the contract text by its hash (the supplier's admin, the agency's signatory).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/accept", tag = "buying", request_body = AcceptDoc, params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted (signed once both sides have)", body = ContractDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a party's other roles", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "text_changed, invalid_status", body = ErrorBody),
    ))]
pub async fn accept_contract(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(contracts::accept(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// A contract's amendments, oldest first.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/amendments", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The amendments", body = Vec<AmendmentDoc>),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn list_amendments(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(amendments::list(&state, p, &id).await?)
}

/// Propose an amendment (either party: the buyer or signatory, or the supplier's admin).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/amendments", tag = "buying", request_body = NewAmendmentDoc, params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 201, description = "Proposed", body = AmendmentDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required, invalid_period, unknown_plan, price_above_listed, invalid_quantity", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a party's other roles", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "below_invoiced, amendment_pending, invalid_status", body = ErrorBody),
    ))]
pub async fn propose_amendment(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    created(amendments::propose(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Accept an amendment by the hash of the text it gives (the other side).
#[utoipa::path(post, path = "/api/v1/amendments/{id}/accept", tag = "buying", request_body = AcceptDoc, params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Accepted: the contract's text and figures changed", body = AmendmentDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden, own_amendment", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "text_changed, budget_exceeded, below_invoiced, invalid_status", body = ErrorBody),
    ))]
pub async fn accept_amendment(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(amendments::accept(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Refuse an amendment with a reason (the other side).
#[utoipa::path(post, path = "/api/v1/amendments/{id}/refuse", tag = "buying", request_body = ReasonDoc, params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Refused", body = AmendmentDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden, own_amendment", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn refuse_amendment(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(amendments::refuse(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// Terminate a signed or active contract early with a reason (either party); the data return
/// begins.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/terminate", tag = "buying", request_body = ReasonDoc, params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Terminated", body = ContractDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a party's other roles", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn terminate_contract(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(amendments::terminate(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// The supplier's admin reports the data returned and destroyed (after termination or the end).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/data-return", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Reported", body = ContractDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the supplier's admin", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn data_return(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(amendments::data_return(&state, p, &id, request_id(&headers)).await?)
}

/// The agency confirms the data return (buyer or signatory).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/data-return/confirm", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Confirmed: closed", body = ContractDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn confirm_data_return(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(amendments::confirm_data_return(&state, p, &id, request_id(&headers)).await?)
}

// ───────────────────────────── Catalog channel ─────────────────────────────

/// Record a PPS master contract over a supplier's listings (`pps`).
#[utoipa::path(post, path = "/api/v1/catalog-contracts", tag = "buying", request_body = NewCatalogContractDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = CatalogContractDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, items_required, unknown_plan, price_above_listed, invalid_period", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the PPS", body = ErrorBody),
        (status = 404, description = "not_found: no such supplier or public service", body = ErrorBody),
        (status = 409, description = "catalog_number_taken, not_orderable", body = ErrorBody),
    ))]
pub async fn create_catalog_contract(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(catalog::PPS))?;
    created(catalog::create(&state, p, &body_value(&body)?, request_id(&headers)).await?)
}

/// Catalog contracts: every one for agencies, the PPS, the operator and the auditor; a
/// supplier's own for a supplier.
#[utoipa::path(get, path = "/api/v1/catalog-contracts", tag = "buying", security(("bearer" = [])),
    responses(
        (status = 200, description = "Latest start first", body = Vec<CatalogContractDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_catalog_contracts(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(catalog::list(&state, p).await?)
}

/// One catalog contract.
#[utoipa::path(get, path = "/api/v1/catalog-contracts/{id}", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The catalog contract", body = CatalogContractDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_catalog_contract(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(catalog::get(&state, p, &id).await?)
}

/// Place a delivery request at a catalog contract's unit prices, or a call-off under a
/// unit-price contract (buyer).
#[utoipa::path(post, path = "/api/v1/delivery-requests", tag = "buying", request_body = NewDeliveryRequestDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Requested: the order", body = ContractDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, items_required, invalid_quantity, invalid_period", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a buyer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "catalog_contract_ended, catalog_contract_not_started, not_orderable, budget_exceeded, cap_exceeded, invalid_status", body = ErrorBody),
    ))]
pub async fn create_delivery_request(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(BUYER))?;
    created(catalog::request(&state, p, &body_value(&body)?, request_id(&headers)).await?)
}

/// The caller's orders (delivery requests and call-offs).
#[utoipa::path(get, path = "/api/v1/orders", tag = "buying", security(("bearer" = [])),
    responses(
        (status = 200, description = "Newest first", body = Vec<ContractDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
    ))]
pub async fn list_orders(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(contracts::list(&state, p, &[contracts::CATALOG, contracts::CALL_OFF]).await?)
}

/// One order.
#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The order", body = ContractDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_order(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(catalog::order(&state, p, &id).await?)
}

/// The supplier confirms a delivery request.
#[utoipa::path(post, path = "/api/v1/orders/{id}/confirm", tag = "buying", params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Confirmed", body = ContractDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: the agency's side", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn confirm_order(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(catalog::confirm(&state, p, &id, request_id(&headers)).await?)
}

/// The supplier refuses a delivery request with a reason; its budget goes back.
#[utoipa::path(post, path = "/api/v1/orders/{id}/refuse", tag = "buying", request_body = ReasonDoc, params(("id" = super::schema::Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Refused", body = ContractDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: the agency's side", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status", body = ErrorBody),
    ))]
pub async fn refuse_order(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(catalog::refuse(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

// ───────────────────────────── Statistics ─────────────────────────────

/// Time to contract in aggregate (public): count, median and 90th percentile of calendar days
/// against the 14-day target, in all and by method.
#[utoipa::path(get, path = "/api/v1/stats/time-to-contract", tag = "buying",
    params(
        ("method" = Option<TtcMethodDoc>, Query, description = "negotiated, catalog or call_off"),
        ("from" = Option<String>, Query, format = Date, description = "Signed on or after (Asia/Seoul)"),
        ("to" = Option<String>, Query, format = Date, description = "Signed on or before (Asia/Seoul); not before from"),
    ),
    responses(
        (status = 200, description = "The figures", body = TimeToContractDoc),
        (status = 400, description = "invalid_parameter, invalid_date", body = ErrorBody),
    ))]
pub async fn time_to_contract(State(state): State<AppState>, _auth: MaybeAuth, RawQuery(raw): RawQuery) -> Result<Json<Value>, AppError> {
    let pairs = gureum_app::query::pairs(raw.as_deref());
    let get = |k: &str| pairs.iter().rev().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    ok(stats::time_to_contract(&state, get("method"), get("from"), get("to")).await?)
}

component!(
    /// One thing waiting on the caller.
    TaskDoc,
    "Task",
    json!({"type": "object", "required": ["kind", "id", "title", "link", "since"], "properties": {
        "kind": {"type": "string", "enum": ["answer_quote", "use_quote", "accept_contract", "confirm_order", "answer_amendment", "return_data", "confirm_data_return"]},
        "id": uuid(), "title": {"type": "string"}, "link": {"type": "string"}, "since": datetime()
    }}),
    uses [super::schema::Uuid]
);

/// What waits on the caller in buying (quotes to answer, texts to accept, orders to confirm,
/// amendments to answer, data returns), oldest first; empty for roles that wait on nothing here.
#[utoipa::path(get, path = "/api/v1/worklist", tag = "buying", security(("bearer" = [])),
    responses(
        (status = 200, description = "The tasks", body = Vec<TaskDoc>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
    ))]
pub async fn worklist(State(state): State<AppState>, auth: Auth) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(tasks::tasks(&state, p).await?)
}
