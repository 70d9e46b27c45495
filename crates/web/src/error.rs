//! The one error type at the HTTP edge: a use case's [`gureum_app::Error`] (or an edge refusal
//! such as a bad CSRF token) with the HTTP status its [`Code`] carries. The answer is `{"code",
//! "message"}` plus the error's details; causes of 5xx answers are logged, never sent.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
pub use gureum_app::Code;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq)]
pub struct AppError {
    pub status: StatusCode,
    pub code: Code,
    pub message: String,
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
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
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self::from(gureum_app::Error::new(code, message))
    }

    pub fn not_found(what: &str) -> Self {
        Self::from(gureum_app::Error::not_found(what))
    }

    pub fn index_not_ready() -> Self {
        Self::new(Code::IndexNotReady, "the search index is catching up with the database; try again shortly")
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::from(gureum_app::Error::internal(cause))
    }
}

impl From<gureum_app::Error> for AppError {
    fn from(e: gureum_app::Error) -> Self {
        let status = StatusCode::from_u16(e.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        Self { status, code: e.code, message: e.message, details: e.details }
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

impl AppError {
    /// Seconds the client should wait before trying again (429 and 503 answers), as the
    /// `Retry-After` header carries them.
    pub fn retry_after(&self) -> Option<u64> {
        self.details.as_ref()?.get("retry_after")?.as_u64()
    }
}

/// Adds `Retry-After` to an answer when the error names a wait.
pub fn with_retry_after(mut res: Response, err: &AppError) -> Response {
    if let Some(secs) = err.retry_after() {
        res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
    }
    res
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry = self.retry_after();
        let mut body = self.details.unwrap_or_default();
        body.insert("code".into(), self.code.as_str().into());
        body.insert("message".into(), self.message.into());
        let mut res = (self.status, Json(serde_json::Value::Object(body))).into_response();
        if let Some(secs) = retry {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        res
    }
}

/// A panic becomes a 500 with a code; the payload goes to the log with the request's span.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let detail =
        err.downcast_ref::<String>().map(String::as_str).or_else(|| err.downcast_ref::<&str>().copied()).unwrap_or("unknown panic");
    tracing::error!(panic = %detail, "handler panicked");
    AppError::new(Code::InternalError, "an internal error occurred; it has been logged").into_response()
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
    fn errors_carry_stable_codes_and_their_status() {
        assert_eq!(AppError::index_not_ready().status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(AppError::not_found("service").code, "not_found");
        assert_eq!(AppError::internal("boom").code, "internal_error");
        for c in Code::ALL {
            assert_eq!(AppError::new(*c, "x").status.as_u16(), c.status(), "{c}");
        }
    }
}
