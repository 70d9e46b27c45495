//! The demand forecast (수요예보; SPEC §4 "Demand forecast (수요예보) and statistics"): surveys,
//! an agency's response system by system, its submission, the public report (JSON and CSV) and
//! the operator's response rate. Extract, call `gureum_app::forecast`, answer.

use crate::api::review::body_value;
use crate::api::schema::{Uuid, component, reference, text};
use crate::auth::{Auth, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gureum_app::forecast::{report, response, surveys};
use gureum_domain::forecast::{self as rules, AgencyKind, Change, Hosting, NoPlanReason, TargetType};
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_surveys, create_survey))
        .routes(routes!(get_survey))
        .routes(routes!(get_response))
        .routes(routes!(put_system, delete_system))
        .routes(routes!(submit_response))
        .routes(routes!(get_report))
        .routes(routes!(get_report_csv))
        .routes(routes!(get_progress))
}

fn ok<T: serde::Serialize>(v: T) -> Result<Json<Value>, AppError> {
    Ok(Json(serde_json::to_value(v).map_err(AppError::internal)?))
}

// ───────────────────────────── Schemas ─────────────────────────────

fn date() -> Value {
    json!({"type": "string", "format": "date"})
}

fn datetime() -> Value {
    json!({"type": "string", "format": "date-time"})
}

fn counts(keys: Option<Vec<&'static str>>, what: &str) -> Value {
    let mut v = json!({"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}, "description": what});
    // Every listed value is there, zeros too — except in a withheld report, whose breakdowns are empty.
    if let Some(k) = keys {
        v["description"] = json!(format!("{what}: every one of {} (0 too) unless the report is withheld, then empty", k.join(", ")));
    }
    v
}

fn year() -> Value {
    json!({"type": "integer", "minimum": rules::MIN_YEAR, "maximum": rules::MAX_YEAR})
}

fn code_or_null(codes: Vec<&'static str>) -> Value {
    let mut with_null: Vec<Value> = codes.into_iter().map(Value::from).collect();
    with_null.push(Value::Null);
    json!({"type": ["string", "null"], "enum": with_null})
}

component!(
    /// A survey to open (the operator).
    NewSurveyDoc,
    "NewForecastSurvey",
    json!({"type": "object", "required": ["year", "opens_on", "closes_on"], "properties": {
        "year": year(),
        "opens_on": date(),
        "closes_on": {"type": "string", "format": "date", "description": "On or after opens_on (else 400 invalid_field)"}
    }})
);

component!(
    /// A survey.
    SurveyDoc,
    "ForecastSurvey",
    json!({"type": "object", "required": ["id", "year", "opens_on", "closes_on", "status", "created_at"], "properties": {
        "id": reference("Uuid"), "year": {"type": "integer"}, "opens_on": date(), "closes_on": date(),
        "status": {"type": "string", "enum": ["scheduled", "open", "closed"], "description": "Where the survey stands today (Asia/Seoul)"},
        "created_at": datetime()
    }}),
    uses [Uuid]
);

component!(
    /// One information system's answer (the key is in the path).
    SystemInputDoc,
    "ForecastSystemInput",
    json!({"type": "object", "required": ["name", "current_hosting"], "properties": {
        "name": text(rules::MAX_NAME_CHARS),
        "current_hosting": {"type": "string", "enum": Hosting::codes()},
        "planned_year": {"anyOf": [year(), {"type": "null"}], "description": "The year it moves to cloud; without one, no_plan_reason is required (else 400 reason_required)"},
        "target_type": code_or_null(TargetType::codes()),
        "change": code_or_null(Change::codes()),
        "functions": {"type": ["array", "null"], "maxItems": rules::MAX_FUNCTIONS,
            "items": {"type": "string", "maxLength": rules::MAX_FUNCTION_CHARS}, "description": "Trimmed; blanks and repeats dropped"},
        "budget_krw": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": rules::MAX_KRW}, {"type": "null"}], "description": "Whole won"},
        "no_plan_reason": {"type": ["string", "null"], "enum": NoPlanReason::codes().into_iter().map(Value::from).chain([Value::Null]).collect::<Vec<_>>(),
            "description": "Why there is no plan; dropped when planned_year is given"}
    }})
);

component!(
    /// A system as answered.
    SystemDoc,
    "ForecastSystem",
    json!({"type": "object", "required": ["key", "name", "current_hosting", "planned_year", "target_type", "change", "functions", "budget_krw", "no_plan_reason", "updated_at"],
        "properties": {
            "key": {"type": "string", "pattern": rules::KEY_PATTERN},
            "name": {"type": "string"},
            "current_hosting": {"type": "string", "enum": Hosting::codes()},
            "planned_year": {"type": ["integer", "null"]},
            "target_type": code_or_null(TargetType::codes()),
            "change": code_or_null(Change::codes()),
            "functions": {"type": "array", "items": {"type": "string"}},
            "budget_krw": {"type": ["integer", "null"], "minimum": 0},
            "no_plan_reason": code_or_null(NoPlanReason::codes()),
            "updated_at": datetime()
        }})
);

component!(
    /// An agency's response with its systems.
    ResponseDoc,
    "ForecastResponse",
    json!({"type": "object", "required": ["id", "survey_id", "organisation_id", "status", "submitted_at", "prefilled", "open", "systems"], "properties": {
        "id": reference("Uuid"), "survey_id": reference("Uuid"), "organisation_id": reference("Uuid"),
        "status": {"type": "string", "enum": ["draft", "submitted"]},
        "submitted_at": {"anyOf": [datetime(), {"type": "null"}]},
        "prefilled": {"type": "boolean", "description": "Whether the systems were copied from the agency's answer to an earlier survey"},
        "open": {"type": "boolean", "description": "Whether it can be changed and submitted today"},
        "systems": {"type": "array", "items": reference("ForecastSystem")}
    }}),
    uses [Uuid, SystemDoc]
);

component!(
    /// The public report of a survey: counts over submitted answers, no agency named.
    ReportDoc,
    "ForecastReport",
    json!({"type": "object", "required": ["survey", "withheld", "agencies_asked", "agencies_answered", "response_rate", "systems", "by_target_type", "by_planned_year", "by_agency_kind", "by_hosting", "by_function", "no_plan_reasons", "budget_krw"],
        "properties": {
            "survey": reference("ForecastSurvey"),
            "withheld": {"type": "boolean", "description": "Fewer than 3 agencies submitted: every breakdown is empty and systems and budget_krw are 0, so that no single agency's answer is public (k-anonymity). A function named by fewer than 3 agencies is counted as \"other\"."},
            "agencies_asked": {"type": "integer", "minimum": 0},
            "agencies_answered": {"type": "integer", "minimum": 0},
            "response_rate": {"type": "number", "minimum": 0, "maximum": 100, "description": "Percent, one decimal"},
            "systems": {"type": "integer", "minimum": 0},
            "by_target_type": counts(Some(TargetType::codes()), "Planned systems by target type (\"unspecified\" for a planned system without one)"),
            "by_planned_year": counts(None, "Planned systems by planned year"),
            "by_agency_kind": counts(Some(AgencyKind::codes()), "Systems by agency kind"),
            "by_hosting": counts(Some(Hosting::codes()), "Systems by current hosting"),
            "by_function": counts(None, "Planned systems by function needed"),
            "no_plan_reasons": counts(Some(NoPlanReason::codes()), "Systems without a plan by reason"),
            "budget_krw": {"type": "integer", "minimum": 0, "description": "The budget estimates of planned systems, summed"}
        }}),
    uses [SurveyDoc]
);

component!(
    /// The response rate by agency kind and the agencies still missing (the operator, the auditor).
    ProgressDoc,
    "ForecastProgress",
    json!({"type": "object", "required": ["survey", "agencies_asked", "agencies_answered", "response_rate", "by_agency_kind", "missing"], "properties": {
        "survey": reference("ForecastSurvey"),
        "agencies_asked": {"type": "integer", "minimum": 0},
        "agencies_answered": {"type": "integer", "minimum": 0},
        "response_rate": {"type": "number", "minimum": 0, "maximum": 100},
        "by_agency_kind": {"type": "array", "items": {"type": "object", "required": ["agency_kind", "asked", "answered", "response_rate"], "properties": {
            "agency_kind": {"type": "string", "enum": AgencyKind::codes()},
            "asked": {"type": "integer", "minimum": 0}, "answered": {"type": "integer", "minimum": 0},
            "response_rate": {"type": "number", "minimum": 0, "maximum": 100}
        }}},
        "missing": {"type": "array", "items": {"type": "object", "required": ["organisation_id", "name", "agency_kind", "systems"], "properties": {
            "organisation_id": reference("Uuid"), "name": {"type": "string"},
            "agency_kind": {"type": "string", "enum": AgencyKind::codes()},
            "systems": {"type": "integer", "minimum": 0, "description": "Systems in its draft"}
        }}}
    }}),
    uses [Uuid, SurveyDoc]
);

// ───────────────────────────── Surveys ─────────────────────────────

/// Every survey, newest year first (public).
#[utoipa::path(get, path = "/api/v1/forecast-surveys", tag = "forecast",
    responses((status = 200, description = "Newest year first", body = Vec<SurveyDoc>)))]
pub async fn list_surveys(State(state): State<AppState>) -> Result<Json<Value>, AppError> {
    ok(surveys::list(&state).await?)
}

/// Open a yearly survey (the operator): every approved agency is asked, in the app and by e-mail.
#[utoipa::path(post, path = "/api/v1/forecast-surveys", tag = "forecast", request_body = NewSurveyDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; every approved agency asked", body = SurveyDoc),
        (status = 400, description = "invalid_body, invalid_field", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
    ))]
pub async fn create_survey(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), AppError> {
    let p = auth.require(Rule::AnyRole(crate::auth::OPERATOR))?;
    Ok((StatusCode::CREATED, ok(surveys::create(&state, p, &body_value(&body)?, request_id(&headers)).await?)?))
}

/// One survey (public).
#[utoipa::path(get, path = "/api/v1/forecast-surveys/{id}", tag = "forecast", params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The survey", body = SurveyDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_survey(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    ok(surveys::get(&state, &id).await?)
}

// ───────────────────────────── An agency's response ─────────────────────────────

/// The caller's agency's response (its buyer or budget officer), prefilled with the systems of
/// its last submitted answer to an earlier survey.
#[utoipa::path(get, path = "/api/v1/forecast-surveys/{id}/response", tag = "forecast", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The agency's response", body = ResponseDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an agency's buyer or budget officer", body = ErrorBody),
        (status = 404, description = "not_found: no such survey, or a closed one the agency was never asked", body = ErrorBody),
    ))]
pub async fn get_response(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(response::get(&state, p, &id).await?)
}

/// Create or replace one system of the agency's response, by the agency's own key (while the
/// survey is open).
#[utoipa::path(put, path = "/api/v1/forecast-surveys/{id}/response/systems/{key}", tag = "forecast", request_body = SystemInputDoc,
    params(("id" = Uuid, Path), ("key" = String, Path, pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description = "The agency's own identifier of the system")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The system, created or replaced", body = SystemDoc),
        (status = 400, description = "invalid_id, invalid_body, invalid_field (e.g. an unknown current_hosting or target_type), reason_required", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an agency's buyer or budget officer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "survey_closed", body = ErrorBody),
    ))]
pub async fn put_system(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path((id, key)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(response::put_system(&state, p, &id, &key, &body_value(&body)?, request_id(&headers)).await?)
}

/// Delete one system of the agency's response (while the survey is open).
#[utoipa::path(delete, path = "/api/v1/forecast-surveys/{id}/response/systems/{key}", tag = "forecast",
    params(("id" = Uuid, Path), ("key" = String, Path, pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an agency's buyer or budget officer", body = ErrorBody),
        (status = 404, description = "not_found: no such survey or system", body = ErrorBody),
        (status = 409, description = "survey_closed", body = ErrorBody),
    ))]
pub async fn delete_system(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path((id, key)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    response::delete_system(&state, p, &id, &key, request_id(&headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Submit the agency's response (while the survey is open; again after a change).
#[utoipa::path(post, path = "/api/v1/forecast-surveys/{id}/response/submit", tag = "forecast", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Submitted", body = ResponseDoc),
        (status = 400, description = "invalid_id, invalid_field (no system yet)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not an agency's buyer or budget officer", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "survey_closed", body = ErrorBody),
    ))]
pub async fn submit_response(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(response::submit(&state, p, &id, request_id(&headers)).await?)
}

// ───────────────────────────── Reports ─────────────────────────────

/// The aggregated report (public): counts over submitted answers, live while the survey is
/// open. No agency is named.
#[utoipa::path(get, path = "/api/v1/forecast-surveys/{id}/report", tag = "forecast", params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The report", body = ReportDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_report(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    ok(report::report(&state, &id).await?)
}

/// The report as CSV (public): `dimension,value,count`, one line per figure.
#[utoipa::path(get, path = "/api/v1/forecast-surveys/{id}/report.csv", tag = "forecast", params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The report as CSV", content_type = "text/csv", body = String),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_report_csv(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, AppError> {
    let r = report::report(&state, &id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"forecast-{}.csv\"", r.survey.year)),
        ],
        report::report_csv(&r),
    )
        .into_response())
}

/// The response rate by agency kind and the agencies that have not submitted (the operator and
/// the auditor).
#[utoipa::path(get, path = "/api/v1/forecast-surveys/{id}/progress", tag = "forecast", params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "Response rate and who is missing", body = ProgressDoc),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
    ))]
pub async fn get_progress(State(state): State<AppState>, auth: Auth, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let p = auth.require(Rule::Authenticated)?;
    ok(report::progress(&state, p, &id).await?)
}
