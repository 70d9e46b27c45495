//! Who is asking: sessions for people (a cookie in browsers, a bearer login token for API
//! clients), long-lived API tokens for machines, and the permission rule each route declares.
//!
//! Answers (SPEC §2): no credentials on a route that needs them → 401 `unauthenticated`; a role
//! never allowed on the route → 403 `forbidden`; another organisation's private object → 404.

use crate::error::{AppError, Code};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use gureum_domain::account::OrgKind;

pub use gureum_app::actor::{AUDIT_READERS, OPERATOR, Principal, Rule, SESSION_IDLE_MICROS, SUPPLIER};
pub use gureum_app::secrets::{API_TOKEN_PREFIX, DUMMY_HASH, SESSION_PREFIX, hash_password, new_secret, secret_hash, verify_password};

pub const SESSION_COOKIE: &str = "gureum_session";
pub const CSRF_COOKIE: &str = "gureum_csrf";
pub const CSRF_FIELD: &str = "_csrf";

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// Resolves the caller from the request's credentials (a bearer token, else the session
/// cookie), moving a session's idle end.
pub async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, AppError> {
    let (secret, via_cookie) = match bearer(headers) {
        Some(b) => (b, false),
        None => match cookie(headers, SESSION_COOKIE) {
            Some(c) => (c, true),
            None => return Ok(None),
        },
    };
    Ok(gureum_app::actor::authenticate(state, &secret, via_cookie).await?)
}

/// Requires credentials: 401 `unauthenticated` without valid ones.
pub struct Auth(pub Principal);

/// Credentials when given (public routes never answer 401).
pub struct MaybeAuth(pub Option<Principal>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(principal(state, &parts.headers).await?))
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match principal(state, &parts.headers).await? {
            Some(p) => Ok(Self(p)),
            None => Err(AppError::new(Code::Unauthenticated, "sign in, or send Authorization: Bearer TOKEN")),
        }
    }
}

impl Auth {
    /// Declares the route's rule and checks it.
    pub fn require(&self, rule: Rule) -> Result<&Principal, AppError> {
        Ok(self.0.require(rule)?)
    }
}

/// The caller's address: the socket's peer, as `serve` hands it over (`ConnectInfo`). Requests
/// sent straight into the router (tests through `oneshot`) have none; the throttle counts them
/// under one key. A proxy in front is the peer: see docs/OPERATIONS.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip())))
    }
}

/// The request id set by the middleware, for audit events.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get(crate::REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `Set-Cookie` for a session. `Secure` is added when the public URL is HTTPS
/// (`GUREUM_PUBLIC_URL=https://…`), which is every deployment but a laptop.
pub fn session_cookie(value: &str, max_age_secs: i64) -> String {
    let secure = if std::env::var("GUREUM_PUBLIC_URL").map(|u| u.starts_with("https://")).unwrap_or(false) { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

pub fn csrf_cookie(value: &str) -> String {
    let secure = if std::env::var("GUREUM_PUBLIC_URL").map(|u| u.starts_with("https://")).unwrap_or(false) { "; Secure" } else { "" };
    format!("{CSRF_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict{secure}")
}

/// Double-submit check for browser forms: the hidden field must equal the CSRF cookie. Bearer
/// calls need no CSRF token.
pub fn check_csrf(headers: &HeaderMap, form_value: Option<&str>) -> Result<(), AppError> {
    if bearer(headers).is_some() {
        return Ok(());
    }
    match (cookie(headers, CSRF_COOKIE), form_value) {
        (Some(c), Some(f)) if !c.is_empty() && c == f => Ok(()),
        _ => Err(AppError::new(Code::CsrfFailed, "the form has expired or did not come from this site; reload the page and try again")),
    }
}

/// The CSRF token for the forms of a page: the request's cookie, or a fresh one together with
/// the `Set-Cookie` value the response must carry.
pub fn form_csrf(headers: &HeaderMap) -> Result<(String, Option<String>), AppError> {
    match cookie(headers, CSRF_COOKIE).filter(|c| c.len() >= 32) {
        Some(c) => Ok((c, None)),
        None => {
            let t = new_secret("")?;
            let set = csrf_cookie(&t);
            Ok((t, Some(set)))
        }
    }
}

/// The organisation kind of the caller, if any (for pages).
pub fn org_kind(p: Option<&Principal>) -> Option<OrgKind> {
    p.map(|p| p.org().kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_and_csrf() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; gureum_csrf=tok; gureum_session=s".parse().expect("header"));
        assert_eq!(cookie(&h, CSRF_COOKIE).as_deref(), Some("tok"));
        assert!(check_csrf(&h, Some("tok")).is_ok());
        assert_eq!(check_csrf(&h, Some("other")).err().map(|e| e.code.as_str()), Some("csrf_failed"));
        assert_eq!(check_csrf(&h, None).err().map(|e| e.code.as_str()), Some("csrf_failed"));
        let mut b = HeaderMap::new();
        b.insert(header::AUTHORIZATION, "Bearer gst_x".parse().expect("header"));
        assert!(check_csrf(&b, None).is_ok());
    }
}
