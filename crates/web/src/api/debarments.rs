//! Debarment of a supplier (부정당업자 제재, docs/API.md): the operator records one, the operator
//! and the auditor read them. Extract, call `gureum_app::debarments`, answer.

use super::review::{body_value, text_field};
use super::schema::{Uuid, component, text};
use crate::auth::{AUDIT_READERS, Auth, OPERATOR, Rule, request_id};
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use gureum_app::debarments::{self, DebarmentInput};
use gureum_domain::clock::{format_date, rfc3339_utc};
use gureum_storage::Debarment;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_debarments, create_debarment))
}

/// A debarment (부정당업자 제재) of a supplier.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DebarmentView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = Uuid)]
    pub supplier_id: String,
    /// First day (Asia/Seoul), inclusive.
    #[schema(format = Date)]
    pub from: String,
    /// Last day (Asia/Seoul), inclusive; the services it suspended are listed again the day after.
    #[schema(format = Date)]
    pub to: String,
    pub reason: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    /// In force today.
    pub in_force: bool,
}

impl DebarmentView {
    pub fn of(d: &Debarment, today: time::Date) -> Self {
        Self {
            id: d.id.clone(),
            supplier_id: d.supplier_id.clone(),
            from: format_date(d.period.from),
            to: format_date(d.period.to),
            reason: d.reason.clone(),
            created_at: rfc3339_utc(d.created_at),
            in_force: d.period.active_on(today),
        }
    }
}

component!(
    /// A debarment's period and reason.
    NewDebarmentDoc,
    "NewDebarment",
    json!({
        "type": "object",
        "required": ["from", "to", "reason"],
        "properties": {
            "from": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "First day (Asia/Seoul), inclusive"},
            "to": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "Last day (Asia/Seoul), inclusive; not before from"},
            "reason": text(2000)
        }
    })
);

/// Debar a supplier (operator): its listed services are suspended for the period — at once when
/// it has begun — and listed again the day after it ends. The supplier is told.
#[utoipa::path(post, path = "/api/v1/suppliers/{id}/debarments", tag = "catalog", request_body = NewDebarmentDoc, security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The supplier id")),
    responses(
        (status = 201, description = "Recorded (and its services suspended when it has begun)", body = DebarmentView),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, invalid_date (a missing or malformed date, or to before from), reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found: no such supplier", body = ErrorBody),
    ))]
pub async fn create_debarment(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<DebarmentView>), AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let v = body_value(&body)?;
    let input = DebarmentInput { from: text_field(&v, "from")?, to: text_field(&v, "to")?, reason: text_field(&v, "reason")? };
    let d = debarments::debar(&state, p, &id, &input, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json(DebarmentView::of(&d, state.clock().today()))))
}

/// A supplier's debarments, latest first (operator, auditor).
#[utoipa::path(get, path = "/api/v1/suppliers/{id}/debarments", tag = "catalog", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The supplier id")),
    responses(
        (status = 200, description = "Its debarments", body = Vec<DebarmentView>),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator or an auditor", body = ErrorBody),
        (status = 404, description = "not_found: no such supplier", body = ErrorBody),
    ))]
pub async fn list_debarments(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<Vec<DebarmentView>>, AppError> {
    let p = auth.require(Rule::AnyRole(AUDIT_READERS))?;
    let today = state.clock().today();
    Ok(Json(debarments::debarments(&state, p, &id).await?.iter().map(|d| DebarmentView::of(d, today)).collect()))
}
