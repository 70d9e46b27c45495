//! `GET /api/v1/stats` and `/api/v1/stats.csv` (public; SPEC §4 "Demand forecast (수요예보) and
//! statistics"): aggregates only. Extract, call `gureum_app::stats`, answer.

use crate::api::schema::{component, names};
use crate::auth::MaybeAuth;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use gureum_app::stats;
use gureum_domain::ServiceKind;
use serde_json::{Value, json};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_stats)).routes(routes!(get_stats_csv))
}

fn kinds() -> Value {
    json!({"type": "object", "properties": names(&ServiceKind::ALL, ServiceKind::as_str).iter().map(|k| (k.to_string(), json!({"type": "integer", "minimum": 0}))).collect::<serde_json::Map<_, _>>()})
}

fn count_amount() -> Value {
    json!({"type": "object", "additionalProperties": {"type": "object", "required": ["count", "amount_krw"], "properties": {
        "count": {"type": "integer", "minimum": 0}, "amount_krw": {"type": "integer", "minimum": 0}}}})
}

fn ratio() -> Value {
    json!({"type": "number", "minimum": 0, "maximum": 1})
}

component!(
    /// The marketplace in figures.
    StatsDoc,
    "Stats",
    json!({"type": "object",
        "required": ["services_by_kind", "services_listed_by_month", "contracts", "time_to_contract", "saas_share", "vouchers", "forecast", "generated_at"],
        "properties": {
            "services_by_kind": kinds(),
            "services_listed_by_month": {"type": "array", "description": "The last 24 months (Asia/Seoul), oldest first; of the services listed now",
                "items": {"type": "object", "required": ["month", "new_by_kind", "total_by_kind"], "properties": {
                    "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
                    "new_by_kind": kinds(), "total_by_kind": kinds()}}},
            "contracts": {"type": "object", "required": ["count", "amount_krw", "by_kind", "by_agency_kind", "by_method"], "properties": {
                "count": {"type": "integer", "minimum": 0}, "amount_krw": {"type": "integer", "minimum": 0},
                "by_kind": count_amount(), "by_agency_kind": count_amount(), "by_method": count_amount()},
                "description": "Signed contracts and confirmed orders; by_kind is the kind of the service on the first line, by_agency_kind the signing agency's kind (central, local, public_institution, other)"},
            "time_to_contract": {"type": "object", "required": ["count", "median_days", "p90_days", "within_target", "target_days"], "properties": {
                "count": {"type": "integer", "minimum": 0}, "median_days": {"type": ["integer", "null"]}, "p90_days": {"type": ["integer", "null"]},
                "within_target": {"type": "integer", "minimum": 0}, "target_days": {"type": "integer", "const": gureum_domain::buying::TARGET_DAYS}}},
            "saas_share": {"type": "object", "required": ["services", "contracts", "amount"], "properties": {
                "services": ratio(), "contracts": ratio(), "amount": ratio()}},
            "vouchers": {"type": "object", "required": ["programmes", "granted_krw", "reimbursed_krw"], "properties": {
                "programmes": {"type": "integer", "minimum": 0}, "granted_krw": {"type": "integer", "minimum": 0}, "reimbursed_krw": {"type": "integer", "minimum": 0}}},
            "forecast": {"type": ["object", "null"], "description": "The latest demand forecast that has opened, over submitted answers; null before the first",
                "required": ["year", "systems", "by_target_type"], "properties": {
                "year": {"type": "integer"}, "systems": {"type": "integer", "minimum": 0},
                "by_target_type": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}}},
            "generated_at": {"type": "string", "format": "date-time"}
        }})
);

/// The public statistics (aggregates only).
#[utoipa::path(get, path = "/api/v1/stats", tag = "statistics",
    responses(
        (status = 200, description = "The figures", body = StatsDoc),
        (status = 500, description = "internal", body = ErrorBody),
    ))]
pub async fn get_stats(State(state): State<AppState>, _auth: MaybeAuth) -> Result<Json<Value>, AppError> {
    Ok(Json(serde_json::to_value(stats::get(&state).await?).map_err(AppError::internal)?))
}

/// The public statistics as CSV (`section,key,value`).
#[utoipa::path(get, path = "/api/v1/stats.csv", tag = "statistics",
    responses(
        (status = 200, description = "The figures as CSV", content_type = "text/csv", body = String),
        (status = 500, description = "internal", body = ErrorBody),
    ))]
pub async fn get_stats_csv(State(state): State<AppState>, _auth: MaybeAuth) -> Result<Response, AppError> {
    let s = stats::get(&state).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"gureum-stats.csv\"".to_owned()),
        ],
        stats::csv(&s),
    )
        .into_response())
}
