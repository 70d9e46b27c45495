//! A supplier's own services and the operator's decisions on them (docs/API.md): create, edit,
//! attach documents, submit; the operator's queue, list, reject, suspend and reinstate.

use super::json::ApiJson;
use super::listing_doc::{ListingDoc, ServiceCreateDoc, ServicePatchDoc};
use super::schema::{
    AnyValue, Binary, DocTypeName, RevisionStateName, ServiceCodeText, ServiceKeyText, ServiceStatusName, Uuid, component, text, uuid_path,
};
use super::services::ServiceView;
use crate::auth::{AUDIT_READERS, Auth, OPERATOR, Principal, Rule, SUPPLIER, request_id};
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gureum_app::lifecycle::{self, FieldChange};
use gureum_domain::Listing;
use gureum_domain::clock::rfc3339_utc;
use gureum_storage::{Revision, ServiceDocument, ServiceHead, ServiceKey};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_service))
        .routes(routes!(update_service))
        .routes(routes!(submit_service))
        .routes(routes!(review_service))
        .routes(routes!(list_service))
        .routes(routes!(reject_service))
        .routes(routes!(suspend_service))
        .routes(routes!(reinstate_service))
        .routes(routes!(cancel_service))
        .routes(routes!(list_documents, upload_document))
        .routes(routes!(download_document))
        .routes(routes!(my_services))
        .routes(routes!(review_queue))
}

/// One field that differs between the public revision and the open one.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldChangeView {
    /// The listing field, e.g. `price_plans`.
    pub field: String,
    /// Its value in the public revision (null when absent or for a first listing).
    #[schema(value_type = AnyValue)]
    pub before: Option<Value>,
    /// Its value in the open revision (null when cleared).
    #[schema(value_type = AnyValue)]
    pub after: Option<Value>,
    /// A price increase, a lower SLA, a new or changed certification or host, another kind.
    pub material: bool,
}

impl From<&FieldChange> for FieldChangeView {
    fn from(c: &FieldChange) -> Self {
        Self { field: c.field.into(), before: c.before.clone(), after: c.after.clone(), material: c.material }
    }
}

/// One revision of a service and where it stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionView {
    #[schema(minimum = 1)]
    pub revision: i64,
    #[schema(value_type = RevisionStateName)]
    pub state: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
    /// The operator's reason when it was rejected.
    pub decision_reason: Option<String>,
    /// The public revision it was compared with when submitted.
    pub base_revision: Option<i64>,
    /// Whether that change was material (set on submission).
    pub material: Option<bool>,
}

impl From<&Revision> for RevisionView {
    fn from(r: &Revision) -> Self {
        Self {
            revision: r.revision,
            state: r.state.as_str().into(),
            created_at: rfc3339_utc(r.created_at),
            submitted_at: r.submitted_at.map(rfc3339_utc),
            decided_at: r.decided_at.map(rfc3339_utc),
            decision_reason: r.decision_reason.clone(),
            base_revision: r.base_revision,
            material: r.material,
        }
    }
}

/// The open revision (draft, submitted or in review) with what it changes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DraftView {
    #[schema(minimum = 1)]
    pub revision: i64,
    /// draft, submitted or in_review.
    #[schema(value_type = RevisionStateName)]
    pub state: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    /// Whether it must go through review again (always for a first listing).
    pub material: bool,
    #[schema(value_type = ListingDoc)]
    pub listing: Listing,
    /// Field by field against the public revision.
    pub changes: Vec<FieldChangeView>,
}

/// A service: its public revision (or, for its owner and the operator, its latest when it was
/// never listed), and for them also the open draft and every revision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub service: ServiceView,
    /// Shown to the owner, the operator and the auditor only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub draft: Option<DraftView>,
    /// Shown to the owner, the operator and the auditor only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revisions: Option<Vec<RevisionView>>,
}

impl ServiceDetail {
    pub fn public(service: ServiceView) -> Self {
        Self { service, draft: None, revisions: None }
    }
}

/// Whether a principal sees a service's drafts: its owner, the operator, the auditor.
pub fn sees_drafts(p: &Principal, head: &ServiceHead) -> bool {
    lifecycle::owns(p, head) || AUDIT_READERS.iter().any(|r| p.has_role(*r))
}

/// The open revision with its changes against the public one.
pub fn draft_of(head: &ServiceHead, revisions: &[Revision]) -> Option<DraftView> {
    let open = revisions.iter().find(|r| Some(r.revision) == head.draft_revision)?;
    let public = revisions.iter().find(|r| Some(r.revision) == head.public_revision).map(|r| &r.listing);
    let changes = lifecycle::diff(public, &open.listing);
    Some(DraftView {
        revision: open.revision,
        state: open.state.as_str().into(),
        created_at: rfc3339_utc(open.created_at),
        submitted_at: open.submitted_at.map(rfc3339_utc),
        material: public.is_none() || changes.iter().any(|c| c.material),
        listing: open.listing.clone(),
        changes: changes.iter().map(FieldChangeView::from).collect(),
    })
}

/// The full view of a service for one who sees its drafts.
pub async fn detail(state: &AppState, head: &ServiceHead) -> Result<ServiceDetail, AppError> {
    let rec = state.db().service(ServiceKey::Id(&head.id)).await?.ok_or_else(|| AppError::not_found("service"))?;
    let revisions = state.db().service_revisions(&head.id).await?;
    Ok(ServiceDetail {
        service: ServiceView::build(state, rec).await?,
        draft: draft_of(head, &revisions),
        revisions: Some(revisions.iter().map(RevisionView::from).collect()),
    })
}

async fn detail_of(state: &AppState, id: &str) -> Result<ServiceDetail, AppError> {
    let head = state.db().service_head(ServiceKey::Id(id)).await?.ok_or_else(|| AppError::not_found("service"))?;
    detail(state, &head).await
}

/// Create a service (a draft of the caller's supplier company).
#[utoipa::path(post, path = "/api/v1/services", tag = "services", request_body = ServiceCreateDoc, security(("bearer" = [])),
    responses(
        (status = 201, description = "The new draft, with its id, its code and status `draft`", body = ServiceDetail),
        (status = 400, description = "invalid_body; invalid_field (names the field and why: also a code whose prefix is not the kind's, a certificate that ends before it starts, an operator's field)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
        (status = 409, description = "code_taken", body = ErrorBody),
    ))]
pub async fn create_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> Result<(StatusCode, Json<ServiceDetail>), AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let id = lifecycle::create(&state, p, &body, request_id(&headers)).await?;
    Ok((StatusCode::CREATED, Json(detail_of(&state, &id).await?)))
}

/// Edit a service: merges the given fields into the open draft (opening one from the listed
/// revision when there is none) and validates the whole listing again. `null` clears a field.
#[utoipa::path(patch, path = "/api/v1/services/{id}", tag = "services", request_body = ServicePatchDoc, security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "The service with its open draft", body = ServiceDetail),
        (status = 400, description = "invalid_id; invalid_body; invalid_field (names the field and why, also when the merged listing misses a field or changes the code)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
        (status = 404, description = "not_found (also another supplier's service)", body = ErrorBody),
        (status = 409, description = "invalid_status: the revision is with the operator, or the service is cancelled or withdrawn", body = ErrorBody),
    ))]
pub async fn update_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<Value>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let id = lifecycle::update(&state, p, &id, &body, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

/// Submit the open draft to the operator.
#[utoipa::path(post, path = "/api/v1/services/{id}/submit", tag = "services", security(("bearer" = [])),
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "Submitted", body = ServiceDetail),
        (status = 400, description = "invalid_id; documents_missing (with `missing`: the required document types not yet uploaded)", body = ErrorBody),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
        (status = 404, description = "not_found (also another supplier's service)", body = ErrorBody),
        (status = 409, description = "invalid_status: no draft, or already submitted", body = ErrorBody),
    ))]
pub async fn submit_service(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<ServiceDetail>, AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let id = lifecycle::submit(&state, p, &id, request_id(&headers)).await?;
    Ok(Json(detail_of(&state, &id).await?))
}

mod decisions;
mod documents;
mod lists;

pub use decisions::*;
pub use documents::*;
pub use lists::*;
