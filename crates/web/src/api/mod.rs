//! The JSON API under `/api/v1`. Every handler is annotated for OpenAPI and registered through
//! `utoipa-axum`, so the document at `/api/openapi.json` is generated from the router itself.

pub mod catalog;
pub mod services;

use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use std::sync::Arc;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gureum API",
        description = "구름 — the digital-service marketplace through which Korean public bodies adopt private cloud. Errors are `{\"code\", \"message\"}` with a stable snake_case code.",
        license(name = "Apache-2.0")
    ),
    tags(
        (name = "catalog", description = "The public catalog (카탈로그): search, services, categories, suppliers")
    )
)]
pub struct ApiDoc;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(services::search_services))
        .routes(routes!(services::get_service))
        .routes(routes!(catalog::list_categories))
        .routes(routes!(catalog::get_supplier))
}

/// Routes outside the API version: the OpenAPI document and health.
pub fn meta_routes(openapi: Arc<utoipa::openapi::OpenApi>) -> Router<AppState> {
    Router::new()
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = openapi.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
}

/// Ready when the database answers and the index has caught up since start.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if !state.is_ready() {
        return (StatusCode::SERVICE_UNAVAILABLE, "index_not_ready");
    }
    if !state.db().ping().await {
        return (StatusCode::SERVICE_UNAVAILABLE, "database_unavailable");
    }
    (StatusCode::OK, "ready")
}
