//! Categories and supplier pages of the public catalog.

use super::schema::{SupplierSizeName, Uuid};
use super::services::HitDoc;
use crate::error::{AppError, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use gureum_search::Hit;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CategoryCount {
    pub name: String,
    /// Listed services in it.
    pub count: u64,
}

/// Reads of the index wait until it has caught up since start.
fn ready(state: &AppState) -> Result<(), AppError> {
    if state.is_ready() { Ok(()) } else { Err(AppError::index_not_ready()) }
}

/// Categories with their listed services, largest first (then by name).
pub async fn category_counts(state: &AppState) -> Result<Vec<CategoryCount>, AppError> {
    ready(state)?;
    Ok(gureum_app::catalog::categories(state).await?.into_iter().map(|(name, count)| CategoryCount { name, count }).collect())
}

/// The catalog's categories.
#[utoipa::path(
    get,
    path = "/api/v1/categories",
    tag = "catalog",
    responses(
        (status = 200, description = "Categories with counts of listed services", body = Vec<CategoryCount>),
        (status = 503, description = "index_not_ready", body = ErrorBody),
    )
)]
pub async fn list_categories(State(state): State<AppState>) -> Result<Json<Vec<CategoryCount>>, AppError> {
    Ok(Json(category_counts(&state).await?))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SupplierView {
    #[schema(value_type = Uuid)]
    pub id: String,
    pub name: String,
    /// 사업자등록번호, 10 digits.
    #[schema(pattern = "^[0-9]{10}$")]
    pub business_number: String,
    #[schema(value_type = SupplierSizeName)]
    pub size: String,
    /// Small or medium (중소기업).
    pub sme: bool,
    /// Its listed services, as search items.
    #[schema(value_type = Vec<HitDoc>)]
    pub services: Vec<Hit>,
    /// A debarment (부정당업자 제재) in force today, if any.
    pub debarment: Option<super::debarments::DebarmentView>,
}

/// A supplier and its listed services.
pub async fn supplier_view(state: &AppState, id: &str) -> Result<SupplierView, AppError> {
    ready(state)?;
    let (sup, services) = gureum_app::catalog::supplier(state, id).await?;
    let today = state.clock().today();
    let debarment = gureum_app::debarments::in_force(state, &sup.id).await?.map(|d| super::debarments::DebarmentView::of(&d, today));
    Ok(SupplierView {
        debarment,
        id: sup.id,
        name: sup.name,
        business_number: sup.business_number,
        sme: sup.size.is_sme(),
        size: sup.size.as_str().into(),
        services,
    })
}

/// A supplier (제공기업) and its listed services.
#[utoipa::path(
    get,
    path = "/api/v1/suppliers/{id}",
    tag = "catalog",
    params(("id" = Uuid, Path, description = "The supplier id")),
    responses(
        (status = 200, description = "The supplier and its listed services", body = SupplierView),
        (status = 400, description = "invalid_id", body = ErrorBody),
        (status = 404, description = "not_found", body = ErrorBody),
        (status = 503, description = "index_not_ready: the index is catching up", body = ErrorBody),
    )
)]
pub async fn get_supplier(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<SupplierView>, AppError> {
    Ok(Json(supplier_view(&state, &id).await?))
}
