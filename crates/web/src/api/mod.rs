//! The JSON API under `/api/v1`. Every handler is annotated for OpenAPI and registered through
//! `utoipa-axum`, so the document at `/api/openapi.json` is generated from the router itself.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod json;
pub mod lifecycle;
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
        (name = "catalog", description = "The public catalog (카탈로그): search, services, categories, suppliers"),
        (name = "auth", description = "Log in and out (Bearer tokens), password reset and change, invitations"),
        (name = "accounts", description = "Sign-up, organisations, people, API tokens"),
        (name = "services", description = "A supplier's own services and the operator's decisions on them"),
        (name = "audit", description = "The hash-chained audit log: read, verify, download (auditors and operators)")
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the bearer scheme that login tokens and API tokens use.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(services::search_services))
        .routes(routes!(services::get_service))
        .routes(routes!(catalog::list_categories))
        .routes(routes!(catalog::get_supplier))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::request_reset))
        .routes(routes!(auth::confirm_reset))
        .routes(routes!(auth::accept_invitation))
        .routes(routes!(auth::change_password))
        .routes(routes!(accounts::signup))
        .routes(routes!(accounts::list_organisations, accounts::create_organisation))
        .routes(routes!(accounts::approve_organisation))
        .routes(routes!(accounts::reject_organisation))
        .routes(routes!(accounts::remove_organisation))
        .routes(routes!(accounts::invite))
        .routes(routes!(accounts::list_tokens, accounts::create_token))
        .routes(routes!(accounts::revoke_token))
        .routes(routes!(accounts::lock_user))
        .routes(routes!(accounts::unlock_user))
        .merge(lifecycle::routes())
        .merge(audit::routes())
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
