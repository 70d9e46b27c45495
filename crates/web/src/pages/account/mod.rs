//! Pages: accounts (SPEC §3 "Accounts"). Signing in and out, a supplier's or SME's sign-up with
//! its registration certificate, password reset and invitation links, a person's account and
//! notifications, its organisation's people, API tokens and company profile, and the operator's
//! account desk (approvals, organisations, people, locks).
//!
//! Every form works without JavaScript and carries the CSRF field; every POST checks it first
//! (403 `csrf_failed`, nothing stored). Visitors are sent to `/login?next=…` (303); a signed-in
//! person whose role may not gets a 403 page; another organisation's object is a 404.

mod company;
pub mod masking;
mod me;
mod operator;
mod operator_orgs;
mod org;
mod session;
mod signup;

use super::layout::Ctx;
use crate::auth::{self, Principal, Rule};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::http::header::{CACHE_CONTROL, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/signup", get(signup::form).post(signup::submit))
        .route("/signup/done", get(signup::done))
        .route("/account/reset-request", get(session::reset_request_form).post(session::reset_request))
        .route("/account/reset", get(session::reset_form).post(session::reset))
        .route("/account/accept", get(session::accept_form).post(session::accept))
        .route("/account", get(me::account))
        .route("/account/password", post(me::change_password))
        .route("/account/notifications/read", post(me::mark_read))
        .route("/account/people", get(org::people).post(org::invite))
        .route("/account/people/{id}/roles", post(org::set_roles))
        .route("/account/tokens", get(org::tokens).post(org::create_token))
        .route("/account/tokens/{id}/revoke", post(org::revoke_token))
        .route("/account/company", get(company::form).post(company::save))
        .route("/operator", get(operator::hub))
        .route("/operator/search-index/rebuild", post(operator::rebuild_index))
        .route("/operator/organisations", get(operator::organisations).post(operator::create_organisation))
        .route("/operator/organisations/{id}", get(operator::organisation))
        .route("/operator/organisations/{id}/approve", post(operator::approve))
        .route("/operator/organisations/{id}/reject", post(operator::reject))
        .route("/operator/organisations/{id}/invite", post(operator::invite))
        .route("/operator/documents/{sha256}", get(operator::document))
        .route("/operator/users", get(operator::users))
        .route("/operator/users/{id}/lock", post(operator::lock))
        .route("/operator/users/{id}/unlock", post(operator::unlock))
}

/// A urlencoded form body, repeats kept, read by hand so that a malformed body is a page with a
/// code rather than axum's bare 422.
#[derive(Debug, Clone, Default)]
pub(crate) struct FormData(Vec<(String, String)>);

impl FormData {
    pub(crate) fn parse(body: &[u8]) -> Self {
        Self(form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of a field, or "".
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// A checkbox: present with a truthy value.
    pub(crate) fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "true" | "on" | "yes" | "1")
    }

    pub(crate) fn csrf(&self) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == auth::CSRF_FIELD).map(|(_, v)| v.as_str())
    }
}

/// One error of a form, shown in the summary at the top (linked to its field) and beside the
/// field (linked by `aria-describedby`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The id of the field; empty for an error of the whole form.
    pub field: String,
    pub code: &'static str,
    pub message: &'static str,
}

/// The errors of the form a page re-renders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub items: Vec<FieldError>,
}

impl FormErrors {
    pub fn one(lang: Lang, field: &str, err: &AppError) -> Self {
        Self { items: vec![FieldError { field: field.to_owned(), code: err.code, message: lang.error_message(err.code) }] }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn invalid(&self, field: &str) -> bool {
        self.items.iter().any(|e| e.field == field)
    }

    pub fn msg(&self, field: &str) -> &'static str {
        self.items.iter().find(|e| e.field == field).map(|e| e.message).unwrap_or("")
    }

    /// The ids a field is described by: its hint (if any) and its error (when it has one).
    pub fn described(&self, field: &str, hint: &str) -> String {
        let mut ids: Vec<String> = Vec::new();
        if !hint.is_empty() {
            ids.push(hint.to_owned());
        }
        if self.invalid(field) {
            ids.push(format!("{field}-error"));
        }
        ids.join(" ")
    }
}

/// A 303 to a local address.
pub(crate) fn redirect(to: &str) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(LOCATION, v);
    }
    res
}

pub(crate) fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// Pages that show a secret or carry one in their address: never stored, never referred.
pub(crate) fn private(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    res
}

/// Where to go after signing in: a local path only (never `//host`, `/\host` or a scheme),
/// else `/account`.
pub fn safe_next(next: &str) -> String {
    let n = next.trim();
    let local = n.starts_with('/')
        && !n.starts_with("//")
        && !n.starts_with("/\\")
        && !n.chars().any(|c| c.is_control() || c == '\\' || c.is_whitespace())
        && n.len() <= 2000;
    if local { n.to_owned() } else { "/account".to_owned() }
}

/// The signed-in person the rule allows: visitors (and ended sessions) go to the login page
/// with a way back; a person whose role may not gets the 403 page.
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(crate) fn require(ctx: &Ctx, rule: Rule) -> Result<&Principal, Response> {
    let Some(p) = ctx.person() else {
        let here = super::layout::login_href(&ctx.path, ctx.query.as_deref());
        let to = if ctx.had_session { format!("{here}{}expired=1", if here.contains('?') { '&' } else { '?' }) } else { here };
        return Err(redirect(&to));
    };
    rule.check(p).map_err(|e| ctx.error(&e))?;
    Ok(p)
}

/// A form POST that needs a role: the parsed form after the CSRF check, and the person once
/// `rule` lets them in (else the response to send: 403, or the login page).
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(crate) fn checked_form<'c>(ctx: &'c Ctx, headers: &HeaderMap, body: &[u8], rule: Rule) -> Result<(FormData, &'c Principal), Response> {
    let form = FormData::parse(body);
    check_csrf(ctx, headers, form.csrf())?;
    let p = require(ctx, rule)?;
    Ok((form, p))
}

/// The CSRF check every POST makes first: the hidden field must match the cookie.
#[allow(clippy::result_large_err)] // the Err is the answer itself, returned at once
pub(crate) fn check_csrf(ctx: &Ctx, headers: &HeaderMap, value: Option<&str>) -> Result<(), Response> {
    auth::check_csrf(headers, value).map_err(|e| ctx.error(&e))
}

/// The translated confirmation of what the last form did (`?done=…`), for a status message.
pub(crate) fn notice(ctx: &Ctx) -> Option<&'static str> {
    const DONE: [&str; 17] = [
        "invited",
        "roles_saved",
        "revoked",
        "saved",
        "read",
        "approved",
        "rejected",
        "created",
        "locked",
        "unlocked",
        "logged_out",
        "reset",
        "accepted",
        "password_changed",
        "reset_requested",
        "signed_up",
        "rebuilding",
    ];
    let v = ctx.pairs().into_iter().find(|(k, _)| k == "done").map(|(_, v)| v)?;
    let key = DONE.iter().find(|d| **d == v)?;
    Some(crate::i18n::done_message(ctx.lang, key))
}

/// The request id, for the audit events the change writes.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    auth::request_id(headers)
}

/// Days from `from` to `now` (µs), at least 0.
pub fn age_days(from: i64, now: i64) -> i64 {
    ((now - from) / 86_400_000_000).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next("/services?q=a"), "/services?q=a");
        assert_eq!(safe_next("/account/people"), "/account/people");
        for bad in
            ["", "https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", "evil", "/a\nb", "/a b", "/\t/x"]
        {
            assert_eq!(safe_next(bad), "/account", "{bad:?}");
        }
    }

    #[test]
    fn forms_keep_repeats_and_checkboxes() {
        let f = FormData::parse(b"_csrf=abc&roles=buyer&roles=signatory&admin=on&name=%ED%99%8D+%EA%B8%B8%EB%8F%99");
        assert_eq!(f.csrf(), Some("abc"));
        assert_eq!(f.all("roles"), vec!["buyer", "signatory"]);
        assert!(f.checked("admin") && !f.checked("other"));
        assert_eq!(f.get("name"), "홍 길동");
        assert_eq!(f.get("missing"), "");
        assert_eq!(FormData::parse(b"x=1").csrf(), None);
    }

    #[test]
    fn errors_describe_their_fields() {
        let e = FormErrors::one(Lang::Ko, "email", &AppError::bad_request("invalid_email", "x"));
        assert!(e.invalid("email") && !e.invalid("name"));
        assert_eq!(e.described("email", "email-hint"), "email-hint email-error");
        assert_eq!(e.described("name", "name-hint"), "name-hint");
        assert_eq!(e.described("name", ""), "");
        assert!(!e.msg("email").is_empty());
    }

    #[test]
    fn ages() {
        assert_eq!(age_days(0, 86_400_000_000 * 3 + 5), 3);
        assert_eq!(age_days(10, 0), 0);
    }
}
