//! Server-rendered pages for visitors (KRDS look, Korean first with English, no JavaScript
//! needed): home, search, service, comparison (HTML and XLSX), categories, suppliers, privacy
//! policy, API documentation, and the 404 page; the signed-in desks (accounts, services, the
//! review committee, audit) in their modules.

pub mod account;
mod assets;
pub mod audit;
mod buying;
mod catalog;
mod chart;
mod compare;
pub mod desk;
mod docs;
mod form;
mod home;
mod layout;
pub mod links;
mod privacy;
pub mod review;
mod revisions;
mod search;
mod service;
mod stats;
mod usage;
mod voucher;
mod xlsx;

pub use layout::Ctx;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/services", get(search::search))
        .route("/services/{id}", get(service::service))
        .route("/services/{id}/revisions", get(revisions::history))
        .route("/services/{id}/revisions/{n}", get(revisions::revision))
        .route("/compare", get(compare::compare))
        .route("/compare.xlsx", get(compare::compare_xlsx))
        .route("/categories", get(catalog::categories))
        .route("/suppliers/{id}", get(catalog::supplier))
        .route("/privacy", get(privacy::privacy))
        .route("/api/docs", get(docs::docs))
        .route("/stats", get(stats::page))
        .route("/static/gureum.css", get(assets::css))
        .merge(account::routes())
        .merge(desk::routes())
        .merge(audit::routes())
        .merge(review::routes())
        .merge(buying::routes())
        .merge(usage::routes())
        .merge(voucher::routes()) // #25 vouchers
}

/// Unknown routes: a 404 page in the layout, or the JSON error under `/api/`.
pub async fn not_found(ctx: Ctx) -> Response {
    let err = AppError::not_found(if ctx.path.starts_with("/api/") || ctx.path == "/api" { "route" } else { "page" });
    if ctx.path.starts_with("/api/") || ctx.path == "/api" {
        return err.into_response();
    }
    ctx.error(&err)
}
