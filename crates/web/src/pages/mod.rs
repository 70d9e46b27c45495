//! Server-rendered pages (KRDS look, Korean first, no JavaScript needed).

use crate::state::AppState;
use axum::Router;
use axum::http::StatusCode;
use axum::response::IntoResponse;

pub fn routes() -> Router<AppState> {
    Router::new()
}

pub async fn not_found() -> impl IntoResponse {
    (StatusCode::NOT_FOUND, "not found")
}
