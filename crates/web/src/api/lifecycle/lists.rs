//! The lists of the desks: a supplier's own services and the operator's review queue.

use super::*;

/// One of the caller's services, as its list shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MyServiceView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = ServiceCodeText)]
    pub code: String,
    /// The name in the open revision, else the public one.
    pub name: String,
    #[schema(value_type = ServiceStatusName)]
    pub status: String,
    pub status_reason: Option<String>,
    pub public_revision: Option<i64>,
    /// The open revision and its state (draft, submitted, in_review), if any.
    pub open_revision: Option<i64>,
    #[schema(value_type = Option<RevisionStateName>)]
    pub open_state: Option<String>,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// One's own services, whatever their status (supplier).
#[utoipa::path(get, path = "/api/v1/supplier/services", tag = "services", security(("bearer" = [])),
    responses(
        (status = 200, description = "By code", body = Vec<MyServiceView>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not a supplier of an approved company", body = ErrorBody),
    ))]
pub async fn my_services(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<MyServiceView>>, AppError> {
    let p = auth.require(Rule::AnyRole(SUPPLIER))?;
    let supplier = lifecycle::supplier_of(p)?;
    let heads = state.db().supplier_service_heads(supplier).await?;
    let revisions = state.db().supplier_revisions(supplier).await?;
    let out = heads
        .iter()
        .map(|h| {
            let rev = |n: Option<i64>| revisions.iter().find(|r| r.service_id == h.id && Some(r.revision) == n);
            let open = rev(h.draft_revision);
            let shown = open.or_else(|| rev(h.public_revision)).or_else(|| rev(Some(h.latest_revision)));
            MyServiceView {
                id: h.id.clone(),
                code: h.code.clone(),
                name: shown.map(|r| r.listing.name.clone()).unwrap_or_default(),
                status: h.status.as_str().into(),
                status_reason: h.status_reason.clone(),
                public_revision: h.public_revision,
                open_revision: open.map(|r| r.revision),
                open_state: open.map(|r| r.state.as_str().to_owned()),
                updated_at: rfc3339_utc(h.updated_at),
            }
        })
        .collect();
    Ok(Json(out))
}

/// A submitted revision waiting for the operator.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItemView {
    #[schema(value_type = Uuid)]
    pub id: String,
    #[schema(value_type = ServiceCodeText)]
    pub code: String,
    pub name: String,
    #[schema(value_type = Uuid)]
    pub supplier_id: String,
    pub supplier_name: String,
    #[schema(value_type = ServiceStatusName)]
    pub status: String,
    #[schema(minimum = 1)]
    pub revision: i64,
    /// submitted or in_review.
    #[schema(value_type = RevisionStateName)]
    pub state: String,
    #[schema(format = DateTime)]
    pub submitted_at: Option<String>,
    /// Whole days since submission (Asia/Seoul dates).
    pub age_days: i64,
    /// A first listing (no public revision yet).
    pub first_listing: bool,
    pub material: Option<bool>,
}

/// The operator's queue: submitted and in-review services, oldest first.
#[utoipa::path(get, path = "/api/v1/operator/services", tag = "services", security(("bearer" = [])),
    responses(
        (status = 200, description = "Oldest submission first", body = Vec<QueueItemView>),
        (status = 401, description = "unauthenticated", body = ErrorBody),
        (status = 403, description = "forbidden: not the operator", body = ErrorBody),
    ))]
pub async fn review_queue(State(state): State<AppState>, auth: Auth) -> Result<Json<Vec<QueueItemView>>, AppError> {
    auth.require(Rule::AnyRole(OPERATOR))?;
    Ok(Json(queue(&state).await?))
}

/// The queue as the API and the desk page show it.
pub async fn queue(state: &AppState) -> Result<Vec<QueueItemView>, AppError> {
    let today = state.clock().today();
    Ok(state
        .db()
        .review_queue(1_000)
        .await?
        .into_iter()
        .map(|e| QueueItemView {
            id: e.head.id.clone(),
            code: e.revision.listing.code.clone(),
            name: e.revision.listing.name.clone(),
            supplier_id: e.head.supplier_id.clone(),
            supplier_name: e.supplier_name,
            status: e.head.status.as_str().into(),
            revision: e.revision.revision,
            state: e.revision.state.as_str().into(),
            submitted_at: e.revision.submitted_at.map(rfc3339_utc),
            age_days: e.revision.submitted_at.map(|t| lifecycle::age_days(t, today)).unwrap_or(0),
            first_listing: e.head.public_revision.is_none(),
            material: e.revision.material,
        })
        .collect())
}
