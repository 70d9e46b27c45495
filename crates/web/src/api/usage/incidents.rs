//! Incidents (사후관리) and a contract's monthly availability against the SLA (SPEC §4 "Usage,
//! invoices and post-management"). Extract, call `gureum_app::usage::incidents`, answer.

use crate::api::review::body_value;
use crate::api::schema::{Uuid, component, reference, text};
use crate::auth::{Auth, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::usage::incidents;
use serde_json::{Value, json};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_incidents, create_incident))
        .routes(routes!(get_incident))
        .routes(routes!(resolve_incident))
        .routes(routes!(confirm_incident))
        .routes(routes!(contest_incident))
        .routes(routes!(contract_availability))
}

fn datetime() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn nullable(v: Value) -> Value {
    json!({"anyOf": [v, {"type": "null"}]})
}

fn ok<T: serde::Serialize>(v: T) -> Result<Json<Value>, AppError> {
    Ok(Json(serde_json::to_value(v).map_err(|e| AppError::from(gureum_app::Error::internal(e)))?))
}

component!(
    /// A new incident: `ended_at` absent or null while the outage goes on; `announced` (default
    /// false) marks announced maintenance, which notifies nobody and does not count against the
    /// SLA: only the supplier announces, and only before it starts (`started_at` ahead; `ended_at`
    /// then its planned end). An agency's report is `pending` until the supplier confirms or
    /// contests it.
    NewIncidentDoc,
    "NewIncident",
    json!({"type": "object", "required": ["service_id", "started_at", "description"], "properties": {
        "service_id": reference("Uuid"),
        "started_at": datetime(),
        "ended_at": nullable(datetime()),
        "announced": {"type": "boolean", "default": false},
        "description": text(incidents::MAX_DESCRIPTION_CHARS)
    }}),
    uses [Uuid]
);

component!(
    /// The end of an open incident.
    ResolveIncidentDoc,
    "ResolveIncident",
    json!({"type": "object", "required": ["ended_at"], "properties": {"ended_at": datetime()}})
);

component!(
    /// Why the supplier contests an agency's report.
    ContestIncidentDoc,
    "ContestIncident",
    json!({"type": "object", "required": ["reason"], "properties": {"reason": text(gureum_domain::buying::REASON_MAX_CHARS)}})
);

component!(
    /// An incident of a service.
    IncidentDoc,
    "Incident",
    json!({"type": "object", "required": ["id", "service_id", "service_name", "supplier_id", "reported_by", "reporter_org_id", "started_at", "ended_at", "open", "minutes", "announced", "description", "notified_at", "confirmation", "contest_reason", "created_at"], "properties": {
        "id": reference("Uuid"), "service_id": reference("Uuid"), "service_name": {"type": "string"}, "supplier_id": reference("Uuid"),
        "reported_by": {"type": "string", "description": "The user id (or token:<id>) who recorded it"},
        "reporter_org_id": reference("Uuid"),
        "started_at": datetime(), "ended_at": nullable(datetime()),
        "open": {"type": "boolean"},
        "minutes": {"type": "integer", "minimum": 0, "description": "Whole minutes from start to end (to now while open)"},
        "announced": {"type": "boolean"},
        "description": {"type": "string"},
        "notified_at": {"anyOf": [datetime(), {"type": "null"}], "description": "When the agencies using the service were told of this unannounced outage of 10 minutes or more; null otherwise"},
        "confirmation": {"type": "string", "enum": ["confirmed", "pending", "contested"], "description": "confirmed: counts against the SLA of every agency using the service (the supplier's own record, or a report it confirmed); pending: an agency's report awaiting the supplier, counting for that agency's contracts; contested: counts for none"},
        "contest_reason": {"type": ["string", "null"]},
        "created_at": datetime()
    }}),
    uses [Uuid]
);

component!(
    /// One service's availability in one month (Asia/Seoul) against its SLA: unannounced outages
    /// only (announced maintenance does not count), overlapping reports once, an open outage up to now.
    AvailabilityDoc,
    "Availability",
    json!({"type": "object", "required": ["service_id", "month", "outage_minutes", "availability_pct", "sla_pct", "credit_pct", "below_sla"], "properties": {
        "service_id": reference("Uuid"),
        "month": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"},
        "outage_minutes": {"type": "integer", "minimum": 0},
        "availability_pct": {"type": "number", "minimum": 0, "maximum": 100, "description": "1 − outage minutes / minutes in the month, in percent, three decimals rounded down"},
        "sla_pct": {"type": ["number", "null"]},
        "credit_pct": {"type": ["number", "null"]},
        "below_sla": {"type": "boolean"}
    }}),
    uses [Uuid]
);

#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct IncidentsQuery {
    /// Only this service's incidents.
    #[param(value_type = Option<Uuid>)]
    service_id: Option<String>,
    /// true: only those still going on.
    #[param(value_type = Option<bool>)]
    open: Option<String>,
}

#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AvailabilityQuery {
    /// One month (`2026-11`, years 2000–2100); default the months of the contract so far, at most 12.
    #[param(value_type = Option<String>, pattern = "^(20[0-9]{2}|2100)-(0[1-9]|1[0-2])$")]
    month: Option<String>,
}

fn one<'a>(pairs: &'a [(String, String)], key: &str) -> Result<Option<&'a str>, AppError> {
    let all: Vec<&str> = pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect();
    if all.len() > 1 {
        return Err(AppError::new(gureum_app::Code::InvalidField, format!("{key}: give it once")));
    }
    // an empty value counts as absent (a form sends its unused fields empty)
    Ok(all.first().copied().filter(|v| !v.is_empty()))
}

/// The caller's incidents, newest first: a supplier's services', an agency's (services it holds
/// or held a contract or order for, and those it reported); every one for the operator and the auditor.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "usage", params(IncidentsQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "The incidents (at most 500)", body = Vec<IncidentDoc>),
        (status = 400, description = "invalid_id (service_id), invalid_field (open)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier, an agency member, the operator or the auditor", body = ErrorBody),
    ))]
pub async fn list_incidents(State(state): State<AppState>, auth: Auth, RawQuery(raw): RawQuery) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let pairs = gureum_app::query::pairs(raw.as_deref());
    ok(incidents::list(&state, p, one(&pairs, "service_id")?, one(&pairs, "open")?).await?)
}

/// Record an incident: the service's supplier, or a buyer, budget officer or signatory of an
/// agency holding a signed contract or confirmed order for it. An unannounced outage of 10
/// minutes or more (ended, or going on for that long already) notifies every user of each agency
/// with a contract or order in force for the service, once, in the app and by e-mail.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "usage", request_body = NewIncidentDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = IncidentDoc),
        (status = 400, description = "invalid_body, invalid_field (started_at in the future for an outage, ended_at before the start or in the future, description 1–2000 characters, announced by an agency or for a time already begun), invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "no_contract: an agency without a contract or order for the service; forbidden: any other role", body = ErrorBody),
        (status = 404, description = "not_found: no such public service", body = ErrorBody),
    ))]
pub async fn create_incident(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let v = incidents::create(&state, p, &body_value(&body)?, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, ok(v)?))
}

/// One incident (its supplier, the reporting organisation, agencies with a contract for the
/// service, the operator, the auditor).
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "usage", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The incident", body = IncidentDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_incident(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(incidents::get(&state, p, &id).await?)
}

/// Resolve an open incident with its end (the service's supplier or the reporter).
#[utoipa::path(post, path = "/api/v1/incidents/{id}/resolve", tag = "usage", request_body = ResolveIncidentDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Resolved", body = IncidentDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field (ended_at)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: a reader that is neither the supplier nor the reporter", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: already resolved", body = ErrorBody),
    ))]
pub async fn resolve_incident(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(incidents::resolve(&state, p, &id, &body_value(&body)?, request_id(&headers)).await?)
}

/// The supplier confirms an agency's pending report: it then counts against the SLA of every
/// agency using the service (the credit goes on the next invoice). The reporting agency is told.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/confirm", tag = "usage", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Confirmed", body = IncidentDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the service's supplier", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not a report awaiting the supplier", body = ErrorBody),
    ))]
pub async fn confirm_incident(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(incidents::answer(&state, p, &id, true, &json!({}), request_id(&headers)).await?)
}

/// The supplier contests an agency's pending report with a reason: it then counts against no
/// SLA (the agency may dispute the invoice). The reporting agency is told.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/contest", tag = "usage", request_body = ContestIncidentDoc, params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Contested", body = IncidentDoc),
        (status = 400, description = "invalid_id, invalid_body, reason_required, invalid_reason (over 2,000 characters)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the service's supplier", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not a report awaiting the supplier", body = ErrorBody),
    ))]
pub async fn contest_incident(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(incidents::answer(&state, p, &id, false, &body_value(&body)?, request_id(&headers)).await?)
}

/// A contract's monthly availability per service against the SLA (its parties, the operator,
/// the auditor).
#[utoipa::path(get, path = "/api/v1/contracts/{id}/availability", tag = "usage", params(("id" = Uuid, Path), AvailabilityQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "Per service and month", body = Vec<AvailabilityDoc>),
        (status = 400, description = "invalid_id, invalid_field (month)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn contract_availability(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    let pairs = gureum_app::query::pairs(raw.as_deref());
    ok(incidents::availability(&state, p, &id, one(&pairs, "month")?).await?)
}
