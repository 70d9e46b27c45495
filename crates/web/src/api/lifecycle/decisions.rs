//! The operator's decisions on a service: review, list, reject, suspend, reinstate, cancel.

use super::*;

/// Take a submitted service into review (operator).
#[utoipa::path(post, path = "/api/v1/services/{id}/review", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "In review", body = ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not submitted; selection_required: a first listing or a material change is the committee's", body = ErrorBody),
    ))]
pub async fn review_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = lifecycle::start_review(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// List a submitted or in-review service (operator). Answers once this instance's search finds
/// it; the supplier is told in the app and by e-mail.
#[utoipa::path(post, path = "/api/v1/services/{id}/list", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Listed: the open revision is now the public one", body = ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: neither submitted nor in review; code_taken; selection_required: a first listing or a material change is listed by closing its review round", body = ErrorBody),
    ))]
pub async fn list_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = lifecycle::list(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// A reason for a rejection or a suspension; the supplier is told it.
#[derive(Debug, Deserialize)]
pub struct ReasonRequest {
    #[serde(default)]
    pub reason: Option<String>,
}

component!(
    /// The documented body of a rejection or a suspension: the reason is required (an empty or
    /// missing body is 400 `reason_required`).
    ReasonDoc,
    "ReasonRequest",
    json!({
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": text(2_000)},
        "description": "The reason, told to the supplier (at most 2 000 characters)"
    })
);

component!(
    /// A document upload: its type and a PDF.
    DocumentUploadDoc,
    "DocumentUpload",
    json!({
        "type": "object",
        "required": ["doc_type", "file"],
        "propertyNames": crate::api::schema::form_field_name(),
        "properties": {
            "doc_type": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,39}$", "description": "A document type of the review settings (service_definition, price_list, sla, business_soundness, no_debarment, certificate, or one the operator added); another is 400 invalid_doc_type"},
            "file": {"type": "string", "format": "binary", "minLength": 1, "contentMediaType": "application/pdf", "description": "A PDF (recognised by its content) of at most 20 MiB"}
        }
    })
);

/// The reason of a body that may be empty (an empty body is a missing reason, not a bad body).
fn reason_of(body: &Bytes) -> Result<Option<String>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice::<ReasonRequest>(body).map(|r| r.reason).map_err(|e| {
        let code = if e.is_data() { Code::InvalidField } else { Code::InvalidBody };
        AppError::new(code, format!("the JSON body is not as expected: {e}"))
    })
}

/// Reject a submitted or in-review service with a reason (operator). A listed service keeps its
/// public revision.
#[utoipa::path(post, path = "/api/v1/services/{id}/reject", tag = "services", request_body = ReasonDoc, security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Rejected", body = ServiceDetail),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: neither submitted nor in review; selection_required: the committee decides it", body = ErrorBody),
    ))]
pub async fn reject_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let reason = reason_of(&body)?;
    let id = lifecycle::reject(&state, p, &id, reason.as_deref(), request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Suspend a listed service (판매중지) with a reason shown as a notice (operator). It stays
/// visible but leaves the default search.
#[utoipa::path(post, path = "/api/v1/services/{id}/suspend", tag = "services", request_body = ReasonDoc, security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Suspended", body = ServiceDetail),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not listed", body = ErrorBody),
    ))]
pub async fn suspend_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let reason = reason_of(&body)?;
    let id = lifecycle::suspend(&state, p, &id, reason.as_deref(), request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Cancel a service's selection (선정취소) with a reason (operator): a listed, suspended or
/// expired service becomes `cancelled` and leaves the catalog; an application of it still before
/// the committee is withdrawn. The supplier is told with the reason.
#[utoipa::path(post, path = "/api/v1/services/{id}/cancel", tag = "services", request_body = ReasonDoc, security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Cancelled", body = ServiceDetail),
        (status = 400, description = "invalid_id, invalid_body, invalid_field, reason_required, invalid_reason", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not listed, suspended or expired", body = ErrorBody),
    ))]
pub async fn cancel_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = lifecycle::cancel(&state, p, &id, reason_of(&body)?.as_deref(), request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Lift a suspension (operator).
#[utoipa::path(post, path = "/api/v1/services/{id}/reinstate", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Listed again", body = ServiceDetail),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 409, description = "invalid_status: not suspended", body = ErrorBody),
    ))]
pub async fn reinstate_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(OPERATOR))?;
    let id = lifecycle::reinstate(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}
