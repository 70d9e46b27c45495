//! `GET /metrics`: the instance's figures in the Prometheus text exposition format (0.0.4),
//! written here by hand (a dozen families do not need a metrics library). Every metric is
//! described in docs/OPERATIONS.md "Metrics".
//!
//! Who may read them: a client on this machine (a loopback peer) that no proxy relayed, or a
//! request bearing the token `serve --metrics-token` configured (`Authorization: Bearer …`,
//! compared in constant time). Anyone else gets 404 `not_found`, as for a route that does not
//! exist. A proxy on the same machine connects from loopback on behalf of anybody, so a request
//! carrying a proxy's forwarding header is not taken for a local one.
//!
//! The figures themselves — the process's counters and the gauges read when scraped — are the
//! application's (`gureum_app::metrics`); this module is the HTTP side: the layer that counts
//! requests by method and route template, and the door of `/metrics`.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gureum_app::metrics::write_gauges;
pub use gureum_app::metrics::{CONTENT_TYPE, Exposition, Registry, SearchTimer, UNMATCHED, registry};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

/// The method as a label: one of the standard methods, else `other` (a client can send any
/// token as a method, and each would be a new series).
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Counts a request once it is answered. Added with `Router::layer`, it runs after routing for
/// every route and the fallback, outside the other layers, so it sees the final status (a 503
/// from the timeout, a 500 from a caught panic) and the matched route's template.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = req.method().clone();
    let started = Instant::now();
    let response = next.run(req).await;
    let route = route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
    registry().observe_request(method_label(&method), route, response.status().as_u16(), started.elapsed());
    response
}

static TOKEN: OnceLock<String> = OnceLock::new();

/// Lets requests bearing `token` read the metrics from anywhere (`serve --metrics-token`). The
/// first non-empty token set wins (one server per process); whether it was taken.
pub fn allow_token(token: &str) -> bool {
    !token.is_empty() && TOKEN.set(token.to_owned()).is_ok()
}

/// Whether the request may read the metrics: it bears the configured token, or it comes from a
/// loopback peer and no proxy relayed it. No peer known (a router called without a socket) is
/// not a local one.
fn may_read(peer: Option<SocketAddr>, headers: &HeaderMap, token: Option<&str>) -> bool {
    if let (Some(expected), Some(given)) = (token, bearer(headers))
        && same_secret(given.as_bytes(), expected.as_bytes())
    {
        return true;
    }
    // `to_canonical`: an IPv4 peer on a dual-stack socket arrives as `::ffff:127.0.0.1`.
    let local = peer.is_some_and(|p| p.ip().to_canonical().is_loopback());
    let relayed = ["forwarded", "x-forwarded-for", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
    local && !relayed
}

/// The bearer credential of the `Authorization` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, credential) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| credential.trim())
}

/// Compares a presented secret with the expected one without stopping at the first difference:
/// every byte of `given` is compared whatever came before, so the time taken tells the length
/// that was sent, never how much of it was right.
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let mut diff = given.len() ^ expected.len();
    for (i, g) in given.iter().enumerate() {
        diff |= usize::from(g ^ expected.get(i).copied().unwrap_or(0));
    }
    std::hint::black_box(diff) == 0
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, req: Request) -> Response {
    let (mut parts, _) = req.into_parts();
    // Through the extractor, which also reads the address a test router was given.
    let peer = ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, &state).await.ok().map(|c| c.0);
    if !may_read(peer, &parts.headers, TOKEN.get().map(String::as_str)) {
        return refused();
    }
    let mut out = Exposition::default();
    registry().write(&mut out);
    write_gauges(&state, state.is_ready(), &mut out).await;
    let mut response = (StatusCode::OK, out.finish()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What anyone else gets: the API's 404, as for a route that does not exist.
fn refused() -> Response {
    let body = serde_json::json!({"code": "not_found", "message": "요청한 경로를 찾을 수 없습니다. / The requested route was not found."});
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(s: &str) -> Option<SocketAddr> {
        Some(s.parse().expect("socket address"))
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).expect("header"));
        }
        h
    }

    #[test]
    fn only_unknown_methods_share_a_label() {
        assert_eq!(method_label(&Method::POST), "POST");
        assert_eq!(method_label(&Method::TRACE), "TRACE");
        assert_eq!(method_label(&Method::from_bytes(b"X-ANY").expect("method")), "other");
    }

    #[test]
    fn secrets_are_equal_only_when_every_byte_and_the_length_are() {
        assert!(same_secret(b"s3cret-token", b"s3cret-token"));
        assert!(!same_secret(b"s3cret-toke", b"s3cret-token"));
        assert!(!same_secret(b"s3cret-token!", b"s3cret-token"));
        assert!(!same_secret(b"s3cret-tokem", b"s3cret-token"));
        assert!(!same_secret(b"", b"s3cret-token"));
    }

    #[test]
    fn loopback_peers_and_token_bearers_may_read_and_nobody_else() {
        let none = HeaderMap::new();
        assert!(may_read(addr("127.0.0.1:5000"), &none, None));
        assert!(may_read(addr("[::1]:5000"), &none, None));
        assert!(may_read(addr("[::ffff:127.0.0.1]:5000"), &none, None));
        assert!(!may_read(addr("203.0.113.7:5000"), &none, None));
        assert!(!may_read(addr("[2001:db8::1]:5000"), &none, None));
        assert!(!may_read(None, &none, None), "no socket, no trust");
        // A proxy on this machine relays anybody.
        for h in ["forwarded", "x-forwarded-for", "x-real-ip"] {
            assert!(!may_read(addr("127.0.0.1:5000"), &headers(&[(h, "203.0.113.7")]), None), "{h}");
        }
        let good = headers(&[("authorization", "Bearer s3cret")]);
        assert!(may_read(addr("203.0.113.7:5000"), &good, Some("s3cret")));
        assert!(may_read(None, &headers(&[("authorization", "bearer s3cret"), ("x-forwarded-for", "a")]), Some("s3cret")));
        assert!(!may_read(addr("203.0.113.7:5000"), &headers(&[("authorization", "Bearer s3cre")]), Some("s3cret")));
        assert!(!may_read(addr("203.0.113.7:5000"), &headers(&[("authorization", "Basic s3cret")]), Some("s3cret")));
        assert!(!may_read(addr("203.0.113.7:5000"), &good, None), "no token configured, none accepted");
    }
}
