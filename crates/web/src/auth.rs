//! Who is asking: sessions for people (a cookie in browsers, a bearer login token for API
//! clients), long-lived API tokens for machines, and the permission rule each route declares.
//!
//! Answers (SPEC §2): no credentials on a route that needs them → 401 `unauthenticated`; a role
//! never allowed on the route → 403 `forbidden`; another organisation's private object → 404.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use gureum_domain::account::{OrgKind, Role};
use gureum_domain::audit::sha256_hex;
use gureum_storage::{ApiToken, OrgStatus, Organisation, SessionInfo, User};

/// A session ends after this much idle time; each use moves its end.
pub const SESSION_IDLE_MICROS: i64 = 30 * 60 * 1_000_000;
pub const SESSION_COOKIE: &str = "gureum_session";
pub const CSRF_COOKIE: &str = "gureum_csrf";
pub const CSRF_FIELD: &str = "_csrf";
/// Login tokens and session cookies start with this; API tokens with `gat_`.
pub const SESSION_PREFIX: &str = "gst_";
pub const API_TOKEN_PREFIX: &str = "gat_";

/// A fresh random secret: 32 bytes from the OS, hex-encoded, with a prefix.
pub fn new_secret(prefix: &str) -> Result<String, AppError> {
    let mut buf = [0u8; 32];
    getrandom::fill(&mut buf).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    let hex: String = buf.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("{prefix}{hex}"))
}

/// Secrets are stored only as their SHA-256.
pub fn secret_hash(secret: &str) -> String {
    sha256_hex(secret.as_bytes())
}

/// argon2id with the crate's default (OWASP-recommended) parameters, off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHasher, SaltString};
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
        let salt = SaltString::encode_b64(&bytes).map_err(|e| AppError::internal(e.to_string()))?;
        argon2::Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(e.to_string()))
    })
    .await
    .map_err(AppError::internal)?
}

pub async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::{PasswordHash, PasswordVerifier};
        PasswordHash::new(&hash).map(|h| argon2::Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the e-mail is unknown, so both failures take the same time.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Wj1lB0xqQbmoy6l1hq8AUkt0q5JgS3Nx0kX4nEr7fAo";

/// How the caller proved who it is.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // built once per request; boxing buys nothing
pub enum Principal {
    /// A person, through a session cookie or a bearer login token.
    Person { session: Box<SessionInfo>, token_hash: String, via_cookie: bool },
    /// A machine, through an organisation's API token.
    Machine { token: ApiToken, org: Organisation },
}

impl Principal {
    pub fn org(&self) -> &Organisation {
        match self {
            Self::Person { session, .. } => &session.org,
            Self::Machine { org, .. } => org,
        }
    }

    pub fn user(&self) -> Option<&User> {
        match self {
            Self::Person { session, .. } => Some(&session.user),
            Self::Machine { .. } => None,
        }
    }

    /// The actor recorded in audit events: the user id, or `token:<id>`.
    pub fn actor(&self) -> String {
        match self {
            Self::Person { session, .. } => session.user.id.clone(),
            Self::Machine { token, .. } => format!("token:{}", token.id),
        }
    }

    /// The roles in force. A machine token acts with its organisation kind's roles; an
    /// organisation not yet approved has none.
    pub fn roles(&self) -> Vec<Role> {
        if self.org().status != OrgStatus::Approved {
            return Vec::new();
        }
        match self {
            Self::Person { session, .. } => {
                session.user.roles.iter().copied().filter(|r| session.org.kind.allowed_roles().contains(r)).collect()
            }
            Self::Machine { org, .. } => org.kind.allowed_roles().to_vec(),
        }
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    pub fn is_admin(&self) -> bool {
        matches!(self, Self::Person { session, .. } if session.user.is_admin)
    }

    pub fn csrf(&self) -> Option<&str> {
        match self {
            Self::Person { session, .. } => Some(&session.csrf),
            Self::Machine { .. } => None,
        }
    }
}

/// The permission rule a route declares beside itself.
#[derive(Debug, Clone, Copy)]
pub enum Rule {
    /// Any signed-in person or machine, even of an organisation not yet approved.
    Authenticated,
    /// Any of these roles (in an approved organisation).
    AnyRole(&'static [Role]),
    /// An admin of an organisation of one of these kinds (approved or pending for self-service).
    OrgAdmin,
    /// A person (not a machine token).
    Person,
}

impl Rule {
    /// Checks the rule: `Ok` or 403 `forbidden`.
    pub fn check(self, p: &Principal) -> Result<(), AppError> {
        let ok = match self {
            Self::Authenticated => true,
            Self::AnyRole(roles) => roles.iter().any(|r| p.has_role(*r)),
            // An auditor reads everything and changes nothing, even as its office's admin.
            Self::OrgAdmin => p.is_admin() && p.org().status == OrgStatus::Approved && !p.has_role(Role::Auditor),
            Self::Person => p.user().is_some(),
        };
        if ok { Ok(()) } else { Err(AppError::forbidden("forbidden", "your role may not do this")) }
    }
}

pub const OPERATOR: &[Role] = &[Role::Operator];
pub const AUDIT_READERS: &[Role] = &[Role::Operator, Role::Auditor];
pub const SUPPLIER: &[Role] = &[Role::Supplier];

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

/// Resolves the caller from the request's credentials, moving a session's idle end.
pub async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Option<Principal>, AppError> {
    let now = state.clock().now_micros();
    let (secret, via_cookie) = match bearer(headers) {
        Some(b) => (b, false),
        None => match cookie(headers, SESSION_COOKIE) {
            Some(c) => (c, true),
            None => return Ok(None),
        },
    };
    let hash = secret_hash(&secret);
    if secret.starts_with(API_TOKEN_PREFIX) && !via_cookie {
        let Some((token, org)) = state.db().api_token(&hash).await? else { return Ok(None) };
        state.db().mark_token_used(&token.id, now).await?;
        return Ok(Some(Principal::Machine { token, org }));
    }
    let Some(session) = state.db().session(&hash, now).await? else { return Ok(None) };
    if session.user.status == gureum_storage::UserStatus::Disabled {
        return Ok(None);
    }
    // Touch only when a minute has passed, to keep reads cheap.
    let new_end = now + SESSION_IDLE_MICROS;
    if new_end - session.expires_at > 60_000_000 {
        state.db().touch_session(&hash, new_end).await?;
    }
    Ok(Some(Principal::Person { session: Box::new(session), token_hash: hash, via_cookie }))
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
            None => Err(AppError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "sign in, or send Authorization: Bearer TOKEN")),
        }
    }
}

impl Auth {
    /// Declares the route's rule and checks it.
    pub fn require(&self, rule: Rule) -> Result<&Principal, AppError> {
        rule.check(&self.0)?;
        Ok(&self.0)
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
        _ => Err(AppError::forbidden("csrf_failed", "the form has expired or did not come from this site; reload the page and try again")),
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

    #[tokio::test]
    async fn passwords_hash_and_verify() {
        let h = hash_password("gureum-demo".into()).await.expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("gureum-demo".into(), h.clone()).await);
        assert!(!verify_password("gureum-dem0".into(), h).await);
        assert!(!verify_password("x".into(), DUMMY_HASH.into()).await);
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret(SESSION_PREFIX).expect("secret");
        let b = new_secret(SESSION_PREFIX).expect("secret");
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_ne!(secret_hash(&a), a);
    }

    #[test]
    fn cookies_and_csrf() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; gureum_csrf=tok; gureum_session=s".parse().expect("header"));
        assert_eq!(cookie(&h, CSRF_COOKIE).as_deref(), Some("tok"));
        assert!(check_csrf(&h, Some("tok")).is_ok());
        assert_eq!(check_csrf(&h, Some("other")).err().map(|e| e.code), Some("csrf_failed"));
        assert_eq!(check_csrf(&h, None).err().map(|e| e.code), Some("csrf_failed"));
        let mut b = HeaderMap::new();
        b.insert(header::AUTHORIZATION, "Bearer gst_x".parse().expect("header"));
        assert!(check_csrf(&b, None).is_ok());
    }
}
