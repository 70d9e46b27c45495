//! A service's revision history: `GET /api/v1/services/{id}/revisions` and
//! `GET /api/v1/services/{id}/revisions/{n}` (docs/API.md#revision-history).

use super::lifecycle::{FieldChangeView, RevisionView};
use super::listing_doc::ListingDoc;
use super::schema::{ServiceCodeText, ServiceKeyText, Uuid};
use crate::auth::MaybeAuth;
use crate::error::{AppError, Code, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, RawQuery, State};
use gureum_app::query::pairs;
use gureum_app::revisions::{self, revision_number};
use gureum_domain::Listing;
use serde::Serialize;
use utoipa::ToSchema;

/// The revisions of a service the caller may see, oldest first.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionList {
    #[schema(value_type = Uuid)]
    pub service_id: String,
    #[schema(value_type = ServiceCodeText)]
    pub code: String,
    /// The caller sees every revision (its owner, the operator, the auditor); else only those
    /// that were public (`listed`, `superseded`).
    pub full: bool,
    pub items: Vec<RevisionView>,
}

/// One revision with its listing and what changed against another.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RevisionDetail {
    #[schema(value_type = Uuid)]
    pub service_id: String,
    #[schema(value_type = ServiceCodeText)]
    pub code: String,
    pub revision: RevisionView,
    #[schema(value_type = ListingDoc)]
    pub listing: Listing,
    /// The revision compared against; null for the first one the caller may see.
    pub against: Option<RevisionView>,
    /// Field by field, in the listing's order; `material` marks a change that goes through
    /// review again.
    pub changes: Vec<FieldChangeView>,
}

/// A service's revision history.
#[utoipa::path(get, path = "/api/v1/services/{id}/revisions", tag = "catalog",
    params(("id" = ServiceKeyText, Path)),
    responses(
        (status = 200, description = "The listed and superseded revisions; every revision for the owner, the operator and the auditor", body = RevisionList),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found: no such service, or one the caller may not see", body = ErrorBody),
    ))]
pub async fn list_revisions(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path(id): Path<String>,
) -> Result<Json<RevisionList>, AppError> {
    let h = revisions::history(&state, p.as_ref(), &id).await?;
    Ok(Json(RevisionList {
        service_id: h.head.id.clone(),
        code: h.head.code.clone(),
        full: h.full,
        items: h.revisions.iter().map(RevisionView::from).collect(),
    }))
}

/// One revision of a service and its field-by-field changes.
#[utoipa::path(get, path = "/api/v1/services/{id}/revisions/{n}", tag = "catalog",
    params(
        ("id" = ServiceKeyText, Path),
        ("n" = i64, Path, minimum = 1, description = "The revision number"),
        ("against" = Option<i64>, Query, minimum = 1, description = "The revision to compare with; default the previous one the caller may see"),
    ),
    responses(
        (status = 200, description = "The revision, its listing and its changes", body = RevisionDetail),
        (status = 400, description = "invalid_id (the service key or n); invalid_parameter (against)", body = ErrorBody),
        (status = 404, description = "not_found: no such service or revision, or one the caller may not see (a visitor asking for a revision never listed)", body = ErrorBody),
    ))]
pub async fn get_revision(
    State(state): State<AppState>,
    MaybeAuth(p): MaybeAuth,
    Path((id, n)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
) -> Result<Json<RevisionDetail>, AppError> {
    let n = revision_number(&n, Code::InvalidId)?;
    let against = match pairs(raw.as_deref()).into_iter().find(|(k, v)| k == "against" && !v.is_empty()) {
        Some((_, v)) => Some(revision_number(&v, Code::InvalidParameter)?),
        None => None,
    };
    let (h, d) = revisions::revision(&state, p.as_ref(), &id, n, against).await?;
    Ok(Json(RevisionDetail {
        service_id: h.head.id.clone(),
        code: h.head.code.clone(),
        revision: RevisionView::from(&d.revision),
        listing: d.revision.listing.clone(),
        against: d.against.as_ref().map(RevisionView::from),
        changes: d.changes.iter().map(FieldChangeView::from).collect(),
    }))
}
