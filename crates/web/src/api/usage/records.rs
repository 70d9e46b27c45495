//! Usage batches (SPEC §4 "Usage, invoices and post-management"): `POST /api/v1/usage` from a
//! supplier's machines (an API token with `usage:write`) or people, and a contract's usage by
//! month and meter. Extract, call `gureum_app::usage::records`, answer.

use crate::api::schema::{Uuid, component};
use crate::auth::{Auth, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use gureum_app::usage::records::{self, MAX_BATCH, MAX_RECORD_ID_CHARS};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(post_usage)).routes(routes!(contract_usage))
}

component!(
    /// A batch of usage records: all of it is stored, or none.
    UsageBatchDoc,
    "UsageBatch",
    json!({
        "type": "object",
        "required": ["records"],
        "properties": {
            "records": {
                "type": "array",
                "maxItems": MAX_BATCH,
                "items": {
                    "type": "object",
                    "description": "One record; exactly one of contract_id and order_id.",
                    "required": ["record_id", "meter", "quantity", "period_start", "period_end"],
                    "properties": {
                        "record_id": {"type": "string", "minLength": 1, "maxLength": MAX_RECORD_ID_CHARS, "description": "The supplier's own id: the same record sent again is a no-op"},
                        "contract_id": {"type": "string", "format": "uuid"},
                        "order_id": {"type": "string", "format": "uuid"},
                        "meter": {"type": "string", "description": "A plan unit of that contract's lines"},
                        "quantity": {
                            "oneOf": [
                                {"type": "string", "pattern": "^[0-9]+(\\.[0-9]{1,6})?$"},
                                {"type": "number", "minimum": 0}
                            ],
                            "description": "A decimal ≥ 0 with at most 6 places"
                        },
                        "period_start": {"type": "string", "format": "date-time"},
                        "period_end": {"type": "string", "format": "date-time", "description": "Not before period_start; the period stays within one billing period (Asia/Seoul) and the contract's dates"}
                    }
                }
            }
        }
    })
);

/// What a stored batch did.
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    /// Records stored by this batch.
    #[schema(minimum = 0)]
    pub accepted: u64,
    /// Records already stored (or repeated in the batch) with the same content.
    #[schema(minimum = 0)]
    pub duplicates: u64,
}

/// A contract's usage of one meter in one month.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeterUsageView {
    pub meter: String,
    /// The exact decimal sum, e.g. `"1234.5"`.
    pub quantity: String,
    #[schema(minimum = 1)]
    pub records: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MonthUsageView {
    /// `"2026-11"` (Asia/Seoul).
    pub month: String,
    pub meters: Vec<MeterUsageView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContractUsageView {
    pub months: Vec<MonthUsageView>,
}

/// Report metered usage (a supplier's API token with `usage:write`, or its signed-in people):
/// up to 10,000 records, all or nothing, idempotent by `record_id`.
#[utoipa::path(post, path = "/api/v1/usage", tag = "usage", request_body = UsageBatchDoc, security(("bearer" = [])),
    responses(
        (status = 200, description = "Stored: `{\"accepted\", \"duplicates\"}`", body = BatchView),
        (status = 400, description = "invalid_records (with `errors`: `[{\"index\", \"code\", \"field\", \"message\"}]` naming every bad record; codes missing_field, invalid_field, invalid_quantity, unknown_contract, unknown_meter, crosses_billing_period, outside_contract, duplicate_record_id, record_conflict), batch_too_large, invalid_body, invalid_field; nothing stored", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier's member; insufficient_scope: a token without usage:write", body = ErrorBody),
        (status = 409, description = "record_conflict (with `indexes`): a record_id already stored with other content; nothing stored", body = ErrorBody),
        (status = 413, description = "body_too_large: more than 8 MiB", body = ErrorBody),
    ))]
pub async fn post_usage(State(state): State<AppState>, auth: Auth, headers: HeaderMap, body: Body) -> Result<Json<BatchView>, AppError> {
    // Who asks first: a caller who may not report is told so before its body is read.
    records::reporting_supplier(&auth.0)?;
    let bytes = crate::limits::read_usage_body(&headers, body).await?;
    // the records are read from the bytes by the use case, straight into typed fields
    let o = records::submit_json(&state, &auth.0, &bytes, request_id(&headers)).await?;
    Ok(Json(BatchView { accepted: o.accepted, duplicates: o.duplicates }))
}

/// A contract's or order's usage by month (Asia/Seoul) and meter (its parties, the operator,
/// the auditor).
#[utoipa::path(get, path = "/api/v1/contracts/{id}/usage", tag = "usage", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "The totals, months in order", body = ContractUsageView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 404, description = "not_found: no such contract among the caller's", body = ErrorBody),
    ))]
pub async fn contract_usage(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<ContractUsageView>, AppError> {
    let months = records::contract_usage(&state, &auth.0, &id).await?;
    Ok(Json(ContractUsageView {
        months: months
            .into_iter()
            .map(|m| MonthUsageView {
                month: m.month,
                meters: m.meters.into_iter().map(|u| MeterUsageView { meter: u.meter, quantity: u.quantity, records: u.records }).collect(),
            })
            .collect(),
    }))
}
