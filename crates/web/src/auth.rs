//! Who is asking: sessions for people (a cookie in browsers, a bearer login token for API
//! clients), long-lived API tokens for machines, and the permission rule each route declares.
//!
//! Answers (SPEC §2): no credentials on a route that needs them → 401 `unauthenticated`; a role
//! never allowed on the route → 403 `forbidden`; another organisation's private object → 404.

use crate::error::{AppError, Code};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use gureum_app::accounts::Scope;
use gureum_domain::account::OrgKind;

pub use gureum_app::actor::{AUDIT_READERS, OPERATOR, Principal, Rule, SESSION_IDLE_MICROS, SUPPLIER};
pub use gureum_app::secrets::{
    API_TOKEN_PREFIX, DUMMY_HASH, SESSION_PREFIX, hash_password, new_secret, same_secret, secret_hash, verify_password,
};

/// The cookies' names over plain HTTP (a laptop, tests). Under HTTPS they carry the `__Host-`
/// prefix, which browsers accept only from this very host, `Secure`, on `/` — so no sibling
/// subdomain can plant or overwrite them.
pub const SESSION_COOKIE: &str = "gureum_session";
pub const CSRF_COOKIE: &str = "gureum_csrf";
pub const CSRF_FIELD: &str = "_csrf";

pub fn session_cookie_name(https: bool) -> &'static str {
    if https { "__Host-gureum_session" } else { SESSION_COOKIE }
}

pub fn csrf_cookie_name(https: bool) -> &'static str {
    if https { "__Host-gureum_csrf" } else { CSRF_COOKIE }
}

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
        None => match cookie(headers, session_cookie_name(state.is_https())) {
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
        let p = principal(state, &parts.headers).await?;
        if let Some(p) = &p {
            check_scope(p, parts)?;
        }
        Ok(Self(p))
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match principal(state, &parts.headers).await? {
            Some(p) => {
                check_scope(&p, parts)?;
                Ok(Self(p))
            }
            None => Err(AppError::new(Code::Unauthenticated, "sign in, or send Authorization: Bearer TOKEN")),
        }
    }
}

/// The scope a machine token needs for a call (SPEC §4): `read` to read (GET), each write
/// family its own; `None` for a call no token may make (a person's).
pub fn scope_for(method: &Method, path: &str) -> Option<Scope> {
    if matches!(*method, Method::GET | Method::HEAD) {
        return Some(Scope::Read);
    }
    let under = |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    if under("/api/v1/services") {
        Some(Scope::ServicesWrite)
    } else if under("/api/v1/usage") {
        Some(Scope::UsageWrite)
    } else if under("/api/v1/invoices") {
        Some(Scope::InvoicesWrite)
    } else {
        None
    }
}

/// A machine token's call must lie within its scopes: 403 `insufficient_scope` else.
fn check_scope(p: &Principal, parts: &Parts) -> Result<(), AppError> {
    if !matches!(p, Principal::Machine { .. }) {
        return Ok(());
    }
    match scope_for(&parts.method, parts.uri.path()) {
        Some(scope) => {
            p.require_scope(scope)?;
            Ok(())
        }
        None => Err(AppError::new(Code::InsufficientScope, "no API token scope allows this call; a person signs in to make it")),
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

/// `Set-Cookie` for a session: `HttpOnly`, `SameSite=Lax`, and under HTTPS `Secure` with the
/// `__Host-` name (SPEC §4).
pub fn session_cookie(https: bool, value: &str, max_age_secs: i64) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}", session_cookie_name(https))
}

/// `Set-Cookie` for the CSRF token of visitors' forms.
pub fn csrf_cookie(https: bool, value: &str) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{}={value}; Path=/; HttpOnly; SameSite=Strict{secure}", csrf_cookie_name(https))
}

fn csrf_refused() -> AppError {
    AppError::new(Code::CsrfFailed, "the form has expired or did not come from this site; reload the page and try again")
}

/// The CSRF check of a browser form. A signed-in person's form must carry the token of the
/// very session it is sent with (SPEC §4: bound to the session), so a token taken from another
/// session, or planted as a cookie, is refused; a visitor's form (log in, sign up, reset) must
/// carry the token of its double-submit cookie. Compared in constant time. Bearer calls need no
/// token: a browser never adds that header by itself.
pub fn check_csrf(headers: &HeaderMap, viewer: Option<&Principal>, https: bool, form_value: Option<&str>) -> Result<(), AppError> {
    if bearer(headers).is_some() {
        return Ok(());
    }
    let expected = match viewer {
        Some(p @ Principal::Person { via_cookie: true, .. }) => p.csrf().map(str::to_owned),
        _ => cookie(headers, csrf_cookie_name(https)),
    };
    match (expected, form_value) {
        (Some(e), Some(f)) if !e.is_empty() && same_secret(&e, f) => Ok(()),
        _ => Err(csrf_refused()),
    }
}

/// The CSRF token for the forms of a page: the signed-in person's session token; for visitors
/// the request's cookie, or a fresh one together with the `Set-Cookie` value the response must
/// carry.
pub fn form_csrf(headers: &HeaderMap, viewer: Option<&Principal>, https: bool) -> Result<(String, Option<String>), AppError> {
    if let Some(p @ Principal::Person { via_cookie: true, .. }) = viewer
        && let Some(t) = p.csrf()
    {
        return Ok((t.to_owned(), None));
    }
    match cookie(headers, csrf_cookie_name(https)).filter(|c| c.len() >= 32) {
        Some(c) => Ok((c, None)),
        None => {
            let t = new_secret("")?;
            let set = csrf_cookie(https, &t);
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
    fn cookies_and_visitors_csrf() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; gureum_csrf=tok; gureum_session=s".parse().expect("header"));
        assert_eq!(cookie(&h, CSRF_COOKIE).as_deref(), Some("tok"));
        assert!(check_csrf(&h, None, false, Some("tok")).is_ok());
        assert_eq!(check_csrf(&h, None, false, Some("other")).err().map(|e| e.code.as_str()), Some("csrf_failed"));
        assert_eq!(check_csrf(&h, None, false, None).err().map(|e| e.code.as_str()), Some("csrf_failed"));
        assert!(check_csrf(&h, None, true, Some("tok")).is_err(), "under HTTPS only the __Host- cookie counts");
        let mut b = HeaderMap::new();
        b.insert(header::AUTHORIZATION, "Bearer gst_x".parse().expect("header"));
        assert!(check_csrf(&b, None, false, None).is_ok());
    }

    #[test]
    fn cookies_are_host_prefixed_and_secure_under_https() {
        assert_eq!(session_cookie(false, "v", 60), "gureum_session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60");
        assert_eq!(session_cookie(true, "v", 60), "__Host-gureum_session=v; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure");
        assert!(csrf_cookie(true, "t").starts_with("__Host-gureum_csrf=t; Path=/;") && csrf_cookie(true, "t").ends_with("; Secure"));
        assert!(!csrf_cookie(false, "t").contains("Secure"));
    }

    #[test]
    fn scopes_by_route() {
        assert_eq!(scope_for(&Method::GET, "/api/v1/organisations"), Some(Scope::Read));
        assert_eq!(scope_for(&Method::POST, "/api/v1/services"), Some(Scope::ServicesWrite));
        assert_eq!(scope_for(&Method::PATCH, "/api/v1/services/x"), Some(Scope::ServicesWrite));
        assert_eq!(scope_for(&Method::POST, "/api/v1/usage"), Some(Scope::UsageWrite));
        assert_eq!(scope_for(&Method::POST, "/api/v1/usagex"), None);
        assert_eq!(scope_for(&Method::POST, "/api/v1/invoices"), Some(Scope::InvoicesWrite));
        assert_eq!(scope_for(&Method::POST, "/api/v1/servicesx"), None);
        assert_eq!(scope_for(&Method::POST, "/api/v1/tokens"), None);
        assert_eq!(scope_for(&Method::DELETE, "/api/v1/tokens/x"), None);
    }
}
