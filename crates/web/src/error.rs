//! The one error type at the HTTP edge: a status, a stable snake_case `code` that pages
//! translate, and a human message. Causes of 5xx answers are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable snake_case code, e.g. `invalid_kind`, `not_found`, `index_not_ready`.
    pub code: String,
    /// A human message (English; pages translate codes to Korean).
    pub message: String,
}

impl AppError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn not_found(what: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found"))
    }

    pub fn forbidden(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn index_not_ready() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "index_not_ready",
            "the search index is catching up with the database; try again shortly",
        )
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "an internal error occurred; it has been logged")
    }
}

impl From<gureum_storage::StorageError> for AppError {
    fn from(e: gureum_storage::StorageError) -> Self {
        Self::internal(e)
    }
}

impl From<gureum_search::SearchError> for AppError {
    fn from(e: gureum_search::SearchError) -> Self {
        Self::internal(e)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { code: self.code.into(), message: self.message })).into_response()
    }
}

/// A panic becomes a 500 with a code; the payload goes to the log with the request's span.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail =
        err.downcast_ref::<String>().map(String::as_str).or_else(|| err.downcast_ref::<&str>().copied()).unwrap_or("unknown panic");
    tracing::error!(panic = %detail, "handler panicked");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "an internal error occurred; it has been logged").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_answers_500_without_its_message() {
        let resp = panic_response(Box::new(String::from("secret detail at src/x.rs:1")));
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let resp = panic_response(Box::new("static str panic"));
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn errors_carry_stable_codes() {
        assert_eq!(AppError::index_not_ready().status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(AppError::not_found("service").code, "not_found");
        assert_eq!(AppError::internal("boom").code, "internal_error");
    }
}
