//! Gureum's HTTP edge: the JSON API under `/api/v1` (described by the OpenAPI document the router
//! itself produces) and the server-rendered pages, over one [`AppState`].

pub mod api;
pub mod auth;
pub mod error;
pub mod i18n;
pub mod limits;
pub mod metrics;
pub mod pages;
pub mod state;

pub use error::AppError;
pub use state::AppState;

use axum::Router;
use axum::http::{HeaderValue, header};
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub const REQUEST_ID: &str = "x-request-id";

/// The whole application: API, OpenAPI document, pages, health, with request ids, tracing and
/// panic catching. Tests build this same router.
pub fn router(state: AppState) -> Router {
    let (api_router, openapi) = api::router().split_for_parts();
    let openapi = std::sync::Arc::new(openapi);
    let request_id = axum::http::HeaderName::from_static(REQUEST_ID);
    Router::new()
        .merge(api_router)
        .merge(api::meta_routes(openapi))
        .merge(pages::routes())
        .route("/metrics", axum::routing::get(metrics::scrape))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), limits::account_bodies))
        .with_state(state)
        // Uploads are at most 20 MiB; the margin is for the form around the file.
        .layer(axum::extract::DefaultBodyLimit::max(24 * 1024 * 1024))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    let rid = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    let client = req.extensions().get::<ClientRequestId>().map(|c| c.0.as_str()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %rid, client_request_id = %client)
                })
                .on_failure(log_failure),
        )
        // Security headers on every answer (SPEC §4), unless a page set its own (a page that
        // carries a secret sends `Referrer-Policy: no-referrer`).
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        // Outside the layer above, so that it always makes our own id.
        .layer(axum::middleware::from_fn(set_aside_client_request_id))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(axum::middleware::from_fn(metrics::track))
}

/// The `x-request-id` a client sent: logged beside ours as `client_request_id`, never taken as
/// ours. The id in logs, answers and audit events is always one this server made (a UUID), so a
/// client cannot make two requests look like one, or plant text in the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientRequestId(pub String);

/// Takes a client's `x-request-id` off the request (kept, printable and at most 64 characters,
/// as [`ClientRequestId`]), so that the request-id layer makes a fresh one.
async fn set_aside_client_request_id(mut req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    if let Some(v) = req.headers_mut().remove(REQUEST_ID) {
        let kept: String = v.to_str().unwrap_or_default().chars().filter(|c| c.is_ascii_graphic()).take(64).collect();
        if !kept.is_empty() {
            req.extensions_mut().insert(ClientRequestId(kept));
        }
    }
    next.run(req).await
}

/// The content security policy of every answer. The pages run no script at all and load only
/// their own stylesheet; nothing may frame them, and forms post only here.
pub const CSP: &str = "default-src 'none'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A 503 is transient by nature (not ready while the index catches up on start, or a request
/// that timed out): a warning. Every other server error is an error.
fn log_failure(failure: ServerErrorsFailureClass, latency: Duration, _span: &tracing::Span) {
    let ms = latency.as_millis();
    match failure {
        ServerErrorsFailureClass::StatusCode(code) if code == axum::http::StatusCode::SERVICE_UNAVAILABLE => {
            tracing::warn!(status = %code, latency_ms = ms, "service unavailable")
        }
        other => tracing::error!(classification = %other, latency_ms = ms, "response failed"),
    }
}
