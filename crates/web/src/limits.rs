//! Body limits (SPEC §4 "Errors, limits and the OpenAPI document"): the account doors (log in,
//! reset, links, password change, invitations, tokens, organisations, and their pages) take at
//! most 16 KiB, refused with 413 `body_too_large` — JSON under `/api/`, the error page
//! elsewhere — before a handler reads anything. Documents keep their 20 MiB (the router's
//! default limit); a sign-up's form fields beside its certificate are held to the same 16 KiB
//! where the multipart form is read (`api::accounts::read_signup`).

use crate::error::{AppError, Code};
use crate::pages::Ctx;
use crate::state::AppState;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::CONTENT_LENGTH;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The most an account request's body may hold.
pub const ACCOUNT_BODY_LIMIT: usize = 16 * 1024;

/// The paths of the account doors (by prefix). Sign-up is not among them: its form carries the
/// certificate, and its fields are limited where they are read.
const ACCOUNT_PATHS: &[&str] = &[
    "/api/v1/auth",
    "/api/v1/me",
    "/api/v1/tokens",
    "/api/v1/organisations",
    "/api/v1/users",
    "/login",
    "/logout",
    "/account",
    "/operator/organisations",
    "/operator/users",
];

/// The path is one of [`ACCOUNT_PATHS`] or below one.
fn is_account_path(path: &str) -> bool {
    ACCOUNT_PATHS.iter().any(|p| path.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with('/')))
}

/// Reads at most `limit` bytes of a body: `Ok(None)` when it holds more, `Err` when it could
/// not be read at all.
pub async fn read_limited(body: Body, limit: usize) -> Result<Option<Bytes>, AppError> {
    let mut body = std::pin::pin!(body);
    let mut buf = Vec::new();
    while let Some(frame) = std::future::poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame = frame.map_err(|e| AppError::new(Code::InvalidBody, format!("the body could not be read: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Ok(None);
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(Some(Bytes::from(buf)))
}

pub fn too_large(limit: usize) -> AppError {
    AppError::new(Code::BodyTooLarge, format!("the request body may be at most {} KiB", limit / 1024))
}

/// The most a usage batch's body may hold (`POST /api/v1/usage`, SPEC §4): 10,000 records
/// fit in well under it.
pub const USAGE_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// Reads a usage batch's body: a declared length above [`USAGE_BODY_LIMIT`] is refused unread,
/// any other body read up to it; 413 `body_too_large` when it holds more.
pub async fn read_usage_body(headers: &axum::http::HeaderMap, body: Body) -> Result<Bytes, AppError> {
    let declared = headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > USAGE_BODY_LIMIT as u64) {
        return Err(too_large(USAGE_BODY_LIMIT));
    }
    read_limited(body, USAGE_BODY_LIMIT).await?.ok_or_else(|| too_large(USAGE_BODY_LIMIT))
}

/// Holds the account doors' bodies to [`ACCOUNT_BODY_LIMIT`]: a declared length above it is
/// refused unread; any other body is read up to it and passed on whole.
pub async fn account_bodies(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !is_account_path(req.uri().path()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let declared = parts.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let refused = if declared.is_some_and(|n| n > ACCOUNT_BODY_LIMIT as u64) {
        Err(too_large(ACCOUNT_BODY_LIMIT))
    } else {
        match read_limited(body, ACCOUNT_BODY_LIMIT).await {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => Err(too_large(ACCOUNT_BODY_LIMIT)),
            Err(e) => Err(e),
        }
    };
    match refused {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(e) if parts.uri.path().starts_with("/api/") => e.into_response(),
        Err(e) => match Ctx::from_request_parts(&mut parts, &state).await {
            Ok(ctx) => ctx.error(&e),
            Err(r) => r,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_account_doors_are_named_and_documents_are_not() {
        for p in [
            "/api/v1/auth/login",
            "/api/v1/me/password",
            "/api/v1/tokens",
            "/api/v1/organisations/x/invitations",
            "/login",
            "/account/reset",
        ] {
            assert!(is_account_path(p), "{p}");
        }
        for p in ["/api/v1/signup", "/signup", "/api/v1/services/x/documents", "/supplier/services/x/documents", "/loginx", "/api/v1/meta"]
        {
            assert!(!is_account_path(p), "{p}");
        }
    }

    #[tokio::test]
    async fn bodies_are_read_up_to_the_limit() {
        assert_eq!(read_limited(Body::from("abc"), 3).await.ok().flatten().as_deref(), Some(&b"abc"[..]));
        assert!(read_limited(Body::from("abcd"), 3).await.is_ok_and(|b| b.is_none()));
    }
}
